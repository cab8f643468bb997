# Shortcuts; the scripts are the reference (they also work where make is not installed yet).
.PHONY: run test setup bench bench-ui fuzz icons bundle package-test lint-workflows footprint

run:
	./scripts/run.sh

test:
	./scripts/test.sh

setup:
	./scripts/setup.sh

# The Linux installer (.deb) in target/release/bundle/deb/, release build through the Tauri CLI.
bundle:
	./scripts/bundle.sh

# Builds the .deb, installs it (dpkg -i as root) and checks the installed program and window.
package-test:
	./scripts/package-test.sh

# Sizes of the package and binaries; memory of the idle window with 1,000 and 1,000,000 accounts.
footprint:
	./scripts/bundle.sh >/dev/null
	python3 scripts/footprint.py

# actionlint over .github/workflows (release workflow for Windows, macOS and Linux installers).
lint-workflows:
	./scripts/lint-workflows.sh

bench:
	./scripts/bench.sh

# The window with 1,000,000 accounts (FORFAITS_BENCH_COMPTES to change): first rows, search, scrolling.
bench-ui:
	./scripts/setup.sh
	cargo test --release --test app ui_bench:: -- --ignored --nocapture

# Coverage-guided fuzzing of the loaders (needs the nightly toolchain); FUZZ_SECONDS per target.
fuzz:
	./scripts/fuzz.sh

# Redraws the source image, then derives every size and format with the Tauri icon tool
# (mobile formats dropped: no Android or iOS target).
icons:
	python3 scripts/make_icon.py
	cargo tauri icon icons/source.png -o icons
	rm -rf icons/android icons/ios
