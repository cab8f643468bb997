#!/usr/bin/env bash
# Sets up the machine if needed, then runs every test: formatting, lints, unit and property
# tests of the core, command-line tests on real databases, and end-to-end tests of the real
# window (tauri-driver + WebKitWebDriver on a private Xvfb display started by the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --all-targets --locked
