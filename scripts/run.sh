#!/usr/bin/env bash
# Sets up the machine if needed, builds Forfaits and opens the window.
# Arguments are passed on: ./scripts/run.sh --db /chemin/vers/base.sqlite3
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh app
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --bins --locked
exec ./target/release/forfaits "$@"
