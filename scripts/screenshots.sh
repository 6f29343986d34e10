#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/screenshots/*.png) from the real app under Xvfb,
# through the same end-to-end tests that check it, against the local test servers and a
# private keychain (so the journey can run to the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
bash scripts/setup.sh
mkdir -p docs/screenshots
work=$(mktemp -d /tmp/portolan-shots.XXXXXX)
cleanup() {
  bash scripts/test-servers.sh stop "$work/servers" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# Its own ports, so it can run while a test run holds the default ones.
PORTOLAN_TEST_PORT_BASE="${PORTOLAN_TEST_PORT_BASE:-24900}" bash scripts/test-servers.sh start "$work/servers"
export PORTOLAN_TEST_SERVERS="$work/servers/servers.env" PORTOLAN_REQUIRE_SERVERS=1
export PORTOLAN_SCREENSHOT_DIR="$PORTOLAN_ROOT/docs/screenshots"
PORTOLAN_TEST_WORK="$work" dbus-run-session -- bash scripts/in-test-session.sh bash scripts/e2e.sh
ls -1 docs/screenshots
