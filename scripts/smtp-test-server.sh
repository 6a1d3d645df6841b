# Starts a real SMTP server (aiosmtpd, STARTTLS + AUTH, plus an implicit-TLS port) on loopback for
# the tests and benchmarks, with a private CA and a certificate for localhost/127.0.0.1.
# Sourced, not run (needs scripts/lib.sh). `start_test_smtp DIR` exports:
#   SMTP_TEST_HOST SMTP_TEST_PORT SMTP_TEST_IMPLICIT_PORT SMTP_TEST_CA_FILE SMTP_TEST_USER
#   SMTP_TEST_PASSWORD SMTP_TEST_MAILDIR SMTP_TEST_PYTHON SMTP_TEST_SCRIPTS SMTP_TEST_CERT SMTP_TEST_KEY
# and writes DIR/smtp.pid (stop it with `stop_pidfile DIR/smtp.pid`).

start_test_smtp() {
  local dir=$1
  mkdir -p "$dir/mail"
  local venv=.venv-test
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null ||
    "$venv/bin/pip" install -q --disable-pip-version-check aiosmtpd
  # A private CA and a server certificate signed by it (never a committed key).
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Blueprint Test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/ext.cnf" -out "$dir/server.pem" 2>/dev/null
  SMTP_TEST_HOST=localhost
  SMTP_TEST_PORT=$(free_port)
  SMTP_TEST_IMPLICIT_PORT=$(free_port)
  SMTP_TEST_USER=mailer
  # Hex: a token that starts with '-' would read as an option.
  SMTP_TEST_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  SMTP_TEST_MAILDIR="$dir/mail"
  SMTP_TEST_CA_FILE="$dir/ca.pem"
  SMTP_TEST_CERT="$dir/server.pem"
  SMTP_TEST_KEY="$dir/server.key"
  SMTP_TEST_PYTHON="$PWD/$venv/bin/python"
  SMTP_TEST_SCRIPTS="$PWD/tests/smtp"
  export SMTP_TEST_HOST SMTP_TEST_PORT SMTP_TEST_IMPLICIT_PORT SMTP_TEST_USER SMTP_TEST_PASSWORD SMTP_TEST_MAILDIR \
    SMTP_TEST_CA_FILE SMTP_TEST_CERT SMTP_TEST_KEY SMTP_TEST_PYTHON SMTP_TEST_SCRIPTS
  "$SMTP_TEST_PYTHON" tests/smtp/smtp_server.py --port "$SMTP_TEST_PORT" --implicit-port "$SMTP_TEST_IMPLICIT_PORT" \
    --cert "$SMTP_TEST_CERT" --key "$SMTP_TEST_KEY" --maildir "$SMTP_TEST_MAILDIR" \
    --user "$SMTP_TEST_USER" --password="$SMTP_TEST_PASSWORD" >"$dir/smtp.log" 2>&1 &
  echo $! >"$dir/smtp.pid"
  wait_for python3 -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_TEST_PORT), 1).close()" ||
    { echo "SMTP test server did not start" >&2; cat "$dir/smtp.log" >&2; return 1; }
  echo "==> aiosmtpd (STARTTLS+AUTH) on 127.0.0.1:$SMTP_TEST_PORT, implicit TLS on :$SMTP_TEST_IMPLICIT_PORT"
}
