#!/usr/bin/env bash
# Builds the release binary and prints the benchmark ratios of both stores (see scripts/bench.py
# for SQLite and scripts/bench_site.py for a site's PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --bin forfaits
# The load generator of the call-control benchmark (plays Asterisk's side).
cargo build --release -p forfaits-agi --example charge
python3 scripts/bench.py "$@"
# The same figures on a site (PostgreSQL, SPEC §13), on a throw-away cluster.
exec python3 scripts/bench_site.py "$@"
