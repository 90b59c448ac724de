# Redis for docker-compose's sessions, from Debian's redis-server. No registry here: build-images.sh
# downloads the .deb files the Debian base lacks on the host (apt resolves them against the base's own
# package list) and puts them in debs/; with an empty debs/ (a registry and a network), apt installs them.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
COPY debs/ /tmp/debs/
RUN if ls /tmp/debs/*.deb >/dev/null 2>&1; then dpkg -i /tmp/debs/*.deb; \
  else apt-get update && apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*; fi \
  && rm -rf /tmp/debs && redis-server --version
USER redis
LABEL bookinfo-ts.image=redis
EXPOSE 6379
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["redis-cli", "ping"]
# Sessions only, kept in memory: nothing is written to disk (dev compose; say so in the README).
CMD ["redis-server", "--bind", "*", "-::*", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
