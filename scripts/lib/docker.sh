# shellcheck shell=bash
# Sourced by scripts/build-images.sh and scripts/test-compose.sh: Docker Engine, docker-compose and
# debootstrap from Debian's packages, and a running engine. `docker_check` only says what is missing (exit 2
# material); `ensure_docker` installs what is missing (root or passwordless sudo) and starts dockerd in the
# background when its socket does not answer. apt's and dockerd's output go to files under .run/docker/.
# Needs ROOT (scripts/lib/toolchain.sh sets it).

DOCKER_LOG_DIR="$ROOT/.run/docker"
# binary → the Debian package that brings it
DOCKER_TOOLS=(docker:docker.io dockerd:docker.io docker-compose:docker-compose debootstrap:debootstrap)

_docker_sudo() {
  if [ "$(id -u)" -eq 0 ]; then echo ""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then echo sudo; else return 1; fi
}

# The Debian packages whose binaries are missing (of those named, default all), deduplicated, on one line.
docker_missing_packages() {
  local entry missing=() wanted=" $* "
  for entry in "${DOCKER_TOOLS[@]}"; do
    [ $# -eq 0 ] || [[ "$wanted" == *" ${entry%%:*} "* ]] || continue
    command -v "${entry%%:*}" >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v "${entry%%:*}" >/dev/null \
      || [[ " ${missing[*]} " == *" ${entry#*:} "* ]] || missing+=("${entry#*:}")
  done
  echo "${missing[*]}"
}

docker_engine_answers() { docker info >/dev/null 2>&1; }

# docker_check WHO [BINARY...]: says what is missing (default: the docker CLI and engine) and returns 2;
# returns 0 when docker answers. For scripts that install nothing.
docker_check() {
  local what="$1" missing
  shift
  missing="$(docker_missing_packages "${@:-docker}")"
  if [ -n "$missing" ]; then
    echo "$what: missing $missing; install with: sudo apt-get install -y $missing (Debian/Ubuntu), or Docker Engine + Compose from your OS vendor" >&2
    return 2
  fi
  if ! docker_engine_answers; then
    echo "$what: the Docker engine does not answer on ${DOCKER_HOST:-/var/run/docker.sock}; start it (sudo systemctl start docker, or sudo dockerd &) or run ./scripts/test-compose.sh, which starts it" >&2
    return 2
  fi
}

_docker_install() {
  local sudo log="$DOCKER_LOG_DIR/apt.log"
  local -a missing
  read -r -a missing <<<"$1"
  sudo="$(_docker_sudo)" || { echo "docker: missing ${missing[*]} and no root/sudo to install it: sudo apt-get install -y ${missing[*]}" >&2; return 2; }
  command -v apt-get >/dev/null || { echo "docker: missing ${missing[*]} and no apt-get here: install Docker Engine, docker-compose and debootstrap" >&2; return 2; }
  echo "docker: installing ${missing[*]} with apt-get (log: ${log#"$ROOT"/})"
  # With recommends, as verified on these machines. Package scripts may try to start the daemon: harmless,
  # ensure_docker checks the socket afterwards.
  if ! { $sudo apt-get update && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; } >"$log" 2>&1; then
    echo "docker: apt-get failed; last lines of $log:" >&2
    tail -n 15 "$log" >&2
    return 2
  fi
}

_docker_start_engine() {
  local sudo log="$DOCKER_LOG_DIR/dockerd.log" i
  sudo="$(_docker_sudo)" || { echo "docker: the engine is not running and starting it needs root: sudo dockerd &" >&2; return 2; }
  echo "docker: starting dockerd in the background (log: ${log#"$ROOT"/})"
  # setsid: the daemon outlives this script (later runs reuse it) and does not get our Ctrl-C.
  $sudo setsid "$(PATH="$PATH:/usr/sbin:/sbin" command -v dockerd)" >"$log" 2>&1 </dev/null &
  for i in $(seq 1 60); do
    docker_engine_answers && { echo "docker: engine up after ${i}s"; return 0; }
    sleep 1
  done
  echo "docker: dockerd did not answer within 60 s; last lines of $log:" >&2
  tail -n 15 "$log" >&2
  return 2
}

# Installs and starts whatever is missing; returns 2 with a message naming what it could not do.
ensure_docker() {
  local missing
  mkdir -p "$DOCKER_LOG_DIR"
  missing="$(docker_missing_packages)"
  if [ -n "$missing" ]; then _docker_install "$missing" || return 2; fi
  docker_engine_answers || _docker_start_engine || return 2
}

# run_logged LABEL LOG CMD...: runs CMD with its output in LOG, prints a progress line every 10 s and the
# last lines of LOG when it fails. Returns CMD's status.
run_logged() {
  local label="$1" log="$2" pid started status=0
  shift 2
  started=$SECONDS
  "$@" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (((SECONDS - started) % 10 == 0)) && kill -0 "$pid" 2>/dev/null; then
      echo "  … $label: $((SECONDS - started))s ($(tail -n 1 "$log" | cut -c1-90))"
    fi
  done
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "$label failed (exit $status); last lines of ${log#"$ROOT"/}:" >&2
    tail -n 20 "$log" >&2
  fi
  return "$status"
}
