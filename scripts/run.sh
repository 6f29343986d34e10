#!/usr/bin/env bash
# Sets everything up, builds the app with its UI embedded, and opens it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
bash scripts/setup.sh
(cd ui && npm run --silent build)
cargo build -p portolan-app -p portolan-cli
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "[run] No display found: starting Portolan on a virtual display (Xvfb)."
  exec xvfb-run --auto-servernum "$PORTOLAN_APP_BIN"
fi
exec "$PORTOLAN_APP_BIN"
