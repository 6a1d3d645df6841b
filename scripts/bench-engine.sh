#!/usr/bin/env bash
# The engine benchmark of issues 3 and 9 (`make bench-engine`), in one invocation:
#   0. the baseline: BENCH_BASELINE_REF (abe0906, the engine before issue 9 item 5) checked out in
#      its own worktree under .build-baseline/ and built in release there (its own scratch path);
#   1. one fresh redis-server (free port, no persistence; stopped whatever happens);
#   2. `redis-benchmark -c 50 -n 200000 -P 1 XADD` on it: the physical reference;
#   3. Benchmarks/bench-engine on the same server: Swift bulk enqueue rate; drain of BENCH_JOBS
#      pre-filled canary jobs by ONE release `blueprint serve`, first the baseline's ("before"),
#      then this tree's ("after"), each with jobs/s, worker CPU µs per job and redis-server CPU %
#      over the drain; enqueue->start latency p50/p99 at a steady 1k jobs/s, peak RSS (see that
#      program's header);
#   4. that redis stopped, then the peers (../shared/bench/peers/run.sh --only dramatiq,saq --reps 1,
#      with its own Redis on port 6390) for the drain rates of the same machine in the same run;
#   5. tables: before / after / peers side by side, and ours against the targets of issues 3 and 9.
#
# Environment: BLUEPRINT_CONCURRENCY (unset: serve's default for the queue), BENCH_JOBS (200000),
# BENCH_BASELINE_REF (abe0906), BENCH_BASELINE_BIN (a `blueprint` binary already built from another
# commit: used as "before" instead of building BENCH_BASELINE_REF), BENCH_SKIP_BASELINE=1 (no "before"), WAIT_MAX (60: seconds to wait
# for a quiet machine before measuring, here and in the peers' script), PEERS (dramatiq,saq),
# BENCH_SKIP_PEERS=1 (skip step 4), BENCH_STRICT=1 (exit 1 when a target is missed).
# Exit status: 1 when the engine misbehaved (lost/duplicate/failed jobs, a stall, an unclean exit)
# or a step failed; 0 otherwise (missed targets are marked FAIL in the table).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib.sh

apt_install redis-server redis-tools python3
apt_install_lists scripts/apt/build

