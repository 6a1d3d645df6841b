# A real clamd for the file-intake tests, on loopback TCP and a unix socket.
# Sourced, not run (needs scripts/lib.sh). There is no signature download here: the script writes
# its own database (an EICAR signature), so clamd starts in about a second.
# `start_test_clamd DIR` exports:
#   CLAMD_TEST_ADDRESS=tcp://127.0.0.1:PORT  CLAMD_TEST_SOCKET=DIR/clamd.sock
#   CLAMD_TEST_PID_FILE=DIR/clamd.pid  CLAMD_TEST_STREAM_MAX=31457280 (StreamMaxLength in bytes)
#   CLAMD_TEST_DATABASE=DIR/db (for tests that start a clamd of their own, to kill it)
# `make run` uses it too for a local clamd; CLAMD_DATABASE_DIR then names a real signature
# directory (/var/lib/clamav) to use instead of the EICAR-only one.

start_test_clamd() {
  local dir=$1
  local clamd
  clamd=$(command -v clamd || echo /usr/sbin/clamd)
  [ -x "$clamd" ] || { echo "clamd is not installed (scripts/apt/test/clamav.txt)" >&2; return 1; }
  mkdir -p "$dir/db"
  # The EICAR test string, as an extended (.ndb) signature: name:target type (0 = any file):offset (* = anywhere):hex.
  local eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
  local hex
  hex=$(printf '%s' "$eicar" | od -An -tx1 | tr -d ' \n')
  printf 'Eicar-Test-Signature:0:*:%s\n' "$hex" >"$dir/db/blueprint-test.ndb"
  local port
  port=$(free_port)
  # clamd runs as whoever starts it (root in CI): no `User` line, so it does not switch users.
  cat >"$dir/clamd.conf" <<CONF
DatabaseDirectory ${CLAMD_DATABASE_DIR:-$dir/db}
TCPSocket $port
TCPAddr 127.0.0.1
LocalSocket $dir/clamd.sock
LocalSocketMode 660
StreamMaxLength 30M
MaxFileSize 30M
MaxScanSize 60M
Foreground yes
LogFile $dir/clamd.log
LogTime yes
PidFile $dir/clamd.pidfile
CONF
  "$clamd" --config-file="$dir/clamd.conf" >"$dir/clamd.out" 2>&1 &
  echo $! >"$dir/clamd.pid"
  CLAMD_TEST_ADDRESS="tcp://127.0.0.1:$port"
  CLAMD_TEST_SOCKET="$dir/clamd.sock"
  CLAMD_TEST_PID_FILE="$dir/clamd.pid"
  CLAMD_TEST_STREAM_MAX=31457280
  CLAMD_TEST_DATABASE="$dir/db"
  export CLAMD_TEST_ADDRESS CLAMD_TEST_SOCKET CLAMD_TEST_PID_FILE CLAMD_TEST_STREAM_MAX CLAMD_TEST_DATABASE
  # Waits for PONG on the TCP port (the database is loaded by then).
  wait_for python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $port), 1)
s.sendall(b'zPING\0')
sys.exit(0 if s.recv(16).startswith(b'PONG') else 1)" ||
    { echo "clamd did not start" >&2; cat "$dir/clamd.out" "$dir/clamd.log" >&2 2>/dev/null; return 1; }
  echo "==> clamd $("$clamd" --version | awk '{print $2}' | cut -d/ -f1) on $CLAMD_TEST_ADDRESS and $CLAMD_TEST_SOCKET"
}

stop_test_clamd() {
  stop_pidfile "$1/clamd.pid"
}
