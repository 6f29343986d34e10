# Sourced by the other scripts: where caches live and which tools to use.
# Caches live outside the clone so repeated runs on one machine reuse them; nothing depends on
# them being there.
PORTOLAN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORTOLAN_CACHE="${PORTOLAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/portolan}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PORTOLAN_CACHE/target}"
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export npm_config_cache="${npm_config_cache:-$PORTOLAN_CACHE/npm}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# A Node.js from the npm registry, used when the system's is too old for Vite (see setup.sh).
if [ -x "$PORTOLAN_CACHE/node/bin/node" ]; then
  export PATH="$PORTOLAN_CACHE/node/bin:$PATH"
fi
export PATH="$CARGO_HOME/bin:$PATH"
PORTOLAN_APP_BIN="$CARGO_TARGET_DIR/debug/portolan-app"
PORTOLAN_CLI_BIN="$CARGO_TARGET_DIR/debug/portolan"
