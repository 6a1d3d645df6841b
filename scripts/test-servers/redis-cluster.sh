# A real 6-node Redis Cluster (3 masters + 3 replicas) on loopback, for the cluster tests.
# Sourced, not run (needs scripts/lib.sh). Nodes keep no data on disk (no RDB, no AOF).
# `start_test_redis-cluster DIR` exports:
#   REDIS_CLUSTER_TEST_URL=redis+cluster://127.0.0.1:P1,127.0.0.1:P2,...  (all six nodes as seeds)
#   REDIS_CLUSTER_TEST_PORTS="P1 P2 P3 P4 P5 P6"
# Tests move slots and fail masters over; each test leaves the cluster with every slot served.
# One test kills a master with kill -9 and starts it again in the foreground with the same
# arguments (Tests/TestSupport/TestRedisClusterKill.swift): it rewrites its redis.pid, so the
# stop below still finds it. cluster-node-timeout is 2 s so that failover takes seconds.

start_test_redis-cluster() {
  local dir=$1
  command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; return 1; }
  mkdir -p "$dir"
  local ports=() port i
  for i in 1 2 3 4 5 6; do
    port=$(_redis_cluster_free_port)
    ports+=("$port")
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --dir "$dir/$port" --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" \
      --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" --cluster-node-timeout 2000 \
      --cluster-require-full-coverage no \
      || { echo "redis-server (cluster node $port) did not start" >&2; return 1; }
    wait_for redis-cli -h 127.0.0.1 -p "$port" ping ||
      { echo "cluster node $port did not answer" >&2; cat "$dir/$port/redis.log" >&2; return 1; }
  done
  local addresses=()
  for port in "${ports[@]}"; do addresses+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 ||
    { echo "redis-cli --cluster create failed" >&2; cat "$dir/create.log" >&2; return 1; }
  for port in "${ports[@]}"; do
    _redis_cluster_wait_ok "$port" ||
      { echo "cluster node $port never reached cluster_state:ok" >&2; cat "$dir/$port/redis.log" >&2; return 1; }
  done
  # Every replica attached and synced, so a CLUSTER FAILOVER in a test can proceed at once.
  for port in "${ports[@]}"; do
    for _ in $(seq 100); do
      if redis-cli -h 127.0.0.1 -p "$port" role | head -1 | grep -q master ||
        redis-cli -h 127.0.0.1 -p "$port" info replication | grep -q 'master_link_status:up'; then
        break
      fi
      sleep 0.1
    done
  done
  REDIS_CLUSTER_TEST_URL="redis+cluster://$(IFS=,; echo "${addresses[*]}")"
  REDIS_CLUSTER_TEST_PORTS="${ports[*]}"
  export REDIS_CLUSTER_TEST_URL REDIS_CLUSTER_TEST_PORTS
  echo "$REDIS_CLUSTER_TEST_PORTS" >"$dir/ports"
  echo "==> redis cluster (3 masters + 3 replicas) on ports $REDIS_CLUSTER_TEST_PORTS"
}

# A free loopback port P below 55536 whose cluster bus port P+10000 is free too.
_redis_cluster_free_port() {
  python3 -c '
import random, socket
for _ in range(1000):
    p = random.randint(20000, 45000)
    try:
        socks = []
        for q in (p, p + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", q)); socks.append(s)
        for s in socks: s.close()
        print(p); break
    except OSError:
        for s in socks: s.close()
'
}

_redis_cluster_wait_ok() {
  local port=$1
  for _ in $(seq 300); do
    redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && return 0
    sleep 0.1
  done
  return 1
}

stop_test_redis-cluster() {
  local dir=$1 port
  [ -f "$dir/ports" ] || return 0
  for port in $(cat "$dir/ports"); do stop_pidfile "$dir/$port/redis.pid"; done
  rm -f "$dir/ports"
}
