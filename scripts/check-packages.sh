#!/usr/bin/env bash
# Inspects the .deb and the .rpm the Tauri bundler made (newest of each under BUNDLE_DIR):
# name, version, licence, maintainer, home page, dependencies, both binaries, the desktop entry
# and the icons. With --install, also installs the .deb with apt-get (as root or with sudo),
# starts both binaries from where it put them (`portolan --version`, the app's window under
# Xvfb), and removes the package again.
#
#   bash scripts/check-packages.sh BUNDLE_DIR [--install]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="${1:?usage: check-packages.sh BUNDLE_DIR [--install]}"
install="${2:-}"

say() { printf '\033[1m[packages]\033[0m %s\n' "$*"; }
failures=0
ok() { printf '  ok    %s\n' "$1"; }
bad() { printf '  FAIL  %s\n' "$1"; failures=$((failures + 1)); }
# expect DESCRIPTION TEXT REGEX: TEXT has a line matching the extended REGEX.
expect() { if grep -qE -- "$3" <<<"$2"; then ok "$1"; else bad "$1 (no line matches /$3/)"; fi; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
homepage=$(sed -n 's/^homepage = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
licence=$(sed -n 's/^license = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
deb=$(ls -1t "$bundle"/deb/*.deb 2>/dev/null | head -n 1 || true)
rpm=$(ls -1t "$bundle"/rpm/*.rpm 2>/dev/null | head -n 1 || true)
[ -n "$deb" ] || { say "no .deb under $bundle/deb"; exit 1; }
[ -n "$rpm" ] || { say "no .rpm under $bundle/rpm"; exit 1; }
re_version=${version//./\\.}
# extract PATH: a file of the .deb, whichever way its archive spells the path.
extract() { dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards "$1" "./$1" 2>/dev/null || true; }

say "$(basename "$deb") ($(du -h "$deb" | cut -f1))"
info=$(dpkg-deb -I "$deb")
files=$(dpkg-deb -c "$deb" | awk '{print $1, $NF}' | sed 's# \./# #')
expect "package name" "$info" '^ Package: portolan$'
expect "version $version" "$info" "^ Version: $re_version\$"
expect "architecture" "$info" '^ Architecture: amd64$'
expect "maintainer: a name and an address" "$info" '^ Maintainer: [^<]*[A-Za-z][^<]* <[^@ >]+@[^@ >]+\.[a-z]+>$'
expect "home page" "$info" "^ Homepage: $homepage\$"
expect "depends on WebKitGTK 4.1 and GTK 3" "$info" '^ Depends: .*libwebkit2gtk-4\.1-0.*libgtk-3-0|^ Depends: .*libgtk-3-0.*libwebkit2gtk-4\.1-0'
expect "recommends a Secret Service (gnome-keyring or KWallet)" "$info" '^ Recommends: .*gnome-keyring \| libkf5wallet-bin'
expect "the app, executable" "$files" '^-rwxr-xr-x usr/bin/portolan-app$'
expect "the portolan CLI, executable, on PATH" "$files" '^-rwxr-xr-x usr/bin/portolan$'
expect "the desktop entry" "$files" '^-rw-r--r-- usr/share/applications/Portolan\.desktop$'
expect "the icons (32, 128, 256 px)" "$files" ' usr/share/icons/hicolor/32x32/apps/portolan-app\.png$'
expect "  128 px" "$files" ' usr/share/icons/hicolor/128x128/apps/portolan-app\.png$'
expect "  256 px" "$files" ' usr/share/icons/hicolor/256x256@2/apps/portolan-app\.png$'
expect "the copyright file" "$files" '^-rw-r--r-- usr/share/doc/portolan/copyright$'
expect "  names the licence" "$(extract usr/share/doc/portolan/copyright)" "^License: $licence\$"
desktop=$(extract usr/share/applications/Portolan.desktop)
expect "desktop entry starts the app" "$desktop" '^Exec=portolan-app$'
expect "desktop entry names it" "$desktop" '^Name=Portolan$'
expect "desktop entry has its icon" "$desktop" '^Icon=portolan-app$'
for bin in portolan-app portolan; do
  kind=$(extract "usr/bin/$bin" | file -b -)
  expect "$bin is an x86-64 program" "$kind" '^ELF 64-bit LSB pie executable, x86-64'
done

say "$(basename "$rpm") ($(du -h "$rpm" | cut -f1))"
info=$(rpm -qip "$rpm" 2>/dev/null)
files=$(rpm -qlvp "$rpm" 2>/dev/null | awk '{print $1, $NF}')
expect "package name" "$info" '^Name +: portolan$'
expect "version $version" "$info" "^Version +: $re_version\$"
expect "licence $licence" "$info" "^License +: $licence\$"
expect "home page" "$info" "^URL +: $homepage\$"
expect "architecture" "$info" '^Architecture: x86_64$'
expect "requires WebKitGTK 4.1 and GTK 3" "$(rpm -qp --requires "$rpm" 2>/dev/null)" '^libwebkit2gtk-4\.1\.so\.0\(\)\(64bit\)$'
expect "  GTK 3" "$(rpm -qp --requires "$rpm" 2>/dev/null)" '^libgtk-3\.so\.0\(\)\(64bit\)$'
expect "recommends a Secret Service (gnome-keyring or KWallet)" \
  "$(rpm -qp --recommends "$rpm" 2>/dev/null)" '^\(gnome-keyring or kf6-kwallet or kf5-kwallet\)$'
expect "the app, executable" "$files" '^-rwxr-xr-x /usr/bin/portolan-app$'
expect "the portolan CLI, executable, on PATH" "$files" '^-rwxr-xr-x /usr/bin/portolan$'
expect "the desktop entry" "$files" '^-rw-r--r-- /usr/share/applications/Portolan\.desktop$'
expect "the icons (32, 128, 256 px)" "$files" '/usr/share/icons/hicolor/32x32/apps/portolan-app\.png$'
expect "  128 px" "$files" '/usr/share/icons/hicolor/128x128/apps/portolan-app\.png$'
expect "  256 px" "$files" '/usr/share/icons/hicolor/256x256@2/apps/portolan-app\.png$'
expect "the copyright file" "$files" '^-rw-r--r-- /usr/share/licenses/portolan/copyright$'

if [ "$install" = --install ]; then
  say "installing $(basename "$deb") with apt-get, then starting both binaries from it"
  if dpkg-query -W -f='${Status}' portolan 2>/dev/null | grep -q "install ok installed"; then
    say "a Portolan package is already installed on this system: not replacing it"
    bad "install test skipped (remove the installed portolan package to run it)"
  else
    scratch=$(mktemp -d /tmp/portolan-installed.XXXXXX)
    remove() {
      as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq portolan >/dev/null 2>&1 || true
      rm -rf "$scratch"
    }
    trap remove EXIT
    # Everything it depends on is there already (scripts/setup.sh), so nothing is downloaded.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")" >/dev/null
    expect "installed" "$(dpkg-query -W -f='${Status} ${Version}' portolan)" "^install ok installed $re_version\$"
    expect "portolan is on PATH" "$(command -v portolan || true)" '^/usr/bin/portolan$'
    expect "portolan -V" "$(/usr/bin/portolan -V)" "^portolan $re_version\$"
    long=$(/usr/bin/portolan --version)
    expect "portolan --version: version" "$long" "^portolan $re_version\$"
    expect "portolan --version: licence" "$long" "^Licence: $licence\\."
    expect "portolan --version: third-party notices" "$long" '^  tauri [0-9.]+ \(crate\): (Apache-2\.0 OR MIT|MIT OR Apache-2\.0)$'
    expect "portolan ports (the engine answers)" "$(/usr/bin/portolan ports)" 'Port 587'
    # The app, as the desktop entry starts it, on a private display with a throwaway HOME.
    shot="$scratch/window.png"
    window=$(HOME="$scratch" XDG_CONFIG_HOME="$scratch/.config" XDG_DATA_HOME="$scratch/.local" \
      WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1 \
      timeout 90 xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" bash -c '
        portolan-app >"'"$scratch"'/app.log" 2>&1 & app=$!
        for _ in $(seq 1 120); do
          id=$(xwininfo -root -tree 2>/dev/null | awk "/\"Portolan\": \\(/ {print \$1; exit}")
          if [ -n "$id" ]; then
            sleep 4  # the page paints
            import -window "$id" "'"$shot"'" 2>/dev/null || true
            echo "window $id"
            break
          fi
          kill -0 $app 2>/dev/null || break
          sleep 0.5
        done
        kill $app 2>/dev/null; wait $app 2>/dev/null || true' || true)
    expect "the app opens its window titled Portolan" "$window" '^window 0x'
    colours=$( [ -f "$shot" ] && convert "$shot" -format '%k' info: 2>/dev/null || echo 0)
    if [ "${colours:-0}" -gt 50 ]; then ok "the window shows a page ($colours colours)"; else
      bad "the window shows a page (only ${colours:-0} colours; see $scratch/app.log)"
      cat "$scratch/app.log" >&2 || true
    fi
  fi
fi

if [ "$failures" -gt 0 ]; then
  say "$failures check(s) failed"
  exit 1
fi
say "both packages are complete"
