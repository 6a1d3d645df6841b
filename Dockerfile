# syntax=docker/dockerfile:1
# Blueprint Worker: build with the Swift toolchain image, run on a slim Debian as a non-root user.
#   docker build -t blueprint-worker .
#   docker run --rm -e REDIS_URL=redis://host.docker.internal:6379/0 -p 8080:8080 blueprint-worker
# (Not built here: this machine has no Docker engine. tests/system/test_deploy.py checks this file.)

FROM swift:6.3-bookworm AS build
# The C libraries behind the shim targets (scripts/apt/build/*.txt): libvips, tesseract, leptonica.
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libvips-dev libtesseract-dev libleptonica-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifest first, so dependency resolution is cached while only sources change.
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN swift build -c release --product blueprint --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/blueprint" /out/blueprint

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
    libvips42 libtesseract5 tesseract-ocr-kor tesseract-ocr-eng \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 blueprint \
 && useradd --system --uid 10001 --gid blueprint --home-dir /nonexistent --shell /usr/sbin/nologin blueprint
COPY --from=build /out/blueprint /usr/local/bin/blueprint
USER 10001:10001
# Listen on every interface inside the container; the Service / port mapping decides exposure.
ENV BLUEPRINT_HTTP_HOST=0.0.0.0 \
    BLUEPRINT_HTTP_PORT=8080 \
    OMP_THREAD_LIMIT=1
EXPOSE 8080
# SIGTERM drains in-flight jobs (BLUEPRINT_SHUTDOWN_GRACE_MS, default 25 s) before exiting.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/blueprint"]
CMD ["serve"]
