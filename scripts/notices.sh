#!/usr/bin/env bash
# The third-party notices the About page and `portolan --version` show, and the licence check.
#
#   bash scripts/notices.sh           (make notices) rewrite crates/core/data/third-party-notices.json
#   bash scripts/notices.sh --check   (make test) every licence on deny.toml's allow-list, and the
#                                     file still lists exactly what ships; a few seconds
#
# What ships: the crates of the app and the CLI for Windows, macOS and Linux (cargo-deny's list,
# deny.toml's [graph]) and the npm packages the bundler put into the UI (vite.config.ts). The
# licence texts come from the crates' own files (cargo-about, about.toml; a few minutes) and the
# npm packages' licence files.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
say() { printf '\033[1m[notices]\033[0m %s\n' "$*"; }

file=crates/core/data/third-party-notices.json
work=$(mktemp -d /tmp/portolan-notices.XXXXXX)
trap 'rm -rf "$work"' EXIT

for tool in deny about; do
  if ! cargo "$tool" --version >/dev/null 2>&1; then
    say "cargo-$tool is not installed: run 'bash scripts/setup.sh'."
    exit 1
  fi
done

say "licences of the crates against deny.toml's allow-list (cargo deny check licenses)"
cargo deny --log-level error --locked --offline check licenses

cargo deny --log-level error --locked --offline list --format json --layout crate >"$work/crates.json"
# The UI's bundle, into a scratch folder, with the list of the npm packages in it.
(cd ui && PORTOLAN_BUNDLED_PACKAGES="$work/npm.json" npx --no-install vite build --logLevel error \
  --outDir "$work/dist" --emptyOutDir >/dev/null)

if [ "${1:-}" = --check ]; then
  python3 scripts/notices.py check "$work/crates.json" "$work/npm.json" "$file"
  exit 0
fi

say "collecting the crates' licence texts (cargo about; a few minutes)"
cargo about generate --workspace --locked --offline --fail --format json -o "$work/about.json"
python3 scripts/notices.py generate "$work/crates.json" "$work/npm.json" "$work/about.json" "$file"
