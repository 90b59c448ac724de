# The Node 24 runtime base built here when the official node:24-slim cannot be pulled (no registry):
# Debian minbase (debootstrap, imported by scripts/build-images.sh) plus the Node binary from the npm
# registry's node-linux-<arch> package. Same shape as the official image: node in /usr/local/bin, user
# node = 1000:1000 with home /home/node.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
ARG NODE_VERSION
COPY node /usr/local/bin/node
RUN groupadd --gid 1000 node \
  && useradd --uid 1000 --gid node --shell /bin/sh --create-home node \
  && node --version
LABEL org.opencontainers.image.title="bookinfo-ts node base" org.opencontainers.image.version="${NODE_VERSION}"
CMD ["node"]
