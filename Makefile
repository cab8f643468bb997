# Shortcuts; the scripts are the reference (they also work where make is not installed yet).
.PHONY: run test setup icons

run:
	./scripts/run.sh

test:
	./scripts/test.sh

setup:
	./scripts/setup.sh


icons:
	python3 scripts/make_icon.py icons
