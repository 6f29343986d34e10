#!/usr/bin/env bash
# Installs everything Portolan needs to build, run and test on Debian 12 (as root, or with sudo).
# Idempotent: a second run installs nothing and takes a few seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages: Tauri/WebKitGTK build deps, the test display and WebDriver, the Secret
#    Service keychain, the real mail servers the engine is tested against. gdbus, dbus-monitor,
#    xmessage and xdotool: the keychain and window tests lock the keyring, watch the bus, and
#    move the focus between windows; rpm to inspect the .rpm, x11-utils to find the installed
#    app's window, python3-venv for the workflow linters, MinGW's C compiler for the Windows
#    type check (ring's build script compiles C).
APT_PACKAGES=(
  build-essential pkg-config curl file ca-certificates
  libwebkit2gtk-4.1-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb webkit2gtk-driver xauth
  dbus dbus-x11 gnome-keyring libsecret-tools xclip
  libglib2.0-bin dbus-bin x11-utils xdotool
  postfix dovecot-core openssl swaks libnet-ssleay-perl hyperfine python3
  iproute2 nftables
  php-cli msmtp
  imagemagick
  rpm python3-venv
  gcc-mingw-w64-x86-64
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  # Postfix would otherwise ask how to configure the system's mail; the tests run their own.
  echo 'postfix postfix/main_mailer_type select No configuration' | as_root debconf-set-selections
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# 2. Rust: Tauri 2 needs a recent toolchain, which Debian 12's rustc (1.63) is not.
if ! command -v cargo >/dev/null 2>&1; then
  say "Rust is missing. Install it with rustup (https://rustup.rs), then run this again."
  exit 1
fi
rust_minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
if [ "$rust_minor" -lt 90 ]; then
  say "Rust $(rustc --version) is too old; Portolan needs 1.90 or newer (rustup update)."
  exit 1
fi

# 3. Node.js >= 20.19 for Vite. Debian 12 ships 18: then take an official build from the npm
#    registry (package node-linux-<arch>) into the cache.
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
  if ! command -v npm >/dev/null 2>&1; then
    say "installing Debian's nodejs and npm (to fetch a newer Node.js)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  say "installing Node.js 22 from the npm registry into $PORTOLAN_CACHE/node"
  rm -rf "$PORTOLAN_CACHE/node-pkg"
  npm install --prefix "$PORTOLAN_CACHE/node-pkg" --no-save "node-linux-$arch@22" >/dev/null
  rm -rf "$PORTOLAN_CACHE/node"
  mv "$PORTOLAN_CACHE/node-pkg/node_modules/node-linux-$arch" "$PORTOLAN_CACHE/node"
  export PATH="$PORTOLAN_CACHE/node/bin:$PATH"
  # Its npm comes with the package; fall back to the system npm otherwise.
  node_ok || { say "could not install a suitable Node.js"; exit 1; }
fi

# 4. npm packages, exactly as locked.
for dir in ui e2e; do
  stamp="$dir/node_modules/.portolan-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    say "npm ci in $dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
done

# 5. tauri-driver (2.x: the registry's newest may be a 3.0 alpha), the app's WebDriver bridge.
# (tauri-driver has no --version; cargo's own list says which version is installed.)
if ! command -v tauri-driver >/dev/null 2>&1 \
  || ! cargo install --list | grep -qE '^tauri-driver v2\.'; then
  say "installing tauri-driver 2.x (cargo install)"
  cargo install --locked --quiet tauri-driver --version '^2'
fi

# 6. cargo-fuzz, for the coverage-guided fuzzing of the engine's parsers (scripts/fuzz.sh).
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz 0.13.2 (cargo install)"
  cargo install --locked --quiet cargo-fuzz --version 0.13.2
fi

# 7. The licence check and the third-party notices (scripts/notices.sh).
if ! cargo deny --version 2>/dev/null | grep -q '^cargo-deny 0\.20\.2$'; then
  say "installing cargo-deny 0.20.2 (cargo install)"
  cargo install --locked --quiet cargo-deny --version 0.20.2
fi
if ! cargo about --version 2>/dev/null | grep -q '^cargo-about 0\.9\.3$'; then
  say "installing cargo-about 0.9.3 (cargo install)"
  cargo install --locked --quiet cargo-about --version 0.9.3 --features cli
fi

# 8. The release workflow's linters, from PyPI into a venv of their own (scripts/lint-workflows.sh).
venv="$PORTOLAN_CACHE/venv"
if ! "$venv/bin/zizmor" --version 2>/dev/null | grep -q '^zizmor 1\.32\.0$' \
  || ! "$venv/bin/check-jsonschema" --version 2>/dev/null | grep -q 'version 0\.39\.0$'; then
  say "installing zizmor and check-jsonschema (pip, into $venv)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check zizmor==1.32.0 check-jsonschema==0.39.0
fi

# 9. The Windows standard library, to type-check the Windows-only code (scripts/check-platforms.sh).
if ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
  say "adding the Rust target x86_64-pc-windows-gnu (rustup)"
  rustup target add x86_64-pc-windows-gnu
fi

say "ready"
