#!/usr/bin/env bash
# Builds the release app and its .deb and .rpm packages with the Tauri bundler (offline). Each
# package holds the app (/usr/bin/portolan-app, with its desktop entry and icons) and the
# `portolan` command-line tool (/usr/bin/portolan); scripts/check-packages.sh inspects both.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
bash scripts/setup.sh
(cd ui && npm run --silent build)
bash scripts/stage-cli.sh release
# From the repository root: the Tauri CLI finds src-tauri/tauri.conf.json below the current
# folder. The UI was built just above.
ui/node_modules/.bin/tauri build --bundles deb,rpm
bash scripts/check-packages.sh "$CARGO_TARGET_DIR/release/bundle"
for p in "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb "$CARGO_TARGET_DIR"/release/bundle/rpm/*.rpm; do
  echo "[package] $p ($(du -h "$p" | cut -f1))"
done
