#!/usr/bin/env bash
# Runs the whole app on this machine (no Docker, no Auth0): every service as a process on loopback.
# Prints the URL; Ctrl-C stops everything. REVIEWS_VERSION=v1|v2|v3 picks the reviews productpage calls.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
ensure_deps
cd "$ROOT"
exec node packages/local-stack/src/cli.ts
