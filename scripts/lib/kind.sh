# shellcheck shell=bash disable=SC2034  # (the variables are read by the scripts that source this file)
# Shared by kind-up.sh, kind-down.sh and test-kind.sh: names, versions, and step/fail helpers.
KIND_CLUSTER="${KIND_CLUSTER:-bookinfo}"
KIND_HTTP_PORT="${KIND_HTTP_PORT:-8080}"    # localhost port of the ingress (the OIDC issuer says 8080)
KIND_NODE_PORT=30080                        # the ingress Service's node port that kind maps it to
NAMESPACE=bookinfo
MIN_KIND=0.24         # NetworkPolicy enforcement by kindnet
MIN_KUBECTL=1.27      # kustomize v5 built in (components, replacements)
MIN_ISTIO=1.24        # ambient mode is GA; targetRefs on Services
GATEWAY_API_VERSION="${GATEWAY_API_VERSION:-v1.3.0}"

CURRENT_STEP=""
step() { CURRENT_STEP="$1"; printf '\n== %s\n' "$1"; }
fail() {
  printf '\n!! %s failed: %s\n' "${CURRENT_STEP:-setup}" "$1" >&2
  printf '!! %s\n' "${2:-Fix the cause and run the same command again: every step is safe to repeat.}" >&2
  exit 1
}

# version_at_least 1.24.3 1.24 -> true
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# The images scripts/build-images.sh builds, as the manifests name them.
OWN_IMAGES=(
  bookinfo-ts/examples-bookinfo-productpage-v1:dev
  bookinfo-ts/examples-bookinfo-details-v1:dev
  bookinfo-ts/examples-bookinfo-ratings-v1:dev
  bookinfo-ts/examples-bookinfo-ratings-v2:dev
  bookinfo-ts/examples-bookinfo-reviews-v1:dev
  bookinfo-ts/examples-bookinfo-reviews-v2:dev
  bookinfo-ts/examples-bookinfo-reviews-v3:dev
  bookinfo-ts/dev-idp:dev
  bookinfo-ts/loadgen:dev
)
