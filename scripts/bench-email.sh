#!/usr/bin/env bash
# Mails per second to a local aiosmtpd (STARTTLS + AUTH) with connection reuse and pipelining vs one
# connection per mail, in one run (Benchmarks/bench-email). BENCH_MAILS (400), BENCH_CONCURRENCY (8)
# and BENCH_CONNECTIONS (4) tune it. Then the batch column: BENCH_NOTIFICATIONS (1,000) templated
# `send_email` jobs through the real engine and a private redis-server, template batches on vs off
# (before it, template rendering alone: per message vs once per locale, BENCH_RENDERS=10,000).
# The server is a single-threaded Python process, so the figures measure the client's protocol cost
# against a real server, not a production relay's capacity.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/smtp-test-server.sh

apt_install python3 openssl redis-server redis-tools
apt_install_lists scripts/apt/build

WORK=$(mktemp -d "${TMPDIR:-/tmp}/blueprint-bench-email.XXXXXX")
cleanup() {
  stop_pidfile "$WORK/smtp/smtp.pid"
  stop_pidfile "$WORK/redis/redis.pid"
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "==> swift build -c release --product bench-email"
swift build -c release --product bench-email >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
start_test_smtp "$WORK/smtp"
BENCH_REDIS_PORT=$(free_port)
start_redis "$WORK/redis" "$BENCH_REDIS_PORT"
export BENCH_REDIS_PORT
"$(swift build -c release --show-bin-path)/bench-email"
echo "==> messages received by the server: $(ls "$SMTP_TEST_MAILDIR" | grep -c '\.eml$')"
