#!/usr/bin/env bash
# Builds the Linux installer (.deb) with the Tauri CLI in release mode (assets inside the binary,
# stripped, thin LTO). The other platforms are built by .github/workflows/release.yml.
# Prints the path of the .deb on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh app
export PATH="$HOME/.cargo/bin:$PATH"

# The bundler needs dpkg-deb (always there on Debian/Ubuntu) and the Tauri CLI.
if ! cargo tauri --version 2>/dev/null | grep -q '^tauri-cli 2\.'; then
  printf '\033[1m%s\033[0m\n' "Installation de la CLI Tauri (environ 7 minutes sur 2 cœurs)" >&2
  cargo install tauri-cli --version '^2' --locked
fi

cargo tauri build --bundles deb --ci >&2
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
# The Tauri CLI honours CARGO_TARGET_DIR; so must the search for its output.
target=${CARGO_TARGET_DIR:-target}
deb=$(ls -t "$target"/release/bundle/deb/Forfaits_"${version}"_*.deb | head -1)
printf '%s\n' "$deb"
