#!/usr/bin/env bash
# Runs the Playwright suite (e2e/) against the kind cluster of scripts/kind-up.sh, through the ingress:
# the same specs as the local and compose targets, with BASE_URL=http://localhost:8080 and the bundled IdP.
# Extra arguments go to Playwright (e.g. --grep @moderator).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/kind.sh
source "$ROOT/scripts/lib/kind.sh"
export BASE_URL="${BASE_URL:-http://localhost:$KIND_HTTP_PORT}"
export E2E_IDP="${E2E_IDP:-bundled}"

step "kind target $BASE_URL"
code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/productpage" || true)"
[ "$code" = 200 ] || fail "$BASE_URL/productpage answers ${code:-nothing}" "Start the cluster first: ./scripts/kind-up.sh (or --ambient)."

step "Playwright"
"$ROOT/scripts/pnpm" --filter @bookinfo/e2e exec playwright test "$@" || fail "end-to-end tests against kind" \
  "The report: ./scripts/pnpm --filter @bookinfo/e2e exec playwright show-report; cluster logs: kubectl -n $NAMESPACE logs deploy/productpage-v1"
echo "test-kind: OK"
