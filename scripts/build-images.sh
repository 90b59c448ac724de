#!/usr/bin/env bash
# Builds every image: the four services under upstream's names (productpage-v1, details-v1, ratings-v1,
# ratings-v2, reviews-v1, -v2, -v3), the bundled IdP, and Redis and HAProxy for docker-compose. The apps are built on
# the host (`pnpm build`) and copied in (Dockerfile). Where node:24-slim cannot be pulled, the Node 24 base
# is built here from Debian's packages and the npm registry's Node binary (scripts/lib/base-images.sh).
# Ends with a table: image, size, size over its base.
#
#   ./scripts/build-images.sh            build for this machine's platform, tags bookinfo-ts/…:dev
#   ./scripts/build-images.sh --push     with docker buildx: linux/amd64 + linux/arm64, pushed to IMAGE_PREFIX
#
# Env: IMAGE_PREFIX (default bookinfo-ts), TAG (dev), BASE_IMAGE (skip the pull test and use this base),
# PLATFORMS (linux/amd64,linux/arm64, with --push). Exit 2: Docker (or debootstrap, when needed) is missing.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/docker.sh"
source "$(dirname "$0")/lib/base-images.sh"
cd "$ROOT"

PREFIX="${IMAGE_PREFIX:-bookinfo-ts}"
TAG="${TAG:-dev}"
OFFICIAL_BASE="node:24-slim"
PUSH=false
case "${1:-}" in --push) PUSH=true ;; "") ;; *) echo "usage: $0 [--push]" >&2; exit 64 ;; esac

# name | app folder | Dockerfile target
IMAGES=(
  "examples-bookinfo-productpage-v1|services/productpage|service"
  "examples-bookinfo-details-v1|services/details|service"
  "examples-bookinfo-ratings-v1|services/ratings|service"
  "examples-bookinfo-ratings-v2|services/ratings|ratings-v2"
  "examples-bookinfo-reviews-v1|services/reviews|reviews-v1"
  "examples-bookinfo-reviews-v2|services/reviews|reviews-v2"
  "examples-bookinfo-reviews-v3|services/reviews|reviews-v3"
  "dev-idp|dev/idp|idp"
  "loadgen|packages/loadgen|loadgen"
)
REDIS_IMAGE="$PREFIX/redis:$TAG"
HAPROXY_IMAGE="$PREFIX/haproxy:$TAG"

docker_check build-images || exit 2
IMAGES_LOG_DIR="$ROOT/.run/images"
mkdir -p "$IMAGES_LOG_DIR"
started=$SECONDS

if docker buildx version >/dev/null 2>&1; then BUILDX=true; else
  BUILDX=false
  # The Docker CLI would otherwise ask for BuildKit; the engine's classic builder does everything we need.
  export DOCKER_BUILDKIT=0
fi
if $PUSH && ! $BUILDX; then echo "build-images: --push builds linux/amd64 + linux/arm64 with docker buildx, which is absent: install docker-buildx" >&2; exit 2; fi

echo "build-images: [1/4] pnpm build (each app bundled into its dist/)"
run_logged "pnpm build" "$IMAGES_LOG_DIR/pnpm-build.log" pnpm build
grep '^.* built @bookinfo' "$IMAGES_LOG_DIR/pnpm-build.log" | sed 's/^[^:]*: /  /' || true

echo "build-images: [2/4] base image"
registry=true
if [ -n "${BASE_IMAGE:-}" ]; then
  echo "  BASE_IMAGE=$BASE_IMAGE (given)"
  image_exists "$BASE_IMAGE" || docker pull -q "$BASE_IMAGE" >/dev/null
elif image_exists "$OFFICIAL_BASE" || timeout 120 docker pull -q "$OFFICIAL_BASE" >"$IMAGES_LOG_DIR/pull.log" 2>&1; then
  BASE_IMAGE="$OFFICIAL_BASE"
  echo "  $BASE_IMAGE (official image)"
else
  registry=false
  echo "build-images: $OFFICIAL_BASE cannot be pulled ($(tail -n 1 "$IMAGES_LOG_DIR/pull.log" | cut -c1-60)…): building the Node 24 base locally from Debian minbase (debootstrap) + the npm registry's Node binary"
  [ "$(id -u)" -eq 0 ] || image_exists "$DEBIAN_BASE" || { echo "build-images: debootstrap needs root: run as root (or sudo)" >&2; exit 2; }
  ensure_debian_base
  ensure_node_base
  BASE_IMAGE="$NODE_BASE"
fi

