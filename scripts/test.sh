#!/usr/bin/env bash
# The whole test suite, from nothing: set-up, static checks, the engine against real servers and
# a real keychain, the UI's checks, and the real app window driven end to end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"

say() { printf '\n\033[1m[test]\033[0m %s\n' "$*"; }
started=$(date +%s)
phase() { say "$1  (+$(( $(date +%s) - started ))s)"; }

bash scripts/setup.sh

phase "formatting and lints"
cargo fmt --all -- --check
# The app crate embeds ui/dist at compile time, so the UI is built before anything Rust.
(cd ui && npm run --silent build)
cargo clippy --workspace --all-targets -- -D warnings

phase "release workflow lint; licences and third-party notices"
bash scripts/lint-workflows.sh
bash scripts/notices.sh --check

phase "Windows: type check of the engine and the CLI"
bash scripts/check-platforms.sh

phase "UI: type check, lint, unit tests"
(cd ui && npm run --silent check && npm run --silent lint && npm run --silent test)

# Everything the tests create lives here: servers' state, a throwaway HOME, the keychain.
work=$(mktemp -d /tmp/portolan-test.XXXXXX)
cleanup() {
  if [ -x scripts/test-servers.sh ]; then bash scripts/test-servers.sh stop "$work/servers" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -x scripts/test-servers.sh ]; then
  phase "starting the local Postfix and Dovecot"
  bash scripts/test-servers.sh start "$work/servers"
  export PORTOLAN_TEST_SERVERS="$work/servers/servers.env"
fi
export PORTOLAN_REQUIRE_SERVERS=1
# The ISPDB snapshot beside the clone (../shared/data/ispdb, or $PORTOLAN_ISPDB_DIR) must be
# there, so the catalogue data is checked against it (crates/core/tests/ispdb_data.rs).
export PORTOLAN_REQUIRE_ISPDB="${PORTOLAN_REQUIRE_ISPDB:-1}"

phase "Rust tests (real servers, real Secret Service)"
cargo build --workspace --all-targets
PORTOLAN_TEST_WORK="$work" dbus-run-session -- bash scripts/in-test-session.sh \
  cargo test --workspace --no-fail-fast

# Coverage-guided fuzzing of the parsers, bounded: 5 targets x 10 s after a build of about
# 4-10 min cold (cached after). A longer run: bash scripts/fuzz.sh 600 (docs/testing.md).
phase "fuzzing (bounded)"
bash scripts/fuzz.sh "${PORTOLAN_FUZZ_SECONDS:-10}"

phase "end-to-end: the real app under Xvfb"
PORTOLAN_TEST_WORK="$work" dbus-run-session -- bash scripts/in-test-session.sh \
  bash scripts/e2e.sh

# The debug build of the tests, bundled (no second build), inspected, installed and started.
phase "packages: .deb and .rpm, inspected; the .deb installed and both programs started"
bash scripts/stage-cli.sh debug
ui/node_modules/.bin/tauri bundle --debug --bundles deb,rpm
bash scripts/check-packages.sh "$CARGO_TARGET_DIR/debug/bundle" --install

phase "all green"
