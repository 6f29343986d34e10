#!/usr/bin/env bash
# The desktop app's own figures (not part of `make test`): cold start to the first screen
# (median of RUNS launches through tauri-driver, which includes the driver's session set-up),
# idle memory of the whole process tree after IDLE_SECS, and the .deb size when one is built.
# Uses the release binary: run `make package` first (or set PORTOLAN_APP).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
app="${PORTOLAN_APP:-$CARGO_TARGET_DIR/release/portolan-app}"
[ -x "$app" ] || { echo "no release app at $app: run make package first" >&2; exit 1; }
export PORTOLAN_APP="$app" RUNS="${RUNS:-10}" IDLE_SECS="${IDLE_SECS:-60}"
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A throwaway HOME so the app's config folder and WebKit caches start cold and stay private.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" \
  XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME"
xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" bash -c '
  set -euo pipefail
  (cd e2e && node bench/startup.mjs)
  "$PORTOLAN_APP" >/dev/null 2>&1 &
  pid=$!
  sleep "$IDLE_SECS"
  tree() { echo "$1"; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do tree "$c"; done; }
  rss=0; pss=0; n=0
  for p in $(tree "$pid"); do
    r=$(awk "/^Rss:/ {print \$2}" /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
    s=$(awk "/^Pss:/ {print \$2}" /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
    rss=$((rss + r)); pss=$((pss + s)); n=$((n + 1))
  done
  echo "idle memory after ${IDLE_SECS} s, ${n} processes: RSS $((rss / 1024)) MiB, PSS $((pss / 1024)) MiB"
  kill "$pid"; wait "$pid" 2>/dev/null || true
'
deb=$(ls -1t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb 2>/dev/null | head -n 1 || true)
if [ -n "$deb" ]; then
  echo ".deb: $(basename "$deb") $(stat -c %s "$deb") bytes ($(du -h "$deb" | cut -f1))"
fi
