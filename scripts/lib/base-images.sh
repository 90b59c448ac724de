# shellcheck shell=bash
# Sourced by scripts/build-images.sh: the base images built here when no registry can be pulled from.
#   DEBIAN_BASE  Debian minbase from debootstrap (Debian's packages only), trimmed of docs and apt lists
#   NODE_BASE    DEBIAN_BASE + the Node binary from the npm registry's node-linux-<arch> package
# Both are kept between runs (a second run on one machine skips debootstrap); a fresh machine builds them once.
# Needs ROOT, IMAGES_LOG_DIR and run_logged (scripts/lib/docker.sh).

DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
DEBIAN_BASE="bookinfo-ts/debian:$DEBIAN_SUITE-minbase"
NODE_BASE="bookinfo-ts/node:24-minbase"
# On top of minbase: curl, because istio.io's Bookinfo tasks run `kubectl exec <pod> -- curl …` in our
# containers, as upstream's images allow. A cached base made with another list is rebuilt.
DEBIAN_INCLUDE="curl,ca-certificates"

# The host's own Debian mirror (its apt sources), so debootstrap uses what apt-get uses here; empty →
# debootstrap's default.
debian_mirror() {
  local uri
  uri="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | head -n 1)"
  [ -n "$uri" ] || uri="$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v -- '-security' | head -n 1)"
  echo "$uri"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

ensure_debian_base() {
  local included
  included="$(docker image inspect -f '{{index .Config.Labels "bookinfo-ts.include"}}' "$DEBIAN_BASE" 2>/dev/null || true)"
  if [ "$included" = "$DEBIAN_INCLUDE" ]; then echo "  $DEBIAN_BASE: present (cached)"; return 0; fi
  command -v debootstrap >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v debootstrap >/dev/null || {
    echo "build-images: debootstrap is needed to build the base without a registry: sudo apt-get install -y debootstrap" >&2
    return 2
  }
  local rootfs mirror
  rootfs="$(mktemp -d "${TMPDIR:-/tmp}/bookinfo-rootfs.XXXXXX")"
  mirror="$(debian_mirror)"
  echo "  $DEBIAN_BASE: debootstrap --variant=minbase --include=$DEBIAN_INCLUDE $DEBIAN_SUITE (about a minute, once per machine)"
  if ! run_logged "debootstrap" "$IMAGES_LOG_DIR/debootstrap.log" env PATH="$PATH:/usr/sbin:/sbin" \
    debootstrap --variant=minbase --include="$DEBIAN_INCLUDE" "$DEBIAN_SUITE" "$rootfs" ${mirror:+"$mirror"}; then
    rm -rf "$rootfs"
    return 1
  fi
  # As Debian's slim images do: no docs (copyright files stay), man pages, locales, apt caches or logs,
  # now and for packages installed later (the Redis image).
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  rm -rf "$rootfs"/usr/share/{man,info,locale}/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' 'path-exclude /usr/share/man/*' \
    'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' >"$rootfs/etc/dpkg/dpkg.cfg.d/bookinfo-minimal"
  tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' --change "LABEL bookinfo-ts.include=$DEBIAN_INCLUDE" \
    - "$DEBIAN_BASE" >/dev/null
  rm -rf "$rootfs"
  echo "  $DEBIAN_BASE: imported ($(image_size "$DEBIAN_BASE"))"
}

# The Node version of the toolchain when it is a 24, else the newest 24 on the registry.
node_base_version() {
  local v
  v="$(node -p 'process.versions.node')"
  [ "${v%%.*}" = 24 ] && echo "$v" || echo 24
}

ensure_node_base() {
  local version arch context label from debian_id
  version="$(node_base_version)"
  label="$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$NODE_BASE" 2>/dev/null || true)"
  from="$(docker image inspect -f '{{index .Config.Labels "bookinfo-ts.debian-base"}}' "$NODE_BASE" 2>/dev/null || true)"
  debian_id="$(docker image inspect -f '{{.Id}}' "$DEBIAN_BASE")"
  if [ -n "$label" ] && [ "$from" = "$debian_id" ] && { [ "$label" = "$version" ] || [ "$version" = 24 ]; }; then
    echo "  $NODE_BASE: present (Node $label, cached)"
    return 0
  fi
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "build-images: no Node binary for $(uname -m)" >&2; return 2 ;; esac
  context="$(mktemp -d "${TMPDIR:-/tmp}/bookinfo-node-base.XXXXXX")"
  echo "  $NODE_BASE: Node $version from the npm registry (node-linux-$arch)"
  run_logged "npm pack node-linux-$arch@$version" "$IMAGES_LOG_DIR/node-binary.log" \
    npm pack --silent --pack-destination "$context" "node-linux-$arch@$version" || { rm -rf "$context"; return 1; }
  tar -xzf "$context"/node-linux-*.tgz -C "$context" package/bin/node
  mv "$context/package/bin/node" "$context/node"
  version="$("$context/node" -p 'process.versions.node')"
  cp "$ROOT/docker/node-base.Dockerfile" "$context/Dockerfile"
  run_logged "docker build $NODE_BASE" "$IMAGES_LOG_DIR/node-base.log" \
    docker build --build-arg "DEBIAN_IMAGE=$DEBIAN_BASE" --build-arg "NODE_VERSION=$version" \
    --label "bookinfo-ts.debian-base=$debian_id" -t "$NODE_BASE" "$context" \
    || { rm -rf "$context"; return 1; }
  rm -rf "$context"
  echo "  $NODE_BASE: built (Node $version, $(image_size "$NODE_BASE"))"
}

# The .deb files PACKAGE (redis-server, haproxy) needs on top of DEBIAN_BASE, into DIR: apt resolves them
# against the base's own dpkg status, so exactly the missing ones come (from Debian's archive, through the
# host's apt).
fetch_debs() {
  local package="$1" dir="$2" status log="$IMAGES_LOG_DIR/$1-debs.log"
  mkdir -p "$dir/partial"
  status="$(mktemp)"
  docker run --rm "$DEBIAN_BASE" cat /var/lib/dpkg/status >"$status"
  local -a apt=(apt-get -o "Dir::State::status=$status" -o "Dir::Cache::archives=$dir" -o Debug::NoLocking=1
    install --download-only --no-install-recommends -y "$package")
  # An empty package list (fresh machine) → apt-get update once, then again.
  if ! "${apt[@]}" >"$log" 2>&1; then
    apt-get update >>"$log" 2>&1 || true
    run_logged "apt-get download $package" "$log" "${apt[@]}" || { rm -f "$status"; return 1; }
  fi
  rm -rf "$status" "$dir/partial" "$dir/lock"
  echo "  $package: $(find "$dir" -name '*.deb' | wc -l) Debian packages on top of the base"
}

# Image size in MB (decimal, as `docker images` shows it).
image_size() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1 / 1000000}'; }
