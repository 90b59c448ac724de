#!/usr/bin/env bash
# Bookinfo-TS on a local kind cluster in an Istio mesh, reachable on http://localhost:8080.
#   ./scripts/kind-up.sh             sidecar mode: k8s/overlays/kind
#   ./scripts/kind-up.sh --ambient   ambient mode (ztunnel + waypoint, Gateway API): k8s/overlays/kind-ambient
#   ./scripts/kind-up.sh --skip-build   reuse the images already in Docker
# Needs docker, kind, kubectl and istioctl, and internet access (kind's node image, Istio's images, the
# Gateway API CRDs). Idempotent: a second run updates the cluster in place; a failed step names itself.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/kind.sh
source "$ROOT/scripts/lib/kind.sh"

MODE=sidecar
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --ambient) MODE=ambient ;;
    --skip-build) BUILD=0 ;;
    -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "kind-up: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done
OVERLAY="k8s/overlays/kind"
[ "$MODE" = ambient ] && OVERLAY="k8s/overlays/kind-ambient"

step "1/8 prerequisites"
missing=()
for tool in docker kind kubectl istioctl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ ${#missing[@]} -eq 0 ] || fail "missing: ${missing[*]}" \
  "Install them (docker: your OS packages; kind: kind.sigs.k8s.io; kubectl >= $MIN_KUBECTL; istioctl >= $MIN_ISTIO: istio.io/latest/docs/setup/getting-started), then run again."
docker info >/dev/null 2>&1 || fail "docker is installed but its daemon does not answer" "Start Docker (and check you may use it: docker info), then run again."
kind_version="$(kind version | sed -n 's/^kind v\([0-9.]*\).*/\1/p')"
kubectl_version="$(kubectl version --client -o yaml | sed -n 's/^  gitVersion: v\([0-9.]*\).*/\1/p')"
istio_version="$(istioctl version --remote=false --short 2>/dev/null | sed -n 's/^\([0-9][0-9.]*\).*/\1/p' | head -n1)"
for check in "kind:$kind_version:$MIN_KIND" "kubectl:$kubectl_version:$MIN_KUBECTL" "istioctl:$istio_version:$MIN_ISTIO"; do
  IFS=: read -r tool have need <<<"$check"
  [ -n "$have" ] || fail "cannot read the version of $tool" "Check that '$tool' runs, then run again."
  version_at_least "$have" "$need" || fail "$tool $have is older than $need" "Upgrade $tool to $need or newer, then run again."
  echo "  $tool $have (>= $need)"
done

step "2/8 kind cluster '$KIND_CLUSTER' (localhost:$KIND_HTTP_PORT -> node port $KIND_NODE_PORT)"
if kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER"; then
  echo "  exists; reusing it (./scripts/kind-down.sh removes it)"
else
  kind create cluster --name "$KIND_CLUSTER" --wait 120s --config - <<YAML || fail "kind could not create the cluster" "Is port $KIND_HTTP_PORT free on localhost (KIND_HTTP_PORT changes it, but the OIDC issuer in the manifests says 8080)? Then run again."
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    extraPortMappings:
      - containerPort: $KIND_NODE_PORT
        hostPort: $KIND_HTTP_PORT
        listenAddress: 127.0.0.1
        protocol: TCP
YAML
fi
kubectl config use-context "kind-$KIND_CLUSTER" >/dev/null

step "3/8 Istio ($MODE mode)"
if [ "$MODE" = ambient ]; then
  if ! kubectl get crd gateways.gateway.networking.k8s.io >/dev/null 2>&1; then
    echo "  Gateway API CRDs $GATEWAY_API_VERSION"
    kubectl apply --server-side -k "github.com/kubernetes-sigs/gateway-api/config/crd?ref=$GATEWAY_API_VERSION" >/dev/null \
      || fail "could not install the Gateway API CRDs" "Check internet access (GATEWAY_API_VERSION=$GATEWAY_API_VERSION), then run again."
  fi
  istioctl install -y --set profile=ambient --set values.global.platform=kind \
    || fail "istioctl install --set profile=ambient failed" "Read istioctl's message above; 'istioctl x precheck' helps. Then run again."
else
  # The default profile's ingress gateway, as a NodePort on the port kind maps to localhost.
  istioctl install -y -f - <<YAML || fail "istioctl install failed" "Read istioctl's message above; 'istioctl x precheck' helps. Then run again."
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: default
  components:
    ingressGateways:
      - name: istio-ingressgateway
        enabled: true
        k8s:
          service:
            type: NodePort
            ports:
              - name: status-port
                port: 15021
                targetPort: 15021
              - name: http2
                port: 80
                targetPort: 8080
                nodePort: $KIND_NODE_PORT
YAML
fi

step "4/8 images"
if [ "$BUILD" = 1 ]; then
  "$ROOT/scripts/build-images.sh" || fail "./scripts/build-images.sh failed" "Run ./scripts/build-images.sh alone to see why, then ./scripts/kind-up.sh again (or --skip-build)."
fi
n=0
for image in "${OWN_IMAGES[@]}"; do
  n=$((n + 1))
  docker image inspect "$image" >/dev/null 2>&1 || fail "image $image is not in Docker" "Build it: ./scripts/build-images.sh, then run again."
  printf '  [%d/%d] kind load %s\n' "$n" "${#OWN_IMAGES[@]}" "$image"
  kind load docker-image --name "$KIND_CLUSTER" "$image" >/dev/null || fail "kind load $image failed" "Run again; 'docker system df' shows if the disk is full."
done

step "5/8 kubectl apply -k $OVERLAY"
kubectl apply -k "$ROOT/$OVERLAY" || fail "kubectl apply -k $OVERLAY failed" "Render it to see the problem: kubectl kustomize $OVERLAY. Then run again."
# A rebuilt image under the same tag: restart so the pods take it (kind load replaced it on the node).
[ "$BUILD" = 1 ] && kubectl -n "$NAMESPACE" rollout restart deployment >/dev/null

step "6/8 rollouts"
mapfile -t deployments < <(kubectl -n "$NAMESPACE" get deployments -o name)
i=0
for deployment in "${deployments[@]}"; do
  i=$((i + 1))
  printf '  [%d/%d] %s\n' "$i" "${#deployments[@]}" "$deployment"
  kubectl -n "$NAMESPACE" rollout status "$deployment" --timeout=300s >/dev/null \
    || fail "$deployment did not become ready" "Look: kubectl -n $NAMESPACE describe $deployment; kubectl -n $NAMESPACE logs $deployment. Then run again."
done

step "7/8 ingress on http://localhost:$KIND_HTTP_PORT"
if [ "$MODE" = ambient ]; then
  kubectl -n "$NAMESPACE" wait --for=condition=programmed gateway/bookinfo-gateway --timeout=180s >/dev/null \
    || fail "the Gateway bookinfo-gateway is not programmed" "kubectl -n $NAMESPACE describe gateway bookinfo-gateway; then run again."
  kubectl -n "$NAMESPACE" wait --for=condition=programmed gateway/waypoint --timeout=180s >/dev/null \
    || fail "the waypoint is not programmed" "kubectl -n $NAMESPACE describe gateway waypoint; then run again."
fi
for attempt in $(seq 1 60); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$KIND_HTTP_PORT/productpage" || true)"
  [ "$code" = 200 ] && break
  printf '  waiting for the ingress (%s, attempt %d/60)\n' "${code:-no answer}" "$attempt"
  sleep 2
done
[ "$code" = 200 ] || fail "http://localhost:$KIND_HTTP_PORT/productpage answers ${code:-nothing}" \
  "kubectl -n istio-system get svc; kubectl -n $NAMESPACE get gateway,virtualservice,httproute. Then run again."

step "8/8 ready"
cat <<TEXT
  Bookinfo-TS ($MODE mode): http://localhost:$KIND_HTTP_PORT/productpage
  Sign in with a persona (dev passwords, dev/idp/seed.json):
    user@bookinfo.com   user-password    role user:      details, no reviews
    mod@bookinfo.com    mod-password     role moderator: details and reviews
    jason               jason-password   role moderator: routed as end-user "jason" by the istio.io samples
  Routing samples: kubectl apply -n $NAMESPACE -f istio/networking/<file>   (istio/README.md)
  End-to-end tests: ./scripts/test-kind.sh      Remove everything: ./scripts/kind-down.sh
kind-up: OK
TEXT
