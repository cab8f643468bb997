# Shortcuts; the scripts are the reference (they also work where make is not installed yet).
.PHONY: run test setup bench icons

run:
	./scripts/run.sh

test:
	./scripts/test.sh

setup:
	./scripts/setup.sh


bench:
	./scripts/bench.sh

icons:
	python3 scripts/make_icon.py icons
