#!/usr/bin/env bash
# Load-tests every service against bare node:http baselines (and upstream's services when a checkout is
# given), all in one run on loopback, and writes bench/results/latest.{json,md}. A default run takes about
# 7 minutes; --quick about 3. Options: ./scripts/bench.sh --help; details in bench/README.md.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/system-deps.sh"

# The load generator is Debian's wrk; upstream's details.rb needs Ruby with WEBrick (only when asked for).
SYSTEM_PACKAGES=(wrk)
SYSTEM_BINARIES=(/usr/bin/wrk)
upstream="${UPSTREAM_BOOKINFO_SRC:-}"
for ((i = 1; i <= $#; i++)); do
  if [ "${!i}" = "--upstream" ]; then j=$((i + 1)); upstream="${!j:-}"; fi
done
if [ -n "$upstream" ]; then
  [ -d "$upstream" ] || { echo "bench: upstream checkout $upstream is not a directory (it should be istio's samples/bookinfo/src)" >&2; exit 2; }
  # Both are installed when Ruby is missing (webrick is a library, not a binary to look for).
  [ -f "$upstream/details/details.rb" ] && SYSTEM_PACKAGES+=(ruby ruby-webrick) && SYSTEM_BINARIES+=(/usr/bin/ruby /usr/bin/ruby)
fi
ensure_system_deps
if [ -f "$upstream/details/details.rb" ] && ! ruby -rwebrick -e '' 2>/dev/null; then
  echo "bench: upstream details.rb needs WEBrick: install Debian's ruby-webrick (sudo apt-get install -y ruby-webrick)" >&2
  exit 2
fi
# Installs before the namespace is entered: inside it there is no network but loopback.
ensure_deps
cd "$ROOT"

run=(node bench/src/main.ts "$@")
# A private network namespace: only our processes on its loopback, no port clash with anything else.
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
  echo "bench: running in a private network namespace (unshare -n)"
  exec unshare -n env BENCH_NAMESPACE=1 bash -c 'ip link set lo up && exec "$@"' bench "${run[@]}"
elif unshare -rn true 2>/dev/null; then
  echo "bench: running in a private network namespace (unshare -rn, as a mapped root)"
  exec unshare -rn env BENCH_NAMESPACE=1 bash -c 'ip link set lo up && exec "$@"' bench "${run[@]}"
fi
echo "bench: cannot create a network namespace here (unshare -n needs root or user namespaces); using the host's loopback on free ports" >&2
exec "${run[@]}"
