#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz, libFuzzer) of the three loaders: users CSV, call records,
# tariffs. Each target runs FUZZ_SECONDS (default 60) from the test fixtures as seed corpus;
# a crash or a broken invariant stops with the input saved under fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
seconds="${FUZZ_SECONDS:-60}"
mkdir -p corpus/import_utilisateurs corpus/releves_appels corpus/tarifs
cp ../tests/fixtures/import/*.csv ../tests/fixtures/users-sample.csv corpus/import_utilisateurs/
cp ../tests/fixtures/Master-sample.csv corpus/releves_appels/
cp ../tests/fixtures/tariffs-sample.csv corpus/tarifs/
for t in import_utilisateurs releves_appels tarifs; do
  echo "== $t ($seconds s)"
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=1024
done
