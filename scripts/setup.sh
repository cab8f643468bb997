#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks, and only that.
#   ./scripts/setup.sh app   to build and run Forfaits: WebKitGTK, GTK, CUPS (printing), Rust.
#   ./scripts/setup.sh       the same, plus what the tests and benchmarks use: Xvfb,
#                            WebKitWebDriver and tauri-driver, D-Bus, pdftotext, sqlite3,
#                            hyperfine, a CUPS PDF printer, LibreOffice Calc, PostgreSQL, unzip.
# A clerk's machine gets no PostgreSQL server nor test tools from `run.sh`.
set -euo pipefail

what=${1:-all}
case "$what" in
  app | all) ;;
  *) echo "Utilisation : $0 [app|all]" >&2; exit 2 ;;
esac

APP_PACKAGES=(
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev
  librsvg2-dev curl ca-certificates
  # printing (the system's print dialog, `forfaits sheet --print` through `lp`)
  cups
)
TEST_PACKAGES=(
  xvfb webkit2gtk-driver poppler-utils sqlite3 hyperfine python3 time dbus x11-utils unzip
  # office documents: a PDF printer for CUPS, LibreOffice reading the .xlsx
  printer-driver-cups-pdf libreoffice-calc-nogui
  # site mode (SPEC §13): the tests start throw-away PostgreSQL clusters, with TLS
  postgresql openssl
)
# The workspace's rust-version (Cargo.toml).
RUST_MINOR=85

say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }

if [ -r /etc/os-release ]; then
  . /etc/os-release
  case "${ID:-}:${VERSION_ID:-0}" in
    debian:1[2-9]* | ubuntu:2[2-9].* | ubuntu:[3-9]*) ;;
    *) say "Attention : Forfaits est installé et testé sur Debian 12+ et Ubuntu 22.04+ (ici : ${PRETTY_NAME:-inconnu}) ; des paquets peuvent manquer." ;;
  esac
fi

packages=("${APP_PACKAGES[@]}")
[ "$what" = all ] && packages+=("${TEST_PACKAGES[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "Installation des paquets système manquants : ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "sudo est nécessaire pour installer : ${missing[*]}"; exit 2; }
    SUDO="sudo"
  fi
  # `env`: sudo would drop DEBIAN_FRONTEND, and a package could stop on a question.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# A Rust new enough for the workspace: Debian's own cargo (1.63 in Debian 12) is not.
rust_ok() {
  command -v cargo >/dev/null 2>&1 && command -v rustc >/dev/null 2>&1 || return 1
  local v minor
  v=$(rustc --version | awk '{print $2}')
  minor=$(echo "$v" | cut -d. -f2)
  [ "${v%%.*}" -gt 1 ] || [ "$minor" -ge "$RUST_MINOR" ]
}
if ! rust_ok; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! rust_ok; then
  if command -v rustup >/dev/null 2>&1; then
    say "Mise à jour de Rust (rustup)"
    rustup toolchain install stable --profile minimal -c clippy,rustfmt
    rustup default stable
  else
    say "Installation de Rust (rustup)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi

[ "$what" = all ] || exit 0

# The tests run rustfmt and clippy.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  command -v rustup >/dev/null 2>&1 || { say "rustfmt et clippy manquent : installez-les avec votre Rust"; exit 2; }
  say "Installation de rustfmt et clippy"
  rustup component add rustfmt clippy
fi

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  say "Installation de tauri-driver (tests de bout en bout)"
  cargo install tauri-driver --locked --version 2.1.0
fi
