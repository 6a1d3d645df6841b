#!/usr/bin/env bash
# Our Redis client against redis-benchmark on the same workloads and the same fresh redis-server:
# XADD (`XADD <key> MAXLEN ~ 100000 * f v`) and SET (redis-benchmark's `-t set`: a 3-byte value),
# each at pipeline depth 1 and 16 with BENCH_CLIENTS (50) concurrent requesters, BENCH_REQUESTS
# (200000) requests per workload. Prints a table of both rates and their ratio; the last line is
# `xadd_p1_ratio=<ours/redis-benchmark>`.
#
# Depth 1 is not the same thing on both sides: redis-benchmark keeps one request in flight on each
# of its 50 connections, while our 50 requesters share the client's pool (RedisConfiguration.poolSize
# connections) and their concurrent requests leave in one write per event-loop tick.
#
# BENCH_ROUNDS (default 3) runs every measurement that many times, the two tools taking turns, and
# keeps the best of each (other work on the machine only ever slows a run down).
# BENCH_POOL_SIZE overrides the client's pool size. The server is stopped whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install redis-server redis-tools python3
apt_install_lists scripts/apt/build

N=${BENCH_REQUESTS:-200000}
C=${BENCH_CLIENTS:-50}
ROUNDS=${BENCH_ROUNDS:-3}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/blueprint-bench.XXXXXX")
cleanup() {
  stop_pidfile "$WORK/redis/redis.pid"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> swift build -c release --product bench-redis" >&2
swift build -c release --product bench-redis >&2
BIN="$(swift build -c release --show-bin-path)/bench-redis"

PORT=$(free_port)
start_redis "$WORK/redis" "$PORT"
echo "==> redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$PORT; $N requests, $C clients, best of $ROUNDS" >&2

# rb_rate WORKLOAD : requests/second of redis-benchmark (its CSV line is "test","rps",...).
rb_rate() {
  local args
  case $1 in
    xadd_p*) args=(XADD bench:rb MAXLEN '~' 100000 '*' f v) ;;
    set_p*) args=(-t set) ;;
  esac
  redis-benchmark -h 127.0.0.1 -p "$PORT" -c "$C" -n "$N" -P "${1##*_p}" --csv "${args[@]}" \
    | tail -1 | cut -d, -f2 | tr -d '"'
}

# ours_rate WORKLOAD : requests/second of bench-redis (its line is "<workload> ... rps=<n>").
ours_rate() {
  REDIS_HOST=127.0.0.1 REDIS_PORT=$PORT "$BIN" --requests "$N" --clients "$C" --workloads "$1" \
    | awk -v w="$1" '$1 == w { sub("rps=", "", $4); print $4 }'
}

# best RATE... : the largest rate.
best() { printf '%s\n' "$@" | sort -g | tail -1; }

# The two tools take turns on each workload, so a load change on the machine hits both alike.
declare -A RB OURS
for w in xadd_p1 set_p1 xadd_p16 set_p16; do
  rb=() ours=()
  for _ in $(seq "$ROUNDS"); do
    rate=$(rb_rate "$w")
    [ -n "$rate" ] || { echo "redis-benchmark gave no rate for $w" >&2; exit 1; }
    rb+=("$rate")
    rate=$(ours_rate "$w")
    [ -n "$rate" ] || { echo "bench-redis gave no rate for $w" >&2; exit 1; }
    ours+=("$rate")
  done
  RB[$w]=$(best "${rb[@]}")
  OURS[$w]=$(best "${ours[@]}")
  echo "    $w: redis-benchmark ${rb[*]}; ours ${ours[*]}" >&2
done
redis-cli -p "$PORT" DEL bench:rb key:__rand_int__ >/dev/null

echo
printf '%-10s | %21s | %12s | %5s\n' workload "redis-benchmark req/s" "ours req/s" ratio
printf '%-10s-|-%21s-|-%12s-|-%5s\n' ---------- --------------------- ------------ -----
for w in xadd_p1 set_p1 xadd_p16 set_p16; do
  ratio=$(awk -v a="${OURS[$w]}" -v b="${RB[$w]}" 'BEGIN { printf "%.2f", a / b }')
  printf '%-10s | %21.0f | %12.0f | %5s\n' "$w" "${RB[$w]}" "${OURS[$w]}" "$ratio"
done
echo
echo "xadd_p1_ratio=$(awk -v a="${OURS[xadd_p1]}" -v b="${RB[xadd_p1]}" 'BEGIN { printf "%.2f", a / b }')"