export WAIT_MAX=${WAIT_MAX:-60}
PEERS=${PEERS:-dramatiq,saq}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blueprint-bench-engine.XXXXXX")
cleanup() {
  stop_pidfile "$WORK/redis/redis.pid"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> swift build -c release --product blueprint / bench-engine" >&2
swift build -c release --product blueprint >&2
swift build -c release --product bench-engine >&2
BIN_DIR=$(swift build -c release --show-bin-path)
# What "after" is, as built now (Sources may change while the bench runs).
AFTER_LABEL="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo '+changes')"

BASELINE_REF=${BENCH_BASELINE_REF:-abe0906}
BASELINE_BIN=""
if [ -n "${BENCH_BASELINE_BIN:-}" ]; then
  [ -x "$BENCH_BASELINE_BIN" ] || { echo "BENCH_BASELINE_BIN=$BENCH_BASELINE_BIN is not an executable" >&2; exit 1; }
  BASELINE_BIN=$BENCH_BASELINE_BIN
  BASELINE_REF=${BENCH_BASELINE_LABEL:-given binary}
elif [ "${BENCH_SKIP_BASELINE:-0}" != 1 ]; then
  BASELINE_SRC="$ROOT/.build-baseline/src"
  BASELINE_SCRATCH="$ROOT/.build-baseline/build"
  BASELINE_COMMIT=$(git rev-parse --verify "$BASELINE_REF^{commit}")
  if [ ! -e "$BASELINE_SRC/.git" ]; then
    git worktree add --detach "$BASELINE_SRC" "$BASELINE_COMMIT" >&2
  elif [ "$(git -C "$BASELINE_SRC" rev-parse HEAD)" != "$BASELINE_COMMIT" ]; then
    git -C "$BASELINE_SRC" checkout -q --detach "$BASELINE_COMMIT"
  fi
  echo "==> baseline $BASELINE_REF ($(git log -1 --format='%h %s' "$BASELINE_COMMIT" | cut -c1-70)): swift build -c release --product blueprint (scratch .build-baseline/build)" >&2
  swift build -c release --product blueprint --package-path "$BASELINE_SRC" --scratch-path "$BASELINE_SCRATCH" >&2
  BASELINE_BIN="$(swift build -c release --package-path "$BASELINE_SRC" --scratch-path "$BASELINE_SCRATCH" --show-bin-path)/blueprint"
fi

# Busy CPU % of the whole machine over 1 s (other sessions build here too).
busy_pct() {
  local a b
  read -r _ u n s i w q sq st _ < /proc/stat; a=($((u+n+s+q+sq+st)) $((u+n+s+i+w+q+sq+st)))
  sleep 1
  read -r _ u n s i w q sq st _ < /proc/stat; b=($((u+n+s+q+sq+st)) $((u+n+s+i+w+q+sq+st)))
  echo $(( 100 * (b[0]-a[0]) / (b[1]-a[1] > 0 ? b[1]-a[1] : 1) ))
}
waited=0; busy=$(busy_pct)
while [ "$busy" -ge 15 ] && [ "$waited" -lt "$WAIT_MAX" ]; do
  echo "    machine busy ${busy}%; waiting for a quieter machine (up to ${WAIT_MAX}s) ..." >&2
  sleep 4; waited=$((waited + 5)); busy=$(busy_pct)
done
OUR_BUSY=$busy

PORT=$(free_port)
start_redis "$WORK/redis" "$PORT"
REDIS_VERSION=$(redis-server --version | awk '{print $3}' | cut -d= -f2)
echo "==> redis-server $REDIS_VERSION on 127.0.0.1:$PORT (no persistence); machine ${OUR_BUSY}% busy, load $(cut -d' ' -f1-3 /proc/loadavg)"

echo "==> redis-benchmark -c 50 -n 200000 -P 1 XADD (physical reference)"
RB_LINE=$(redis-benchmark -h 127.0.0.1 -p "$PORT" -c 50 -n 200000 -P 1 -q XADD bench:rb MAXLEN '~' 100000 '*' f v \
  | tr '\r' '\n' | grep 'requests per second' | tail -1)
echo "    $RB_LINE"
RB_RATE=$(sed -E 's/.*: ([0-9.]+) requests per second.*/\1/' <<<"$RB_LINE")
redis-cli -h 127.0.0.1 -p "$PORT" DEL bench:rb >/dev/null

echo "==> bench-engine (blueprint serve: $BIN_DIR/blueprint)"
set +e
REDIS_HOST=127.0.0.1 REDIS_PORT=$PORT REDIS_PID=$(cat "$WORK/redis/redis.pid") BLUEPRINT_BIN="$BIN_DIR/blueprint" \
  BLUEPRINT_BASELINE_BIN="$BASELINE_BIN" BENCH_JOBS=${BENCH_JOBS:-200000} "$BIN_DIR/bench-engine" | tee "$WORK/engine.txt"
ENGINE_RC=${PIPESTATUS[0]}
set -e
stop_pidfile "$WORK/redis/redis.pid"

# fig KEY : a key=value figure of bench-engine ('' when absent).
fig() { awk -F= -v k="$1" '$1 == k { v = substr($0, length(k) + 2) } END { print v }' "$WORK/engine.txt"; }

# Peers, measured now on this machine (their script brings its own Redis on 127.0.0.1:6390).
PEERS_SCRIPT="$ROOT/../shared/bench/peers/run.sh"
declare -A PEER_RATE=()
PEERS_NOTE=""
if [ "${BENCH_SKIP_PEERS:-0}" = 1 ]; then
  PEERS_NOTE="peers skipped (BENCH_SKIP_PEERS=1)"
elif [ ! -f "$PEERS_SCRIPT" ]; then
  PEERS_NOTE="peers skipped: $PEERS_SCRIPT not found"
else
  echo "==> $PEERS_SCRIPT --only $PEERS --reps 1 (WAIT_MAX=$WAIT_MAX)"
  set +e
  bash "$PEERS_SCRIPT" --only "$PEERS" --reps 1 2>&1 | tee "$WORK/peers.txt"
  PEERS_RC=${PIPESTATUS[0]}
  set -e
  [ "$PEERS_RC" -eq 0 ] || PEERS_NOTE="peers script exited with status $PEERS_RC"
  for peer in ${PEERS//,/ }; do
    # The results table it prints first: "| peer | enqueue | processing median (min–max) | ...".
    # (Later tables have rows for the same peer: only the first match counts.)
    rate=$(awk -F'|' -v p="$peer" '$2 ~ "^ *" p " *$" { split($4, a, " "); gsub(",", "", a[1]); print a[1]; exit }' "$WORK/peers.txt")
    if ! [[ "$rate" =~ ^[0-9.]+$ ]]; then
      # Fall back to its per-rep line: "rep0: enq N/s  proc N/s (...)".
      rate=$(awk -v p="$peer" '/^== / { cur = $2 } cur == p && /rep[0-9]+: enq/ && !/DISCARDED/ { for (i = 1; i <= NF; i++) if ($i == "proc") { v = $(i + 1); sub("/s", "", v) } } END { print v }' "$WORK/peers.txt")
    fi
    [[ "$rate" =~ ^[0-9.]+$ ]] && PEER_RATE[$peer]=$rate
  done
fi

# ---- the table ----
OURS=$(fig drain_jobs_per_s)
P50=$(fig latency_p50_ms)
P99=$(fig latency_p99_ms)
RSS=$(fig peak_rss_mb)
ENQ=$(fig enqueue_jobs_per_s)
PROBLEMS=$(fig problems)
FASTEST=""; FASTEST_RATE=""
for peer in "${!PEER_RATE[@]}"; do
  if [ -z "$FASTEST_RATE" ] || awk -v a="${PEER_RATE[$peer]}" -v b="$FASTEST_RATE" 'BEGIN { exit !(a > b) }'; then
    FASTEST=$peer; FASTEST_RATE=${PEER_RATE[$peer]}
  fi
done

missed=0 met=0
# mark OK : PASS/FAIL/n/a from an awk condition over a and b.
mark() {
  local a=$1 b=$2 cond=$3
  if ! [[ "$a" =~ ^[0-9.]+$ ]] || ! [[ "$b" =~ ^[0-9.]+$ ]]; then echo "n/a"; return; fi
  if awk -v a="$a" -v b="$b" "BEGIN { exit !($cond) }"; then echo PASS; else echo FAIL; fi
}
num() { [[ "$1" =~ ^[0-9.]+$ ]] && awk -v x="$1" -v d="${2:-0}" 'BEGIN { printf "%.*f", d, x }' || echo "—"; }
ratio() { [[ "$1" =~ ^[0-9.]+$ ]] && [[ "$2" =~ ^[0-9.]+$ ]] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || echo ""; }

R_PEER=$(ratio "$OURS" "$FASTEST_RATE")
R_RB=$(ratio "$OURS" "$RB_RATE")
M_PEER=$(mark "$R_PEER" 20 "a >= b")
M_RB=$(mark "$R_RB" 0.4 "a >= b")
M_P99=$(mark "$P99" 5 "a < b")
M_RSS=$(mark "$RSS" 64 "a < b")
M_OK=$([ "$ENGINE_RC" -eq 0 ] && [ "$PROBLEMS" = 0 ] && echo PASS || echo FAIL)
M_RATE=$(mark "$OURS" 40000 "a >= b")
M_CPU=$(mark "$(fig drain_cpu_us_per_job)" 10 "a <= b")
M_REDIS=$(mark "$(fig drain_redis_cpu_pct)" 85 "a >= b")
for m in "$M_PEER" "$M_RB" "$M_P99" "$M_RSS" "$M_OK" "$M_RATE" "$M_CPU" "$M_REDIS"; do
  case $m in PASS) met=$((met + 1)) ;; *) missed=$((missed + 1)) ;; esac
