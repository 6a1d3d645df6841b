#!/usr/bin/env bash
# `make bench-cluster`: the drain rate of ONE logical queue on one shard vs the same queue spread
# over 3 partitions on 3 masters (BLUEPRINT_PARTITIONS, docs/operations.md), in one run:
#   1. release build of `blueprint`;
#   2. its own Redis Cluster of 3 masters, no replicas, no persistence, on free loopback ports
#      (stopped whatever happens);
#   3. (a) queue A, 1 partition: BENCH_JOBS no-op `canary` jobs enqueued with `blueprint enqueue
#      --count` (pipelines of 1000), then ONE `blueprint serve` drains them;
#      (b) queue B, 3 partitions whose slots are on the three masters (the name is chosen so they
#      are; checked), the same jobs round robin over the partitions, ONE `blueprint serve`;
#   4. for each: jobs/s (from the first and last outcome's entry IDs: the drain itself, not the
#      process start), worker CPU µs per job (the whole serve process, start-up included), each
#      redis-server's CPU over the drain, jobs lost or run twice; `nproc` beside it.
# Environment: BENCH_JOBS (100000), BLUEPRINT_CONCURRENCY (unset: serve's default, 64 for these
# queues; a partitioned queue shares it out, ceil(64/3) = 22 per partition).
# Exit status: 1 when a step failed or a job was lost or run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/test-servers/redis-cluster.sh   # _redis_cluster_free_port, _redis_cluster_wait_ok

apt_install redis-server redis-tools python3
apt_install_lists scripts/apt/build

