#!/usr/bin/env bash
# Runs every test: lint, type check, unit + integration tests (real MariaDB, Redis, IdP, processes),
# then the Playwright end-to-end suite against the local stack. Bootstraps Node 24, pnpm and the
# Debian packages it needs. With arguments, runs vitest only, with those arguments (e.g. a path filter).
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/system-deps.sh"
ensure_system_deps
ensure_deps
cd "$ROOT"
mkdir -p .run

# Colour codes only for a person at a terminal: a log file or CI gets plain text. vitest honours NO_COLOR,
# Playwright FORCE_COLOR=0 (each gets its own: Node warns when both are set).
vitest_env=()
playwright_env=()
if [ ! -t 1 ]; then vitest_env=(env NO_COLOR=1); playwright_env=(env FORCE_COLOR=0); fi

step() { printf '\n== %s\n' "$*"; }

if [ $# -eq 0 ]; then
  step "lint"
  pnpm exec eslint .
  step "type check"
  pnpm exec tsc -p tsconfig.json --noEmit
else
  printf '\n== lint and type check skipped: arguments run vitest only\n'
fi
step "unit and integration tests"
vitest_args=()
# The overlays are rendered with kubectl's kustomize when kubectl is present; say so loudly when not.
if ! command -v "${KUBECTL:-kubectl}" >/dev/null; then
  printf '\n!! kubectl not found: the k8s/ overlay render checks (test/manifests/overlays.test.ts) cannot run here.\n'
  printf '!! Raw YAML validation still runs. Install kubectl >= 1.27 (or set KUBECTL) to render the overlays.\n\n'
  vitest_args+=(--exclude test/manifests/overlays.test.ts)
fi
status=0
"${vitest_env[@]}" pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.run/vitest.json "${vitest_args[@]}" "$@" || status=$?
reports=(.run/vitest.json)
if [ $# -eq 0 ]; then
  # The suite starts its own stack on ports 19080-19091 (e2e/README.md), so a running dev.sh does not collide.
  step "end-to-end (Playwright against the local stack)"
  rm -f .run/playwright.json
  "${playwright_env[@]}" pnpm --filter @bookinfo/e2e exec playwright test || status=$?
  reports+=(.run/playwright.json)
else
  printf '\n== end-to-end skipped: arguments run vitest only\n'
fi
node scripts/summary.ts "${reports[@]}" || true
exit $status
