#!/usr/bin/env bash
# `make bench-policies` (issue 4): on one fresh redis-server (free port, no persistence, stopped
# whatever happens), the release bench-policies program measures per-user limit checks per second
# (one rate-limit script call each) beside plain INCR in the same run, and the engine's drain rate
# with payload encryption off and on. See Benchmarks/bench-policies/main.swift.
# Environment: BENCH_CHECKS (50000), BENCH_CLIENTS (64), BENCH_JOBS (20000).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install redis-server redis-tools
apt_install_lists scripts/apt/build

WORK=$(mktemp -d "${TMPDIR:-/tmp}/blueprint-bench-policies.XXXXXX")
cleanup() {
  stop_pidfile "$WORK/redis/redis.pid"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> swift build -c release --product bench-policies" >&2
swift build -c release --product bench-policies >&2
BIN_DIR=$(swift build -c release --show-bin-path)

REDIS_PORT=$(free_port)
start_redis "$WORK/redis" "$REDIS_PORT"
echo "==> redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT; $(nproc) CPUs" >&2
REDIS_HOST=127.0.0.1 REDIS_PORT=$REDIS_PORT "$BIN_DIR/bench-policies"
