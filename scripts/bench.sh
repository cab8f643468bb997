#!/usr/bin/env bash
# Builds the release binary and prints the benchmark ratios (see scripts/bench.py).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --bin forfaits
# The load generator of the call-control benchmark (plays Asterisk's side).
cargo build --release -p forfaits-agi --example charge
exec python3 scripts/bench.py "$@"
