#!/usr/bin/env bash
# Runs the worker on its embedded default: a local redis-server under ./var (no persistence
# needed for a first look), then `blueprint serve` in the foreground. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install redis-server redis-tools python3
# C libraries the worker builds against (libvips, tesseract...).
apt_install_lists scripts/apt/build

# BLUEPRINT_BUILD=release builds with optimisations (slower first build; what production runs);
# the default is a debug build, which is quicker to build and plenty for a local worker.
# BLUEPRINT_VAR_DIR exists for the end-to-end test of this script.
VAR=${BLUEPRINT_VAR_DIR:-$PWD/var}
export BLUEPRINT_VAR_DIR="$VAR"
mkdir -p "$VAR"
PORT=${BLUEPRINT_REDIS_PORT:-6379}
if redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && [ ! -f "$VAR/redis/redis.pid" ]; then
  PORT=$(free_port)
fi
if ! [ -f "$VAR/redis/redis.pid" ] || ! kill -0 "$(cat "$VAR/redis/redis.pid")" 2>/dev/null; then
  start_redis "$VAR/redis" "$PORT" --save 60 1 --dbfilename dump.rdb
fi
trap 'stop_pidfile "$VAR/redis/redis.pid"; stop_pidfile "$VAR/clamd/clamd.pid"' EXIT INT TERM
echo "==> redis-server ready on 127.0.0.1:$PORT (files in var/redis)"

BUILD=${BLUEPRINT_BUILD:-debug}
case "$BUILD" in
  debug) echo "==> building blueprint (debug; first build: about 5-8 minutes on 2 cores, later starts take seconds)" ;;
  release) echo "==> building blueprint (release; first build: about 12-15 minutes on 2 cores, later starts take seconds)" ;;
  *) echo "BLUEPRINT_BUILD must be debug or release, not '$BUILD'" >&2; exit 2 ;;
esac
swift build -c "$BUILD" --product blueprint
BIN=$(swift build -c "$BUILD" --show-bin-path)/blueprint

export REDIS_URL="redis://127.0.0.1:$PORT/0"
# Tesseract (OCR) runs one engine per core itself; OpenMP threads inside each engine would
# oversubscribe the cores (read by libgomp when the process starts).
export OMP_THREAD_LIMIT=${OMP_THREAD_LIMIT:-1}
export BLUEPRINT_DIAGNOSTICS=${BLUEPRINT_DIAGNOSTICS:-1}

# The embedded default: mail and SMS go to outboxes, files to local storage, all under ./var.
mkdir -p "$VAR/outbox/mail" "$VAR/outbox/sms" "$VAR/storage"
export SMTP_URL=${SMTP_URL:-outbox://$VAR/outbox/mail}
export SMS_PROVIDER=${SMS_PROVIDER:-outbox}
export STORAGE_URL=${STORAGE_URL:-file://$VAR/storage}

# Virus scanning for the file jobs (nothing is stored unscanned): a local clamd under var/clamd.
# It uses the system's signatures when freshclam has fetched them (/var/lib/clamav); otherwise
# (no download here) it knows only the EICAR test signature: enough to try the file jobs, no protection.
if [ -z "${CLAMD_ADDRESS:-}" ]; then
  apt_install clamav-daemon clamav
  . scripts/test-servers/clamd.sh
  if ls /var/lib/clamav/*.cvd /var/lib/clamav/*.cld >/dev/null 2>&1; then
    export CLAMD_DATABASE_DIR=/var/lib/clamav
  else
    echo "==> no ClamAV signatures on this machine (freshclam): the local clamd knows only the EICAR test signature"
  fi
  start_test_clamd "$VAR/clamd"
  export CLAMD_ADDRESS=$CLAMD_TEST_ADDRESS
fi

# HTTP: health, metrics, admin API and dashboard. The admin token is made once and kept in var/.
HTTP_PORT=${BLUEPRINT_HTTP_PORT:-8080}
if ! python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', $HTTP_PORT))" 2>/dev/null; then
  HTTP_PORT=$(free_port)
fi
export BLUEPRINT_HTTP_PORT=$HTTP_PORT
if [ -z "${BLUEPRINT_ADMIN_TOKEN:-}" ]; then
  [ -s "$VAR/admin-token" ] || (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(24))' > "$VAR/admin-token")
  export BLUEPRINT_ADMIN_TOKEN_FILE="$VAR/admin-token"
  TOKEN=$(cat "$VAR/admin-token")
else
  TOKEN=$BLUEPRINT_ADMIN_TOKEN
fi

echo "==> worker starting (Ctrl-C stops it and the local redis-server)"
echo "    dashboard:  http://127.0.0.1:$HTTP_PORT/#token=$TOKEN"
echo "    metrics:    http://127.0.0.1:$HTTP_PORT/metrics"
echo "    outboxes:   var/outbox/mail, var/outbox/sms; storage: var/storage; clamd: $CLAMD_ADDRESS"
echo "==> enqueue a first job from another shell:"
echo "    REDIS_URL=$REDIS_URL $BIN enqueue email_queue canary sleep_ms=10"
echo "    redis-cli -p $PORT XADD email_queue '*' job_data '{\"type\":\"send_email\",\"to\":\"user@example.com\",\"template\":\"welcome\"}'"
echo "    (the mail lands in var/outbox/mail; outcomes: redis-cli -p $PORT XRANGE '{email_queue}:results' - +)"
"$BIN" serve
