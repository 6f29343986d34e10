#!/usr/bin/env bash
# Regenerates the catalogue's ISPDB data from a snapshot of Thunderbird's ISPDB folder (the
# `ispdb/` folder of thunderbird/autoconfig with its SOURCE.md and LICENSE):
#   crates/core/data/ispdb.json         the facts (domains, SMTP servers, user names, OAuth2)
#   crates/core/data/ispdb-SOURCE.md    where they come from (repository, commit, date)
#   crates/core/data/ispdb-LICENSE.txt  their licence (MPL-2.0)
# The files are read with Portolan's own clientConfig parser. Re-run when a newer snapshot
# comes, then run `cargo test -p portolan-core --test ispdb_data --test discover_catalogue`.
#
# Usage: bash scripts/ispdb-import.sh [ISPDB folder]   (default: ../shared/data/ispdb)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
dir="${1:-${PORTOLAN_ISPDB_DIR:-../shared/data/ispdb}}"
if [ ! -d "$dir" ]; then
  echo "ispdb-import: no ISPDB folder at $dir (give its path as the first argument)" >&2
  exit 1
fi
dir="$(cd "$dir" && pwd)"
cargo run --quiet -p portolan-core --example ispdb-import -- "$dir" crates/core/data
