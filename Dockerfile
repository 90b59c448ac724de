# One image pattern for the four services and the bundled IdP. The app is built on the host first
# (`pnpm build` bundles each one into <app>/dist, runtime files only) and copied in: no sources, no
# node_modules of ours, no dev dependencies, no npm cache. scripts/build-images.sh runs every build below.
#
#   docker build --build-arg APP_DIR=services/details --target service -t …-details-v1 .
#
# BASE_IMAGE is the official Node 24 slim image; where no registry is reachable, build-images.sh builds an
# equivalent base from Debian packages and the npm registry's Node binary and passes it here.
ARG BASE_IMAGE=node:24-slim

FROM ${BASE_IMAGE} AS app
# services/<name> or dev/idp
ARG APP_DIR
# curl, as in upstream's images: istio.io's Bookinfo tasks run `kubectl exec <pod> -- curl …` in them. The
# locally built base has it already; the official slim image gets it from Debian.
RUN command -v curl >/dev/null || { apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \
  && rm -rf /var/lib/apt/lists/*; }
WORKDIR /app
COPY ${APP_DIR}/dist/ /app/
# NODE_COMPILE_CACHE: V8's code for the start-up modules, made once below, so a container does not parse and
# compile them again at each start (README, "Measured images"). Node keys the cache by its version and the
# uid, so a container run as another uid compiles as before; on a read-only root Node only reads it.
ENV NODE_ENV=production NODE_COMPILE_CACHE=/app/.compile-cache
RUN mkdir .compile-cache && chown 1000:1000 .compile-cache
# build-images.sh removes the superseded (dangling) images of earlier builds by this label.
LABEL bookinfo-ts.image="${APP_DIR}"
# Numeric, so Kubernetes' runAsNonRoot can check it; the files stay root-owned and read-only to it.
USER 1000:1000
# Start the app once with its defaults (no network needed), wait for /health, stop it: Node writes the cache
# on exit. The port is pinned for this run only: the IdP's default would be 9090.
RUN PORT=9080 IDP_PORT=9080 node --max-semi-space-size=4 bin/server.js >/dev/null 2>&1 & pid=$!; \
  for i in $(seq 150); do node -e "fetch('http://127.0.0.1:9080/health').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))" && break; sleep 0.2; done; \
  kill -TERM "$pid"; wait "$pid"; test -n "$(ls .compile-cache)" || { echo 'no compile cache written' >&2; exit 1; }
# node is PID 1 and handles SIGTERM itself: stop accepting, finish in-flight requests, exit 0.
STOPSIGNAL SIGTERM
# node itself, no curl: the port the app listens on, GET /health must answer 200.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.IDP_PORT ?? process.env.PORT ?? 9080}/health`, { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# A young generation of at most 4 MiB per semi-space (V8's default grows to 16): productpage under load held
# 193-210 MiB RSS instead of 283-307, for about 2% more CPU per page (2 MiB cost 14%). README, "Memory limits
# and heap settings". It leaves room under the 256 MiB limit that compose and k8s/ set.
CMD ["node", "--max-semi-space-size=4", "bin/server.js"]

# details, productpage, ratings (v1): upstream's defaults are the code's defaults.
FROM app AS service
EXPOSE 9080

# Upstream's variants are the same code with other environment defaults: thin layers, no extra bytes.
FROM service AS ratings-v2
ENV SERVICE_VERSION=v2

FROM service AS reviews-v1
ENV SERVICE_VERSION=v1 ENABLE_RATINGS=false STAR_COLOR=black

FROM service AS reviews-v2
ENV SERVICE_VERSION=v2 ENABLE_RATINGS=true STAR_COLOR=black

FROM service AS reviews-v3
ENV SERVICE_VERSION=v3 ENABLE_RATINGS=true STAR_COLOR=red

# The bundled IdP: every interface (its own default is loopback, for local runs), port 9090.
FROM app AS idp
ENV IDP_HOST=:: IDP_PORT=9090
EXPOSE 9090

# The load generator (packages/loadgen): a CLI playing the personas, not a server; no port, no health check.
FROM ${BASE_IMAGE} AS loadgen
WORKDIR /app
COPY packages/loadgen/dist/ /app/
ENV NODE_ENV=production LOADGEN_SEED=/app/seed.json
LABEL bookinfo-ts.image="packages/loadgen"
USER 1000:1000
ENTRYPOINT ["node", "bin/cli.js"]
