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
# gnome-keyring unlocks (and creates) the login keyring from a password line on stdin. The
# keychain tests restart it with the same password after killing or locking it.
export PORTOLAN_TEST_KEYRING_PASSWORD=portolan-test
eval "$(echo "$PORTOLAN_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
# Services the bus starts on demand (gnome-keyring's own `--start`, its unlock prompt) get the
# private HOME and runtime folder too: started with the bus's first environment they would not
# find this keyring's control socket and would start another keyring in the real HOME.
dbus-update-activation-environment HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME \
  XDG_RUNTIME_DIR GNOME_KEYRING_CONTROL
# The keyring claims its bus name a moment after it starts; wait for it so no client starts
# one of its own first.
for _ in $(seq 50); do
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.GetNameOwner org.freedesktop.secrets >/dev/null 2>&1 && break
  sleep 0.1
done
"$@"
