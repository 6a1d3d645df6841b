#!/usr/bin/env bash
# Shared helpers of the run/test/bench scripts: install what is missing, start local servers.
# Sourced, not run.

# apt_install PKG... : installs the Debian packages that are missing (apt-get update once).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ ! -f /tmp/.blueprint-apt-updated ]; then
    $sudo apt-get update -qq && touch /tmp/.blueprint-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# free_port : prints a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for CMD... : retries CMD for up to 10 s.
wait_for() {
  for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# start_redis DIR PORT [extra redis-server args...] : starts redis-server without persistence,
# daemonized, its files under DIR. Sets REDIS_PID_FILE.
start_redis() {
  local dir=$1 port=$2; shift 2
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --unixsocket "$dir/redis.sock" --unixsocketperm 700 "$@"
  REDIS_PID_FILE="$dir/redis.pid"
  wait_for redis-cli -h 127.0.0.1 -p "$port" ping || { echo "redis-server did not start" >&2; cat "$dir/redis.log" >&2; return 1; }
}

# stop_pidfile FILE : stops the process whose pid is in FILE, waiting for it to exit.
stop_pidfile() {
  local file=$1
  [ -f "$file" ] || return 0
  local pid; pid=$(cat "$file" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# apt_install_lists DIR... : installs the Debian packages named in DIR/*.txt (one per line, `#` comments).
# scripts/apt/build/ holds what building the worker needs (C libraries of the shims), used by run
# and test; scripts/apt/test/ holds what only the tests need. One file per area keeps changes apart.
apt_install_lists() {
  local pkgs=()
  local dir file
  for dir in "$@"; do
    for file in "$dir"/*.txt; do
      [ -f "$file" ] || continue
      while read -r line; do
        line=${line%%#*}
        for word in $line; do pkgs+=("$word"); done
      done <"$file"
    done
  done
  [ ${#pkgs[@]} -eq 0 ] || apt_install "${pkgs[@]}"
}

# Test servers: each scripts/test-servers/NAME.sh defines `start_test_NAME DIR` (starts its server
# under DIR, exports the variables the tests read) and `stop_test_NAME DIR`. NAME is the file name.
# start_test_servers WORK : sources and starts each of them, DIR being WORK/NAME.
start_test_servers() {
  local work=$1 file name
  for file in scripts/test-servers/*.sh; do
    [ -f "$file" ] || continue
    name=$(basename "$file" .sh)
    . "$file"
    echo "==> test server: $name"
    "start_test_$name" "$work/$name"
  done
}

# stop_test_servers WORK : stops what start_test_servers started (ignores failures).
stop_test_servers() {
  local work=$1 file name
  for file in scripts/test-servers/*.sh; do
    [ -f "$file" ] || continue
    name=$(basename "$file" .sh)
    declare -F "stop_test_$name" >/dev/null && "stop_test_$name" "$work/$name" || true
  done
}
