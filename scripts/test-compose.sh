#!/usr/bin/env bash
# The container tier: builds every image, runs the image tests (testcontainers), starts docker-compose.yaml
# with fresh per-stack secrets and two productpage replicas behind the ingress, waits for health, runs the
# same Playwright suite against it (BASE_URL), the stack tests (one name for reviews, a stopped backend,
# sessions in Redis, a taken port, faults under load, a rolling restart), the soak under the shipped memory
# limits (wrk), scans every container's log for tokens and secrets, and tears everything down, also on
# failure or Ctrl-C. Installs and starts Docker (and wrk) when missing (scripts/lib/docker.sh,
# system-deps.sh). Ends with `tests: N passed, N failed`. SOAK_REQUESTS, SOAK_MAX_SECONDS: README.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/system-deps.sh"
source "$(dirname "$0")/lib/docker.sh"
cd "$ROOT"

STACK_DIR="$ROOT/.run/compose"
LOG_DIR="$STACK_DIR/logs"
ENV_FILE="$STACK_DIR/stack.env"
export COMPOSE_PROJECT_NAME=bookinfo-test
REPORTS=(images.json playwright.json stack.json soak.json faults.json logs.json)
VITEST_IMAGES=(pnpm exec vitest run --config test/images/vitest.config.ts --reporter=default --reporter=json)
PLAYWRIGHT=(pnpm --filter @bookinfo/e2e exec playwright test)
# Colour codes only for a person at a terminal, as in scripts/test.sh: vitest honours NO_COLOR, Playwright
# FORCE_COLOR=0 (each gets its own: Node warns when both are set).
if [ ! -t 1 ]; then VITEST_IMAGES=(env NO_COLOR=1 "${VITEST_IMAGES[@]}"); PLAYWRIGHT=(env FORCE_COLOR=0 "${PLAYWRIGHT[@]}"); fi
started=$SECONDS
status=0
followers=()
step() { printf '\n== test-compose [%s/9] %s\n' "$1" "$2"; }

ensure_docker || exit 2
# The soak's load generator (Debian's wrk), besides what the end-to-end suite needs.
SYSTEM_PACKAGES+=(wrk)
SYSTEM_BINARIES+=(/usr/bin/wrk)
ensure_system_deps
ensure_deps
mkdir -p "$STACK_DIR"
rm -rf "$LOG_DIR"
for r in "${REPORTS[@]}"; do rm -f "$STACK_DIR/$r"; done

# Compose v2 (`docker compose`) when the CLI has it, else Compose 1.29 (`docker-compose`, Debian's).
if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi
echo "test-compose: ${COMPOSE[*]} $("${COMPOSE[@]}" version --short 2>/dev/null || echo '(version unknown)'), project $COMPOSE_PROJECT_NAME"
COMPOSE+=(--env-file "${ENV_FILE#"$ROOT"/}")

# Fresh secrets per run; the env file is git-ignored (.run/) and readable by us only. --expose-gc turns on the
# services' debug memory report (SIGUSR2) that the soak reads; nothing else sets it.
umask 077
printf 'MESH_PEER_SECRET=%s\nSESSION_SECRET=%s\nOIDC_CLIENT_SECRET=%s\nBOOKINFO_NODE_DEBUG_OPTIONS=--expose-gc\n' \
  "$(node -p 'crypto.randomBytes(32).toString("base64url")')" "$(node -p 'crypto.randomBytes(32).toString("base64url")')" \
  "$(node -p 'crypto.randomBytes(24).toString("base64url")')" >"$ENV_FILE"
umask 022
# A stack left by an interrupted earlier run would hold the ports: remove it (our project name only).
"${COMPOSE[@]}" down --volumes --remove-orphans >"$STACK_DIR/down.log" 2>&1 || true

# Fails early, naming the port, instead of half a stack (docker-compose would name it too, later).
for port in 9080 9090; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "test-compose: port $port on 127.0.0.1 is taken; the stack publishes productpage on 9080 and the IdP on 9090: stop what holds it (./scripts/dev.sh? docker ps?)" >&2
    exit 1
  fi
done

summary() {
  local args=()
  for r in "${REPORTS[@]}"; do args+=("$STACK_DIR/$r"); done
  node scripts/summary.ts "${args[@]}" || true
}

