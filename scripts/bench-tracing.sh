#!/usr/bin/env bash
# The cost of tracing on the engine drain: Benchmarks/bench-engine's drain of BENCH_JOBS canary jobs
# by one release `blueprint serve`, on one fresh redis-server, three times:
#   off   - no OTEL_* endpoint (the no-op tracer: what every deployment without tracing runs);
#   on    - OTEL_EXPORTER_OTLP_ENDPOINT to a local OTLP/HTTP receiver (scripts/bench/otlp_sink.py),
#           every job sampled: a job span and its Redis script spans exported;
#   off   - again, to show the spread of the machine.
# Prints the drain figures of each run, and the spans the receiver got.
# Environment: BENCH_JOBS (50000), BENCH_LATENCY_SECONDS (3), BLUEPRINT_CONCURRENCY (serve's default),
# BENCH_CONFIGURATION (release, or debug).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# BENCH_CONFIGURATION=debug measures the debug build (no release build needed; slower, and Swift
# overheads such as the spans' are magnified, so the on/off difference is an upper bound).
CONFIGURATION=${BENCH_CONFIGURATION:-release}
swift build -c "$CONFIGURATION" --product blueprint >&2
swift build -c "$CONFIGURATION" --product bench-engine >&2
BIN_DIR=$(swift build -c "$CONFIGURATION" --show-bin-path)
PYTHON=python3
[ -x .venv-test/bin/python ] && PYTHON=.venv-test/bin/python

WORK=$(mktemp -d "${TMPDIR:-/tmp}/blueprint-bench-tracing.XXXXXX")
cleanup() {
  stop_pidfile "$WORK/sink.pid"
  stop_pidfile "$WORK/redis/redis.pid"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(free_port)
start_redis "$WORK/redis" "$PORT"
SINK_PORT=$(free_port)
"$PYTHON" scripts/bench/otlp_sink.py "$SINK_PORT" "$WORK/sink.count" & echo $! > "$WORK/sink.pid"
wait_for bash -c "exec 3<>/dev/tcp/127.0.0.1/$SINK_PORT"

run() {
  local label=$1; shift
  echo "==> $label" >&2
  env "$@" REDIS_HOST=127.0.0.1 REDIS_PORT="$PORT" REDIS_PID="$(cat "$WORK/redis/redis.pid")" \
    BLUEPRINT_BIN="$BIN_DIR/blueprint" BENCH_JOBS="${BENCH_JOBS:-50000}" BENCH_LATENCY_SECONDS="${BENCH_LATENCY_SECONDS:-3}" \
    "$BIN_DIR/bench-engine" > "$WORK/$label.txt" || echo "problem: bench-engine exited $? ($label)" >&2
  grep -E '^(drain_jobs_per_s|drain_cpu_us_per_job|drain_redis_cpu_pct|latency_p50_ms|latency_p99_ms|peak_rss_mb|problem)=' "$WORK/$label.txt" \
    | sed "s/^/$label /"
}

run off-1 -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
run on OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" OTEL_BSP_MAX_QUEUE_SIZE=65536 OTEL_BSP_MAX_EXPORT_BATCH_SIZE=4096
run off-2 -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
stop_pidfile "$WORK/sink.pid"
wait_for test -s "$WORK/sink.count"
read -r requests spans bytes < "$WORK/sink.count"
echo "receiver: $requests export requests, $spans spans, $bytes bytes"
