# shellcheck shell=bash
# Sourced by scripts/test.sh: the Debian packages the test suite runs for real (MariaDB for ratings v2,
# Redis for shared sessions, Chromium for Playwright). Installed with apt-get when missing and we may;
# otherwise we stop and say exactly what to install. apt-get's own output goes to .run/apt.log: the
# terminal gets one line per package and a result line.
SYSTEM_PACKAGES=(mariadb-server redis-server chromium shellcheck)
SYSTEM_BINARIES=(/usr/sbin/mariadbd /usr/bin/redis-server /usr/bin/chromium /usr/bin/shellcheck)

# Runs one apt-get step with its output appended to the log; on failure shows the log's tail.
apt_step() {
  local what="$1" log="$2"
  shift 2
  printf 'system-deps: %s ... ' "$what" >&2
  if "$@" >>"$log" 2>&1; then
    echo "done" >&2
    return 0
  fi
  echo "FAILED" >&2
  echo "system-deps: the last lines of $log:" >&2
  tail -n 20 "$log" >&2
  return 1
}

ensure_system_deps() {
  local missing=() i
  for i in "${!SYSTEM_BINARIES[@]}"; do
    [ -x "${SYSTEM_BINARIES[$i]}" ] || missing+=("${SYSTEM_PACKAGES[$i]}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else
      echo "system-deps: missing Debian packages: ${missing[*]}" >&2
      echo "system-deps: install them with: sudo apt-get install -y ${missing[*]}" >&2
      return 1
    fi
  fi
  command -v apt-get >/dev/null || { echo "system-deps: need ${missing[*]} (no apt-get here)" >&2; return 1; }
  local log="$ROOT/.run/apt.log" n=0 pkg
  mkdir -p "$ROOT/.run"
  : >"$log"
  echo "system-deps: installing ${missing[*]} with apt-get (output in .run/apt.log)" >&2
  apt_step "updating the package lists" "$log" $sudo apt-get update -q || return 1
  for pkg in "${missing[@]}"; do
    n=$((n + 1))
    apt_step "[$n/${#missing[@]}] $pkg" "$log" $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" || return 1
  done
  echo "system-deps: installed ${missing[*]}" >&2
}
