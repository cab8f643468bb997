#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build, run and test Forfaits:
# system packages (WebKitGTK, GTK, Xvfb, WebKitWebDriver, D-Bus, pdftotext, sqlite3, hyperfine,
# CUPS with its PDF printer, LibreOffice Calc, PostgreSQL),
# the Rust toolchain if cargo is missing, and tauri-driver. Installs only what is missing.
set -euo pipefail

PACKAGES=(
  # build
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev
  librsvg2-dev curl ca-certificates
  # tests and benchmarks
  xvfb webkit2gtk-driver poppler-utils sqlite3 hyperfine python3 time dbus x11-utils
  # office documents: printing through CUPS to a PDF printer, LibreOffice reading the .xlsx
  cups printer-driver-cups-pdf libreoffice-calc-nogui
  # site mode (SPEC §13): the tests start throw-away PostgreSQL clusters, with TLS
  postgresql openssl
)

say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "Installation des paquets système manquants : ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "sudo est nécessaire pour installer : ${missing[*]}"; exit 2; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    say "Installation de Rust (rustup)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  say "Installation de tauri-driver (tests de bout en bout)"
  cargo install tauri-driver --locked --version '^2'
fi
