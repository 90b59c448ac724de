#!/usr/bin/env bash
# Runs every test: lint, type check, unit + integration tests (real MariaDB, Redis, IdP, processes),
# then the Playwright end-to-end suite against the local stack. Bootstraps Node 24, pnpm and the
# Debian packages it needs. Extra arguments go to vitest (e.g. a path filter).
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/system-deps.sh"
ensure_system_deps
ensure_deps
cd "$ROOT"
mkdir -p .run

step() { printf '\n== %s\n' "$*"; }

step "lint"
pnpm exec eslint .
step "type check"
pnpm exec tsc -p tsconfig.json --noEmit
step "unit and integration tests"
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.run/vitest.json "$@" || status=$?
node scripts/summary.ts .run/vitest.json || true
exit $status
