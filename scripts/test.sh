#!/usr/bin/env bash
# Runs every test: installs what is missing, starts a private redis-server on a free loopback
# port (no persistence), builds with warnings as errors, runs `swift test`, stops the servers
# whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install redis-server redis-tools python3 openssl
# The dashboard test drives real headless Chromium.
apt_install chromium chromium-driver
# C libraries the worker builds against, and what the tests alone need (one list per area).
apt_install_lists scripts/apt/build scripts/apt/test

WORK=$(mktemp -d "${TMPDIR:-/tmp}/blueprint-test.XXXXXX")
cleanup() {
  stop_pidfile "$WORK/redis/redis.pid"
  stop_pidfile "$WORK/smtp/smtp.pid"
  stop_test_servers "$WORK"
  [ -n "${KEEP_TEST_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

REDIS_PORT=$(free_port)
start_redis "$WORK/redis" "$REDIS_PORT"
echo "==> redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT"

export REDIS_HOST=127.0.0.1 REDIS_PORT REDIS_SOCKET="$WORK/redis/redis.sock"
export REDIS_PID_FILE="$WORK/redis/redis.pid" REDIS_DIR="$WORK/redis"
export BLUEPRINT_TEST_WORK="$WORK"
# Every integration suite must run: a missing server fails, never skips (Tests/TestSupport).
export BLUEPRINT_TEST_REQUIRE_SERVERS=1

# A real SMTP server (aiosmtpd: STARTTLS, AUTH) for the mail tests.
. scripts/smtp-test-server.sh
start_test_smtp "$WORK/smtp"
# The other servers (clamd, S3, DNS...): scripts/test-servers/*.sh, each started once per run.
start_test_servers "$WORK"

# Tesseract runs one engine per core itself: no OpenMP threads inside each (they would spin on
# the 2 cores of CI and starve everything else).
export OMP_THREAD_LIMIT=1

echo "==> swift build (tests included)"
swift build --build-tests
# Two runs, so the CPU-heavy suites (OCR, libvips, file jobs, 30 MB S3 uploads) do not starve the
# many suites that wait on sockets and deadlines: first everything else, then those.
HEAVY='^(OCRTests|ImagingTests|FilesTests|StorageTests)\.|^VerificationTests\.Documents|^TracingTests\.CPUWorkSpanTests'
echo "==> swift test (all but the CPU-heavy suites)"
swift test --skip-build --parallel --num-workers 2 --skip "$HEAVY" "$@"
echo "==> swift test (the engine and server suites again, on the Redis Cluster of scripts/test-servers/redis-cluster.sh)"
BLUEPRINT_TEST_REDIS=cluster swift test --skip-build --filter '^(JobEngineTests|WorkerServerTests)\.' "$@"
echo "==> swift test (CPU-heavy suites: OCR, images, file jobs, storage)"
swift test --skip-build --filter "$HEAVY" "$@"

echo "==> process-level tests (pytest: real blueprint processes, private redis-servers)"
VENV=.venv-test
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check redis pytest pyyaml pillow selenium cryptography opentelemetry-proto
BLUEPRINT_BIN="$(swift build --show-bin-path)/blueprint" "$VENV/bin/python" -m pytest -q -s tests/system
