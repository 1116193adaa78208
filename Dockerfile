# kcache container image.
#
#   docker build -t kcache .
#   docker run --rm -p 8001:8001 -v ~/.kube/config:/etc/kcache/kubeconfig:ro kcache \
#     --kubeconfig /etc/kcache/kubeconfig --listen 0.0.0.0:8001 --allow-unauthenticated-remote
#
# In a cluster, see config/ (kustomize) and docs/running-in-a-cluster.md: there kcache finds
# the API server through its service account and Kubernetes probes /livez and /readyz.

# ---- build: the toolchain the project is tested with, on the runtime's Debian release, so the
# ---- libcurl and libsqlite3 it links are the ones the runtime stage installs.
ARG SWIFT_IMAGE=swift:6.3-bookworm
FROM ${SWIFT_IMAGE} AS build
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first: this layer is reused while only Sources/ change.
COPY Package.* ./
RUN swift package resolve
COPY Sources ./Sources
# Package.swift declares the test targets too; SwiftPM wants their directories to exist.
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product kcache \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/kcache" /out/usr/local/bin/kcache

# ---- runtime
FROM debian:bookworm-slim
# libcurl4 and libsqlite3-0: what kcache links besides the (static) Swift runtime.
# ca-certificates: roots for an upstream whose CA is not given. curl: the HEALTHCHECK below and
# the exec probes of the loopback sidecar (config/sidecar), which the kubelet cannot reach over
# HTTP; it adds only its small binary, since libcurl4 is needed anyway.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libcurl4 libsqlite3-0 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
# A fixed numeric uid/gid, so that runAsNonRoot can verify it and volumes can be chowned to it.
RUN groupadd --system --gid 65532 kcache \
    && useradd --system --uid 65532 --gid kcache --home-dir /var/lib/kcache --shell /usr/sbin/nologin kcache \
    && install -d -o kcache -g kcache -m 0750 /var/lib/kcache
COPY --from=build /out/usr/local/bin/kcache /usr/local/bin/kcache
COPY config/kcache.yaml /etc/kcache/kcache.example.yaml
USER 65532:65532
WORKDIR /var/lib/kcache
# Snapshots (--snapshot /var/lib/kcache/snapshot.db) survive a restart of the container.
VOLUME ["/var/lib/kcache"]
EXPOSE 8001
# Docker and Compose only (Kubernetes ignores HEALTHCHECK and uses the probes in config/):
# /livez over plain HTTP, else over TLS (-k: a liveness check on loopback, not an identity
# check). Set KCACHE_HEALTH_PORT when --listen uses another port.
ENV KCACHE_HEALTH_PORT=8001
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD curl -fsS --max-time 3 "http://127.0.0.1:${KCACHE_HEALTH_PORT}/livez" \
     || curl -fsSk --max-time 3 "https://127.0.0.1:${KCACHE_HEALTH_PORT}/livez" \
     || exit 1
ENTRYPOINT ["kcache", "serve"]
