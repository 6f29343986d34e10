#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/screenshots/*.png) from the real app under Xvfb,
# through the same end-to-end tests that check it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
bash scripts/setup.sh
mkdir -p docs/screenshots
work=$(mktemp -d /tmp/portolan-shots.XXXXXX)
trap 'rm -rf "$work"' EXIT
export PORTOLAN_SCREENSHOT_DIR="$PORTOLAN_ROOT/docs/screenshots"
PORTOLAN_TEST_WORK="$work" dbus-run-session -- bash scripts/in-test-session.sh bash scripts/e2e.sh
ls -1 docs/screenshots
