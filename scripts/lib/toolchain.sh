# shellcheck shell=bash
# Sourced by every script: puts Node 24 and pnpm on PATH, installing them into .tools/ (git-ignored)
# from the npm registry when the machine has an older Node or no pnpm. No other download source is used.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_MAJOR=24
PNPM_VERSION=10.34.8

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if [ -x "$TOOLS/node/bin/node" ]; then export PATH="$TOOLS/node/bin:$PATH"; fi
  if [ "$(node_major)" -ge "$NODE_MAJOR" ]; then return; fi
  command -v npm >/dev/null || { echo "toolchain: npm is needed to fetch Node $NODE_MAJOR" >&2; exit 1; }
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "toolchain: unsupported CPU $(uname -m)" >&2; exit 1 ;;
  esac
  echo "toolchain: installing Node $NODE_MAJOR into .tools/node (npm package node-linux-$arch)" >&2
  rm -rf "$TOOLS/node-pkg"
  npm install --silent --no-save --no-audit --no-fund --prefix "$TOOLS/node-pkg" "node-linux-$arch@$NODE_MAJOR" >&2
  mkdir -p "$TOOLS/node/bin"
  ln -sf "$TOOLS/node-pkg/node_modules/node-linux-$arch/bin/node" "$TOOLS/node/bin/node"
  export PATH="$TOOLS/node/bin:$PATH"
  [ "$(node_major)" -ge "$NODE_MAJOR" ] || { echo "toolchain: Node $NODE_MAJOR install failed" >&2; exit 1; }
}

ensure_pnpm() {
  if [ -x "$TOOLS/pnpm/node_modules/.bin/pnpm" ]; then export PATH="$TOOLS/pnpm/node_modules/.bin:$PATH"; fi
  if [ "$(pnpm --version 2>/dev/null || true)" = "$PNPM_VERSION" ]; then return; fi
  echo "toolchain: installing pnpm $PNPM_VERSION into .tools/pnpm" >&2
  npm install --silent --no-save --no-audit --no-fund --prefix "$TOOLS/pnpm" "pnpm@$PNPM_VERSION" >&2
  export PATH="$TOOLS/pnpm/node_modules/.bin:$PATH"
}

# Installs workspace dependencies when the lockfile changed since the last install.
ensure_deps() {
  local stamp="$ROOT/node_modules/.install-stamp" sum
  # The workspace's own manifests only (pnpm-workspace.yaml): a glob like */*/package.json would also match
  # node_modules/<pkg>/package.json, which the install itself creates, and force a second install.
  sum="$(cat "$ROOT/pnpm-lock.yaml" "$ROOT/package.json" "$ROOT"/{packages,services,dev}/*/package.json \
    "$ROOT/e2e/package.json" 2>/dev/null | cksum)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then return; fi
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
  echo "$sum" >"$stamp"
}

ensure_node
ensure_pnpm
export npm_config_update_notifier=false
