#!/usr/bin/env bash
# Deletes the kind cluster that scripts/kind-up.sh created (and with it Istio and Bookinfo-TS).
# Idempotent: says so when there is nothing to delete.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/kind.sh
source "$ROOT/scripts/lib/kind.sh"

step "delete kind cluster '$KIND_CLUSTER'"
command -v kind >/dev/null || fail "kind is not installed" "Nothing of ours can be running without it."
if ! kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER"; then
  echo "kind-down: no cluster '$KIND_CLUSTER'; nothing to do"
  exit 0
fi
kind delete cluster --name "$KIND_CLUSTER" || fail "kind delete cluster failed" "Run again; 'docker ps' shows the node containers."
echo "kind-down: OK"
