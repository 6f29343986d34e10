#!/usr/bin/env bash
# Builds the app with its UI embedded and drives the real window with tauri-driver +
# WebKitWebDriver on a private Xvfb display.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
(cd ui && npm run --silent build)
# Same package selection as the test run, so cargo reuses its build instead of rebuilding
# shared dependencies with other features.
cargo build --workspace --all-targets
export PORTOLAN_APP="$PORTOLAN_APP_BIN" PORTOLAN_CLI="$PORTOLAN_CLI_BIN"
# Software rendering: there is no GPU under Xvfb.
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
exec xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  bash -c 'cd e2e && npm test'
