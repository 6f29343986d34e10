#!/usr/bin/env bash
# Builds the `portolan` command-line tool and puts it where the Tauri bundler takes it from, so
# every package carries both binaries:
#   src-tauri/bundle-bin/portolan            Linux: bundle.linux.{deb,rpm}.files -> /usr/bin/portolan
#   src-tauri/bundle-bin/portolan-<triple>   Windows, macOS: tauri.sidecar.conf.json (externalBin)
#
#   bash scripts/stage-cli.sh release|debug [TRIPLE]
# TRIPLE defaults to the host's; universal-apple-darwin builds both Mac targets and joins them.
# Uses $CARGO_TARGET_DIR (or target/), the same folder as the app's build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
profile="${1:?usage: stage-cli.sh release|debug [TRIPLE]}"
host=$(rustc -vV | sed -n 's/^host: //p')
triple="${2:-$host}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
out="$root/src-tauri/bundle-bin"
mkdir -p "$out"

case "$profile" in
  release) flags=(--release); dir=release ;;
  debug) flags=(); dir=debug ;;
  *) echo "stage-cli.sh: the profile is release or debug, not '$profile'" >&2; exit 2 ;;
esac

built() { # TRIPLE -> the path of the binary cargo built for it
  local exe=""
  case "$1" in *windows*) exe=.exe ;; esac
  if [ "$1" = "$host" ]; then echo "$target_dir/$dir/portolan$exe"; else echo "$target_dir/$1/$dir/portolan$exe"; fi
}
build() { # TRIPLE
  if [ "$1" = "$host" ] && [ "$profile" = debug ]; then
    # The test run's own selection (scripts/test.sh), so this reuses its build.
    cargo build --locked --workspace --all-targets
  elif [ "$1" = "$host" ]; then
    cargo build --locked "${flags[@]}" -p portolan-cli
  else
    cargo build --locked "${flags[@]}" -p portolan-cli --target "$1"
  fi
}

if [ "$triple" = universal-apple-darwin ]; then
  build aarch64-apple-darwin
  build x86_64-apple-darwin
  lipo -create -output "$out/portolan-$triple" "$(built aarch64-apple-darwin)" "$(built x86_64-apple-darwin)"
else
  build "$triple"
  exe=""
  case "$triple" in *windows*) exe=.exe ;; esac
  cp "$(built "$triple")" "$out/portolan-$triple$exe"
  if [ "$triple" = "$host" ]; then cp "$(built "$triple")" "$out/portolan$exe"; fi
fi
echo "[stage-cli] $(ls "$out" | tr '\n' ' ')"
