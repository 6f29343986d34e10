#!/usr/bin/env bash
# Type-checks the engine and the CLI for Windows (`cargo check`, nothing runs), so the
# Windows-only code (the Credential Manager store in crates/core/src/secrets.rs) at
# least compiles. macOS cannot be checked here: its crates' build scripts need Apple's SDK.
# The app itself is not checked for Windows: WebView2's build needs Windows' own tools.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
target=x86_64-pc-windows-gnu
if ! rustup target list --installed | grep -qx "$target"; then
  echo "[platforms] the Rust target $target is missing: run 'bash scripts/setup.sh'." >&2
  exit 1
fi
cargo check --locked --target "$target" -p portolan-core -p portolan-cli --all-targets
