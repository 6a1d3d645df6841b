# A Redis master, one replica and three sentinels on loopback, for the Sentinel-mode tests that do
# not fail over (resolution, WAIT with replicas). Tests that fail over, kill or freeze nodes start a
# private set of their own (Tests/TestSupport/PrivateSentinelSet.swift), so this one stays intact.
# Sourced, not run (needs scripts/lib.sh). Only redis-server is needed (`redis-server CONF --sentinel`).
# `start_test_redis-sentinel DIR` exports:
#   REDIS_SENTINEL_TEST_URL           redis+sentinel://127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3/bpmaster
#   REDIS_SENTINEL_TEST_MASTER_PORT   port of the master at start
#   REDIS_SENTINEL_TEST_REPLICA_PORT  port of the replica at start
#   REDIS_SENTINEL_TEST_DIR           DIR (pid files master.pid, replica.pid, sentinel-N.pid; logs)
# Sentinels: quorum 2, down-after-milliseconds 1000, failover-timeout 5000.

_sentinel_field() { # PORT FIELD : a field of `SENTINEL MASTER bpmaster` on that sentinel
  redis-cli -h 127.0.0.1 -p "$1" SENTINEL MASTER bpmaster 2>/dev/null | awk -v f="$2" 'prev == f { print; exit } { prev = $0 }'
}

_sentinels_settled() { # PORT... : every sentinel sees the replica and the two others
  local port
  for port in "$@"; do
    [ "$(_sentinel_field "$port" num-slaves)" -ge 1 ] 2>/dev/null || return 1
    [ "$(_sentinel_field "$port" num-other-sentinels)" -ge 2 ] 2>/dev/null || return 1
  done
}

start_test_redis-sentinel() {
  local dir=$1 master replica port i ports=()
  mkdir -p "$dir"
  master=$(free_port)
  start_redis "$dir/master" "$master" || return 1
  cp "$dir/master/redis.pid" "$dir/master.pid"
  replica=$(free_port)
  start_redis "$dir/replica" "$replica" --replicaof 127.0.0.1 "$master" || return 1
  cp "$dir/replica/redis.pid" "$dir/replica.pid"
  for i in 1 2 3; do
    port=$(free_port)
    ports+=("$port")
    mkdir -p "$dir/sentinel-$i"
    cat >"$dir/sentinel-$i/sentinel.conf" <<CONF
port $port
bind 127.0.0.1
daemonize yes
pidfile $dir/sentinel-$i.pid
logfile $dir/sentinel-$i/sentinel.log
dir $dir/sentinel-$i
sentinel monitor bpmaster 127.0.0.1 $master 2
sentinel down-after-milliseconds bpmaster 1000
sentinel failover-timeout bpmaster 5000
sentinel parallel-syncs bpmaster 1
CONF
    redis-server "$dir/sentinel-$i/sentinel.conf" --sentinel
  done
  # Sentinels find the replica through the master's INFO (every 10 s) and each other through
  # hello messages (every 2 s): allow 40 s.
  for _ in $(seq 400); do
    _sentinels_settled "${ports[@]}" && break
    sleep 0.1
  done
  _sentinels_settled "${ports[@]}" || {
    echo "redis sentinels did not settle" >&2
    tail -5 "$dir"/sentinel-*/sentinel.log >&2
    return 1
  }
  REDIS_SENTINEL_TEST_URL="redis+sentinel://127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}/bpmaster"
  REDIS_SENTINEL_TEST_MASTER_PORT=$master
  REDIS_SENTINEL_TEST_REPLICA_PORT=$replica
  REDIS_SENTINEL_TEST_DIR=$dir
  export REDIS_SENTINEL_TEST_URL REDIS_SENTINEL_TEST_MASTER_PORT REDIS_SENTINEL_TEST_REPLICA_PORT REDIS_SENTINEL_TEST_DIR
  echo "==> redis master :$master, replica :$replica, sentinels ${ports[*]} (bpmaster)"
}

stop_test_redis-sentinel() {
  local dir=$1 i
  for i in 1 2 3; do stop_pidfile "$dir/sentinel-$i.pid"; done
  stop_pidfile "$dir/replica.pid"
  stop_pidfile "$dir/master.pid"
}
