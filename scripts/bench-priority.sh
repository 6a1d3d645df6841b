#!/usr/bin/env bash
# `make bench-priority` (issue 13, item 4): on one fresh redis-server (free port, no persistence,
# stopped whatever happens), the release bench-priority program queues 50,000 bulk notifications
# then 100 verification codes on one queue consumed by the real engine, and prints p50/p99/max
# enqueue->start of both, lanes on vs off, in the same run. See Benchmarks/bench-priority/main.swift.
# Environment: BENCH_BULK (50000), BENCH_CODES (100), BENCH_CONCURRENCY (64).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install redis-server redis-tools
apt_install_lists scripts/apt/build

WORK=$(mktemp -d "${TMPDIR:-/tmp}/blueprint-bench-priority.XXXXXX")
cleanup() {
  stop_pidfile "$WORK/redis/redis.pid"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> swift build -c release --product bench-priority" >&2
swift build -c release --product bench-priority >&2
BIN_DIR=$(swift build -c release --show-bin-path)

REDIS_PORT=$(free_port)
start_redis "$WORK/redis" "$REDIS_PORT"
echo "==> redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
REDIS_HOST=127.0.0.1 REDIS_PORT=$REDIS_PORT "$BIN_DIR/bench-priority"
