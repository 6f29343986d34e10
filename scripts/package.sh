#!/usr/bin/env bash
# Builds the release app and its .deb package with the Tauri bundler (works offline).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
bash scripts/setup.sh
(cd ui && npm run --silent build)
# From the repository root: the Tauri CLI finds src-tauri/tauri.conf.json below the current
# folder. The UI was built just above, so the configured beforeBuildCommand is skipped.
ui/node_modules/.bin/tauri build --bundles deb --config '{"build":{"beforeBuildCommand":""}}'
deb=$(ls -1t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -n 1)
echo "[package] $deb ($(du -h "$deb" | cut -f1))"
