#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret
# Service) and a throwaway HOME, so no test can touch the user's own keychain or config.
set -euo pipefail
work="${PORTOLAN_TEST_WORK:?PORTOLAN_TEST_WORK must name the test folder}"
home="$work/home"
mkdir -p "$home/.config" "$home/.local/share" "$home/.cache"
# Keep the toolchain where it is before HOME moves.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
  XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export PORTOLAN_TEST_HOME="$home"
# gnome-keyring unlocks (and creates) the login keyring from a password line on stdin.
eval "$(echo portolan-test | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
"$@"