teardown() {
  local code=$?
  trap - EXIT INT TERM
  [ ${#followers[@]} -eq 0 ] || kill "${followers[@]}" 2>/dev/null || true
  step 9 "tear down (docker-compose down)"
  "${COMPOSE[@]}" down --volumes --remove-orphans >"$STACK_DIR/down.log" 2>&1 || echo "test-compose: down failed, see ${STACK_DIR#"$ROOT"/}/down.log" >&2
  [ "$status" -ne 0 ] || status=$code
  echo "test-compose: done in $((SECONDS - started))s (logs: ${LOG_DIR#"$ROOT"/}, reports: ${STACK_DIR#"$ROOT"/})"
  summary
  exit "$status"
}
trap teardown EXIT
trap 'echo "test-compose: interrupted" >&2; status=130; exit 130' INT TERM

step 1 "build images (scripts/build-images.sh)"
./scripts/build-images.sh

step 2 "image tests (test/images/images.test.ts, testcontainers)"
"${VITEST_IMAGES[@]}" --outputFile.json="$STACK_DIR/images.json" test/images/images.test.ts || status=1

step 3 "start the stack (docker-compose up, productpage twice) and wait for health"
run_logged "docker-compose up" "$STACK_DIR/up.log" "${COMPOSE[@]}" up -d --no-build --scale productpage=2
mkdir -p "$LOG_DIR"
# Container ids stay the same through stop/start/restart (the stack tests do those). Each is named after its
# service, and its replica number after the first: productpage, productpage-2.
declare -A IDS
while read -r id service number; do
  name="$service"
  [ "$number" = 1 ] || name="$service-$number"
  IDS[$name]="$id"
done < <(docker ps --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
  --format '{{.ID}} {{.Label "com.docker.compose.service"}} {{.Label "com.docker.compose.container-number"}}')
# One file per container, streamed as it happens: the e2e suite checks them after every test (E2E_LOG_DIR).
for name in "${!IDS[@]}"; do
  docker logs -f "${IDS[$name]}" >"$LOG_DIR/$name.log" 2>&1 &
  followers+=($!)
done
unhealthy() { docker inspect -f '{{.Name}} {{.State.Health.Status}}' "${IDS[@]}" | grep -v ' healthy$' | sed 's#^/##' | tr '\n' ' '; }
waited=0
while [ -n "$(unhealthy)" ]; do
  if [ "$waited" -ge 120 ]; then
    echo "test-compose: the stack is not healthy after 120 s: $(unhealthy)" >&2
    status=1
    exit 1
  fi
  [ $((waited % 10)) -ne 0 ] || echo "  … waiting for health: $(unhealthy)"
  sleep 2
  waited=$((waited + 2))
done
echo "test-compose: all ${#IDS[@]} containers healthy ($((SECONDS - started))s since start)"

export BASE_URL=http://localhost:9080 BOOKINFO_URL=http://localhost:9080 BOOKINFO_COMPOSE="${COMPOSE[*]}" COMPOSE_ENV_FILE="$ENV_FILE" COMPOSE_LOG_DIR="$LOG_DIR"

step 4 "end-to-end: the Playwright suite against the stack (BASE_URL=$BASE_URL)"
E2E_LOG_DIR="$LOG_DIR" "${PLAYWRIGHT[@]}" || status=1
mv -f .run/playwright.json "$STACK_DIR/playwright.json" 2>/dev/null || true

step 5 "stack tests (test/images: one name for reviews, stopped backends, sessions, ports, rolling restart)"
"${VITEST_IMAGES[@]}" --outputFile.json="$STACK_DIR/stack.json" test/images/compose.test.ts test/images/rolling.test.ts || status=1

step 6 "soak under the memory limits (test/images/soak.test.ts: ${SOAK_REQUESTS:-10000} page requests, wrk, at most ${SOAK_MAX_SECONDS:-360} s)"
"${VITEST_IMAGES[@]}" --outputFile.json="$STACK_DIR/soak.json" test/images/soak.test.ts || status=1

# Last of the tests that sign in: it restarts the IdP, whose new keys each productpage replica fetches on its
# own (at most every 30 s), so a sign-in right after it may end on the "could not be verified" page.
step 7 "faults under load (test/images/faults.test.ts: details, reviews, ratings, a productpage replica, Redis, the IdP)"
"${VITEST_IMAGES[@]}" --outputFile.json="$STACK_DIR/faults.json" test/images/faults.test.ts || status=1

step 8 "scan every container's log for tokens and secrets"
# Stop the stack first so that every line is written, then take each container's whole log (restarts included).
run_logged "docker-compose stop" "$STACK_DIR/stop.log" "${COMPOSE[@]}" stop -t 15
kill "${followers[@]}" 2>/dev/null || true
followers=()
for name in "${!IDS[@]}"; do docker logs "${IDS[$name]}" >"$LOG_DIR/$name.log" 2>&1; done
echo "test-compose: $(cat "$LOG_DIR"/*.log | wc -l) log lines from ${#IDS[@]} containers"
"${VITEST_IMAGES[@]}" --outputFile.json="$STACK_DIR/logs.json" test/images/compose-logs.test.ts || status=1
