# shellcheck shell=bash
# Sourced by scripts/test.sh: the Debian packages the test suite runs for real (MariaDB for ratings v2,
# Redis for shared sessions, Chromium for Playwright). Installed with apt-get when missing and we may;
# otherwise we stop and say exactly what to install.
SYSTEM_PACKAGES=(mariadb-server redis-server chromium shellcheck)
SYSTEM_BINARIES=(/usr/sbin/mariadbd /usr/bin/redis-server /usr/bin/chromium /usr/bin/shellcheck)

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
  echo "system-deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}
