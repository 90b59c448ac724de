# HAProxy in front of productpage's replicas in docker-compose (the ingress: health-checked balancing), from
# Debian's haproxy. No registry here: build-images.sh downloads the .deb files the Debian base lacks on the
# host and puts them in debs/; with an empty debs/ (a registry and a network), apt installs them.
# The configuration is docker/haproxy.cfg, mounted read-only by docker-compose.yaml.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
COPY debs/ /tmp/debs/
RUN if ls /tmp/debs/*.deb >/dev/null 2>&1; then dpkg -i /tmp/debs/*.deb; \
  else apt-get update && apt-get install -y --no-install-recommends haproxy && rm -rf /var/lib/apt/lists/*; fi \
  && rm -rf /tmp/debs && haproxy -v
USER haproxy
LABEL bookinfo-ts.image=haproxy
EXPOSE 9080
# HAProxy stops accepting and lets requests in flight finish on SIGUSR1 ("soft stop"); SIGTERM is immediate.
STOPSIGNAL SIGUSR1
# The listener answers (bash's /dev/tcp: the base has no curl).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9080"]
CMD ["haproxy", "-W", "-db", "-f", "/etc/haproxy/haproxy.cfg"]
