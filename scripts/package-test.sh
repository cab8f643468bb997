#!/usr/bin/env bash
# Builds the .deb (scripts/bundle.sh), then installs it and checks the installed program:
# package identity and files, menu entry, `forfaits --help`, a CLI import on a temp database,
# a refused broken file, and the installed window showing the rows (tests/app/package.rs).
# As root the package is really installed with dpkg -i and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(./scripts/bundle.sh | tail -1)
printf '\033[1m%s\033[0m\n' "Paquet : $deb ($(du -k "$deb" | cut -f1) Kio)" >&2
export PATH="$HOME/.cargo/bin:$PATH"
FORFAITS_DEB="$PWD/$deb" cargo test --test app package:: -- --ignored --nocapture
