# Shortcuts; the scripts are the reference (they also work where make is not installed yet).
.PHONY: run test setup bench bench-ui fuzz icons

run:
	./scripts/run.sh

test:
	./scripts/test.sh

setup:
	./scripts/setup.sh


bench:
	./scripts/bench.sh

# The window with 1,000,000 accounts (FORFAITS_BENCH_COMPTES to change): first rows, search, scrolling.
bench-ui:
	./scripts/setup.sh
	cargo test --release --test ui_bench -- --ignored --nocapture

# Coverage-guided fuzzing of the loaders (needs the nightly toolchain); FUZZ_SECONDS per target.
fuzz:
	./scripts/fuzz.sh

icons:
	python3 scripts/make_icon.py icons
