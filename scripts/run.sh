#!/usr/bin/env bash
# Runs the worker on its embedded default: a local redis-server under ./var (no persistence
# needed for a first look), then `blueprint serve` in the foreground. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install redis-server redis-tools python3

VAR=$PWD/var
mkdir -p "$VAR"
PORT=${BLUEPRINT_REDIS_PORT:-6379}
if redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && [ ! -f "$VAR/redis/redis.pid" ]; then
  PORT=$(free_port)
fi
if ! [ -f "$VAR/redis/redis.pid" ] || ! kill -0 "$(cat "$VAR/redis/redis.pid")" 2>/dev/null; then
  start_redis "$VAR/redis" "$PORT" --save 60 1 --dbfilename dump.rdb
fi
trap 'stop_pidfile "$VAR/redis/redis.pid"' EXIT INT TERM
echo "==> redis-server ready on 127.0.0.1:$PORT (files in var/redis)"

echo "==> building blueprint (first build takes a few minutes)"
swift build -c release --product blueprint
BIN=$(swift build -c release --show-bin-path)/blueprint

export REDIS_URL="redis://127.0.0.1:$PORT/0"
export BLUEPRINT_DIAGNOSTICS=${BLUEPRINT_DIAGNOSTICS:-1}
echo "==> worker starting; enqueue a first job from another shell with:"
echo "    $BIN enqueue email_queue canary sleep_ms=10   (REDIS_URL=$REDIS_URL)"
echo "    redis-cli -p $PORT XADD email_queue '*' job_data '{\"type\":\"canary\"}'"
"$BIN" serve