JOBS=${BENCH_JOBS:-100000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blueprint-bench-cluster.XXXXXX")
PORTS=()
SERVE_PID=""
cleanup() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  for port in "${PORTS[@]}"; do stop_pidfile "$WORK/$port/redis.pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> swift build -c release --product blueprint" >&2
swift build -c release --product blueprint >&2
BIN="$(swift build -c release --show-bin-path)/blueprint"

echo "==> redis cluster: 3 masters, no replicas (no persistence)" >&2
for i in 1 2 3; do
  port=$(_redis_cluster_free_port)
  PORTS+=("$port")
  mkdir -p "$WORK/$port"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$WORK/$port" --pidfile "$WORK/$port/redis.pid" --logfile "$WORK/$port/redis.log" \
    --cluster-enabled yes --cluster-config-file "$WORK/$port/nodes.conf" --cluster-node-timeout 2000 >/dev/null
  wait_for redis-cli -h 127.0.0.1 -p "$port" ping || { echo "cluster node $port did not answer" >&2; exit 1; }
done
ADDRESSES=()
for port in "${PORTS[@]}"; do ADDRESSES+=("127.0.0.1:$port"); done
redis-cli --cluster create "${ADDRESSES[@]}" --cluster-replicas 0 --cluster-yes >"$WORK/create.log" 2>&1 ||
  { cat "$WORK/create.log" >&2; exit 1; }
for port in "${PORTS[@]}"; do _redis_cluster_wait_ok "$port" || { echo "node $port never reached cluster_state:ok" >&2; exit 1; }; done
URL="redis+cluster://$(IFS=,; echo "${ADDRESSES[*]}")"
REDIS_VERSION=$(redis-server --version | awk '{print $3}' | cut -d= -f2)

# owner_port KEY : the port of the master serving KEY's slot.
owner_port() {
  local slot; slot=$(redis-cli -h 127.0.0.1 -p "${PORTS[0]}" cluster keyslot "$1")
  redis-cli -h 127.0.0.1 -p "${PORTS[0]}" cluster nodes | python3 -c '
import sys
slot = int(sys.argv[1])
for line in sys.stdin:
    f = line.split()
    if "master" not in f[2]: continue
    for r in f[8:]:
        if r.startswith("["): continue
        a, _, b = r.partition("-")
        if int(a) <= slot <= int(b or a): print(f[1].split("@")[0].rsplit(":", 1)[1]); sys.exit()
' "$slot"
}
# A queue name whose partitions q, q~1, q~2 are served by three different masters.
SPREAD=""
for n in $(seq 1 200); do
  q="bench_part_$n"
  owners="$(owner_port "$q") $(owner_port "$q~1") $(owner_port "$q~2")"
  if [ "$(tr ' ' '\n' <<<"$owners" | sort -u | wc -l)" = 3 ]; then SPREAD=$q; SPREAD_OWNERS=$owners; break; fi
done
[ -n "$SPREAD" ] || { echo "no queue name spread over the three masters" >&2; exit 1; }
SINGLE="bench_single_$RANDOM"
SINGLE_OWNER=$(owner_port "$SINGLE")

# cpu_ticks PID : utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)
rcli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
# entries_added PORT KEY : XINFO STREAM entries-added (0 when the stream does not exist).
entries_added() { rcli "$1" XINFO STREAM "$2" 2>/dev/null | awk 'prev == "entries-added" { print; exit } { prev = $0 }' | grep -E '^[0-9]+$' || echo 0; }

# run LABEL QUEUE PARTITIONS : enqueue, drain with one serve, print key=value figures.
run() {
  local label=$1 queue=$2 partitions=$3
  local env=(REDIS_URL="$URL" BLUEPRINT_QUEUES="$queue" BLUEPRINT_LOG_LEVEL=warning BLUEPRINT_DIAGNOSTICS=1)
  [ "$partitions" -gt 1 ] && env+=(BLUEPRINT_PARTITIONS="$queue=$partitions")
  local names=("$queue") ports=() i
  for ((i = 1; i < partitions; i++)); do names+=("$queue~$i"); done
  for name in "${names[@]}"; do ports+=("$(owner_port "$name")"); done
  echo "==> ($label) $JOBS canary jobs on ${names[*]} (masters ${ports[*]}): enqueue" >&2
  env "${env[@]}" "$BIN" enqueue "$queue" canary --count "$JOBS" >&2
  local waiting=0
  for ((i = 0; i < partitions; i++)); do waiting=$((waiting + $(rcli "${ports[$i]}" XLEN "${names[$i]}"))); done
  declare -A before=()
  for port in "${PORTS[@]}"; do before[$port]=$(cpu_ticks "$(cat "$WORK/$port/redis.pid")"); done
  echo "    $waiting waiting; blueprint serve (one process) drains them" >&2
  env "${env[@]}" BLUEPRINT_WORKER_ID="bench-$label" BLUEPRINT_HTTP_PORT=0 "$BIN" serve >"$WORK/serve-$label.log" 2>&1 &
  SERVE_PID=$!
  local done_jobs=0 deadline=$((SECONDS + 600))
  while :; do
    done_jobs=0
    for ((i = 0; i < partitions; i++)); do done_jobs=$((done_jobs + $(entries_added "${ports[$i]}" "{${names[$i]}}:results"))); done
    [ "$done_jobs" -ge "$JOBS" ] && break
    kill -0 "$SERVE_PID" 2>/dev/null || { echo "serve exited early:" >&2; tail -20 "$WORK/serve-$label.log" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "drain did not finish in 600 s ($done_jobs of $JOBS)" >&2; break; }
    sleep 0.25
  done
  local worker_ticks; worker_ticks=$(cpu_ticks "$SERVE_PID")
  declare -A after=()
  for port in "${PORTS[@]}"; do after[$port]=$(cpu_ticks "$(cat "$WORK/$port/redis.pid")"); done
  kill "$SERVE_PID"; wait "$SERVE_PID" || true; SERVE_PID=""
  # The drain's duration: first to last outcome, from the results entry IDs (ms), over the partitions.
  local first="" last="" id ms
  for ((i = 0; i < partitions; i++)); do
    id=$(rcli "${ports[$i]}" XRANGE "{${names[$i]}}:results" - + COUNT 1 | head -1); ms=${id%%-*}
    [ -z "$first" ] || [ "$ms" -lt "$first" ] && first=$ms
    id=$(rcli "${ports[$i]}" XREVRANGE "{${names[$i]}}:results" + - COUNT 1 | head -1); ms=${id%%-*}
    [ -z "$last" ] || [ "$ms" -gt "$last" ] && last=$ms
  done
  local ms_total=$((last - first)); [ "$ms_total" -gt 0 ] || ms_total=1
  local left=0 pending=0 dead=0 succeeded=0
  for ((i = 0; i < partitions; i++)); do
    left=$((left + $(rcli "${ports[$i]}" XLEN "${names[$i]}")))
    dead=$((dead + $(rcli "${ports[$i]}" XLEN "{${names[$i]}}:dead")))
    succeeded=$((succeeded + $(rcli "${ports[$i]}" XRANGE "{${names[$i]}}:results" - + | grep -c '^succeeded$' || true)))
  done
  echo "${label}_jobs=$done_jobs"
  echo "${label}_succeeded=$succeeded"
  echo "${label}_left=$left"
  echo "${label}_dead=$dead"
  echo "${label}_ms=$ms_total"
  echo "${label}_rate=$(awk -v n="$done_jobs" -v ms="$ms_total" 'BEGIN { printf "%.0f", n * 1000 / ms }')"
  echo "${label}_worker_us_per_job=$(awk -v t="$worker_ticks" -v hz="$TICKS" -v n="$done_jobs" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
  for port in "${PORTS[@]}"; do
    echo "${label}_redis_${port}_cpu_pct=$(awk -v t="$((after[$port] - before[$port]))" -v hz="$TICKS" -v ms="$ms_total" 'BEGIN { printf "%.0f", t / hz * 100000 / ms }')"
  done
  echo "${label}_masters=${ports[*]}"
}

BUSY_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
# Not in a pipeline: `run` must set SERVE_PID in this shell, for the cleanup.
run single "$SINGLE" 1 >"$WORK/single.txt"; cat "$WORK/single.txt"
run part3 "$SPREAD" 3 >"$WORK/part3.txt"; cat "$WORK/part3.txt"
fig() { awk -F= -v k="$1" '$1 == k { print substr($0, length(k) + 2) }' "$WORK/single.txt" "$WORK/part3.txt"; }

CORES=$(nproc)
echo
echo "== Drain of $JOBS no-op canary jobs by ONE blueprint serve, Redis Cluster of 3 masters (redis $REDIS_VERSION), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "   machine: $CORES cores (nproc), load average at start $BUSY_LOAD, concurrency ${BLUEPRINT_CONCURRENCY:-default (64 per logical queue)}"
printf '| %-44s | %10s | %14s | %-34s | %-9s |\n' "queue" "jobs/s" "worker µs/job" "redis-server CPU % (port: %)" "lost/dup"
printf '| %-44s | %10s | %14s | %-34s | %-9s |\n' "--------------------------------------------" "----------" "--------------" "----------------------------------" "---------"
PROBLEM=0
for label in single part3; do
  cpus=""
  for port in "${PORTS[@]}"; do cpus+="$port: $(fig "${label}_redis_${port}_cpu_pct")  "; done
  jobs=$(fig "${label}_jobs"); succeeded=$(fig "${label}_succeeded")
  lost=$((JOBS - succeeded)); [ "$lost" -ge 0 ] || lost=0
  dup=$((jobs - JOBS)); [ "$dup" -ge 0 ] || dup=0
  [ "$lost" = 0 ] && [ "$dup" = 0 ] && [ "$(fig "${label}_left")" = 0 ] || PROBLEM=1
  case $label in
    single) name="1 partition ($SINGLE on :$(fig single_masters))" ;;
    part3) name="3 partitions (masters $(fig part3_masters | tr ' ' ','))" ;;
  esac
  printf '| %-44s | %10s | %14s | %-34s | %-9s |\n' "$name" "$(fig "${label}_rate")" "$(fig "${label}_worker_us_per_job")" "$cpus" "$lost/$dup"
done
RATIO=$(awk -v a="$(fig part3_rate)" -v b="$(fig single_rate)" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
echo "3 partitions / 1 partition: ${RATIO}x jobs/s, on $CORES cores."
if [ "$CORES" -le 2 ]; then
  echo "On $CORES cores this figure shows the OVERHEAD of partitioning (more streams, more connections and reads for the"
  echo "same worker and the same CPUs), not scaling: three masters and one worker share $CORES cores, so no Redis can get"
  echo "a core of its own, and whatever else runs here (load average $BUSY_LOAD at start) moves it either way."
  echo "Scaling shows when each master has its own cores (and usually more than one worker process)."
else
  echo "With $CORES cores, masters and worker can each have a core: the ratio is the scaling of one worker over 3 shards."
fi
exit "$PROBLEM"
