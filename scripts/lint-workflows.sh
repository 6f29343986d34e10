#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml) offline: check-jsonschema against
# the workflow schema it carries (every key, type and value GitHub accepts), then zizmor for
# mistakes and security problems (expressions spliced into shell, credentials left on disk,
# over-broad permissions, secrets reaching the wrong step). Both come from PyPI into
# $PORTOLAN_CACHE/venv (scripts/setup.sh). actionlint's PyPI package downloads its binary from
# GitHub when installed, which this setup cannot do, so it is not used.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
venv="$PORTOLAN_CACHE/venv"
if [ ! -x "$venv/bin/zizmor" ] || [ ! -x "$venv/bin/check-jsonschema" ]; then
  echo "[lint-workflows] zizmor and check-jsonschema are missing: run 'bash scripts/setup.sh'." >&2
  exit 1
fi
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"
"$venv/bin/zizmor" --offline --no-progress --config .github/zizmor.yml .github/workflows