done

CONC=${BLUEPRINT_CONCURRENCY:-default}
side() { printf '| %-34s | %14s | %14s | %14s | %8s |\n' "$@"; }
echo
echo "== Drain of ${BENCH_JOBS:-200000} no-op canary jobs, one process each, c=$CONC: before ($BASELINE_REF) / after ($AFTER_LABEL) / peers"
side "drain" "jobs/s" "worker µs/job" "redis CPU %" "RSS MB"
side "----------------------------------" "--------------" "--------------" "--------------" "--------"
side "before: blueprint $BASELINE_REF" "$(num "$(fig drain_before_jobs_per_s)")" "$(num "$(fig drain_before_cpu_us_per_job)" 1)" "$(num "$(fig drain_before_redis_cpu_pct)")" "$(num "$(fig drain_before_peak_rss_mb)" 1)"
side "after:  blueprint (this tree)" "$(num "$OURS")" "$(num "$(fig drain_cpu_us_per_job)" 1)" "$(num "$(fig drain_redis_cpu_pct)")" "$(num "$RSS" 1)"
for peer in ${PEERS//,/ }; do
  side "peer: $peer" "$( [ -n "${PEER_RATE[$peer]:-}" ] && num "${PEER_RATE[$peer]}" || echo "—")" "" "" ""
done
R_BEFORE=$(ratio "$OURS" "$(fig drain_before_jobs_per_s)")
[ -n "$R_BEFORE" ] && echo "after / before: ${R_BEFORE}x jobs/s"

row() { printf '| %-44s | %22s | %-10s | %-6s |\n' "$@"; }
echo
echo "== Blueprint engine benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, redis $REDIS_VERSION, one worker process each"
row "figure" "value" "target" "result"
row "--------------------------------------------" "----------------------" "----------" "------"
row "drain, ours (blueprint serve, c=$CONC)" "$(num "$OURS") jobs/s" ">= 40000" "$M_RATE"
row "worker CPU per job (drain)" "$(num "$(fig drain_cpu_us_per_job)" 1) µs" "<= 10 µs" "$M_CPU"
row "redis-server CPU during the drain" "$(num "$(fig drain_redis_cpu_pct)") %" ">= 85 %" "$M_REDIS"
for peer in ${PEERS//,/ }; do
  row "drain, $peer" "$( [ -n "${PEER_RATE[$peer]:-}" ] && echo "$(num "${PEER_RATE[$peer]}") jobs/s" || echo "—")" "" ""
done
row "ours / faster peer${FASTEST:+ ($FASTEST)}" "${R_PEER:-—}${R_PEER:+x}" ">= 20x" "$M_PEER"
row "redis-benchmark XADD -P 1 -c 50" "$(num "$RB_RATE") req/s" "" ""
row "ours / redis-benchmark XADD" "${R_RB:-—}${R_RB:+x}" ">= 0.4x" "$M_RB"
row "enqueue, Swift producer bulk (${BENCH_JOBS:-200000})" "$(num "$ENQ") jobs/s" "" ""
row "enqueue->start latency p50 at 1k jobs/s" "$(num "$P50" 2) ms" "" ""
row "enqueue->start latency p99 at 1k jobs/s" "$(num "$P99" 2) ms" "< 5 ms" "$M_P99"
row "peak RSS of serve (drain, VmHWM)" "$(num "$RSS" 1) MB" "< 64 MB" "$M_RSS"
row "engine correctness (bench-engine problems)" "${PROBLEMS:-?} (exit $ENGINE_RC)" "0" "$M_OK"
echo
echo "machine ${OUR_BUSY}% busy when our measurement began (waited up to ${WAIT_MAX}s for < 15%)"
[ -n "$PEERS_NOTE" ] && echo "note: $PEERS_NOTE"
grep '^problem=' "$WORK/engine.txt" | sed 's/^problem=/engine problem: /' || true
echo "targets met: $met of $((met + missed))"

if [ "$ENGINE_RC" -ne 0 ] || [ "$PROBLEMS" != 0 ]; then exit 1; fi
if [ "${BENCH_STRICT:-0}" = 1 ] && [ "$missed" -gt 0 ]; then exit 1; fi
exit 0