if $BUILDX && $PUSH; then
  platforms="${PLATFORMS:-linux/amd64,linux/arm64}"
  $registry || { echo "build-images: --push needs a base from a registry for every platform; $OFFICIAL_BASE could not be pulled" >&2; exit 2; }
  echo "build-images: docker buildx: $platforms, pushed to $PREFIX"
elif $BUILDX; then
  echo "build-images: docker buildx present: building this machine's platform (multi-arch needs a registry: --push)"
else
  echo "build-images: docker buildx is absent: building this machine's platform only ($(docker version -f '{{.Server.Os}}/{{.Server.Arch}}')); install docker-buildx for linux/amd64 + linux/arm64"
fi

# build_one TAG TARGET CONTEXT LOG [docker build args...]
build_one() {
  local tag="$1" target="$2" context="$3" log="$4"
  shift 4
  if $BUILDX && $PUSH; then
    run_logged "buildx $tag" "$log" docker buildx build --platform "$platforms" --push --target "$target" -t "$tag" "$@" "$context"
  else
    run_logged "docker build $tag" "$log" docker build --target "$target" -t "$tag" "$@" "$context"
  fi
}

echo "build-images: [3/4] app images (FROM $BASE_IMAGE)"
n=0
for spec in "${IMAGES[@]}"; do
  IFS='|' read -r name app target <<<"$spec"
  n=$((n + 1))
  t0=$SECONDS
  build_one "$PREFIX/$name:$TAG" "$target" . "$IMAGES_LOG_DIR/$name.log" --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "APP_DIR=$app"
  echo "  [$n/${#IMAGES[@]}] $PREFIX/$name:$TAG ($app, target $target) in $((SECONDS - t0))s"
done

echo "build-images: [4/4] redis and haproxy (Debian's redis-server and haproxy, for docker-compose)"
if $registry; then debian_image="debian:$DEBIAN_SUITE-slim"; else debian_image="$DEBIAN_BASE"; fi
contexts=()
trap 'rm -rf "${contexts[@]}"' EXIT
# IMAGE DOCKERFILE PACKAGE: an image of one Debian package on the Debian base.
build_debian_image() {
  local image="$1" dockerfile="$2" package="$3" context t0=$SECONDS
  context="$(mktemp -d "${TMPDIR:-/tmp}/bookinfo-$package.XXXXXX")"
  contexts+=("$context")
  mkdir -p "$context/debs"
  cp "$dockerfile" "$context/Dockerfile"
  $registry || fetch_debs "$package" "$context/debs"
  if $BUILDX && $PUSH; then
    run_logged "buildx $image" "$IMAGES_LOG_DIR/$package.log" docker buildx build --platform "$platforms" --push \
      --build-arg "DEBIAN_IMAGE=$debian_image" -t "$image" "$context"
  else
    run_logged "docker build $image" "$IMAGES_LOG_DIR/$package.log" docker build --build-arg "DEBIAN_IMAGE=$debian_image" -t "$image" "$context"
  fi
  echo "  $image (FROM $debian_image) in $((SECONDS - t0))s"
}
build_debian_image "$REDIS_IMAGE" docker/redis.Dockerfile redis-server
build_debian_image "$HAPROXY_IMAGE" docker/haproxy.Dockerfile haproxy

# Rebuilds leave the images they replace untagged: drop ours (label bookinfo-ts.image), nobody else's.
docker image prune -f --filter label=bookinfo-ts.image >/dev/null 2>&1 || true

if $BUILDX && $PUSH; then
  echo "build-images: pushed ${#IMAGES[@]} images + redis + haproxy for $platforms in $((SECONDS - started))s"
  exit 0
fi

bytes() { docker image inspect -f '{{.Size}}' "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
base_bytes="$(bytes "$BASE_IMAGE")"
printf '\n%-66s %10s %12s\n' "image" "size" "over base"
for spec in "${IMAGES[@]}"; do
  name="${spec%%|*}"
  size="$(bytes "$PREFIX/$name:$TAG")"
  printf '%-66s %10s %12s\n' "$PREFIX/$name:$TAG" "$(mb "$size")" "$(mb $((size - base_bytes)))"
done
printf '%-66s %10s %12s\n' "$BASE_IMAGE (base)" "$(mb "$base_bytes")" "–"
debian_bytes="$(bytes "$debian_image")"
for image in "$REDIS_IMAGE" "$HAPROXY_IMAGE"; do
  image_bytes="$(bytes "$image")"
  printf '%-66s %10s %12s\n' "$image (base $debian_image)" "$(mb "$image_bytes")" "$(mb $((image_bytes - debian_bytes)))"
done
echo
echo "build-images: ${#IMAGES[@]} images + redis + haproxy built in $((SECONDS - started))s (base $BASE_IMAGE)"
