"""Policies (issue 4) in real `blueprint serve` processes against private redis-servers:
per-user limits across two workers, Python-produced encrypted jobs, tamper cases, and the
planted secrets / PII that no log line may contain (checked for every worker log of the session
by conftest's `no_planted_secrets_in_any_log`)."""
import base64
import json
import os
import subprocess
import sys
import time

from conftest import PLANTED, outcomes, wait_for

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
EXAMPLE = os.path.join(ROOT, "examples", "python_producer.py")
VECTORS = os.path.join(ROOT, "docs", "encryption-vectors.json")
QUEUE = "email_queue"
FAST = {"BLUEPRINT_SCHEDULER_MS": "50", "BLUEPRINT_CONCURRENCY": "32"}

sys.path.insert(0, os.path.join(ROOT, "examples"))
import python_producer  # noqa: E402


def consumers(r, queue, group):
    try:
        return len(r.xinfo_consumers(queue, group))
    except Exception:
        return 0


def test_two_workers_admit_exactly_the_limit_of_one_user(private_redis, workers, tmp_path):
    """200 jobs of one user in a burst across two worker processes: exactly 10 run, 190 are rejected."""
    r = private_redis.client()
    env = {**FAST, "BLUEPRINT_USER_LIMITS": "canary=10/1h"}
    for name in ("limit-a", "limit-b"):
        workers(private_redis.url(), name, extra_env=env, log_dir=str(tmp_path))
    wait_for("both workers reading", lambda: consumers(r, QUEUE, "email_workers") == 2, timeout=30)
    job = json.dumps({"type": "canary", "record": "limited-runs"})
    p = r.pipeline(transaction=False)
    for _ in range(200):
        p.xadd(QUEUE, {"job_data": job, "user_id": "user-7"})
    other = p.execute()[:0]
    other = r.xadd(QUEUE, {"job_data": job, "user_id": "user-8"})  # another user has their own quota
    wait_for("201 outcomes", lambda: r.xlen("{%s}:results" % QUEUE) >= 201, timeout=120)
    by_job = outcomes(r, QUEUE)
    statuses = [o[0]["status"] for o in by_job.values()]
    assert all(len(o) == 1 for o in by_job.values())
    assert statuses.count("succeeded") == 11, statuses.count("succeeded")
    assert statuses.count("rejected") == 190
    assert by_job[other][0]["status"] == "succeeded"
    for o in by_job.values():
        if o[0]["status"] == "rejected":
            assert o[0]["error"].startswith("rate_limited: limit of 10 canary per 1h reached for this user")
            assert "frees up at 20" in o[0]["error"]
    assert len(r.hgetall("limited-runs")) == 11, "rejected jobs never ran"
    assert r.xlen("{%s}:dead" % QUEUE) == 0, "a rejection is not a dead letter"
    assert r.zcard("{%s}:delayed" % QUEUE) == 0, "a rejection is not retried"
    # The documented key layout: one log entry per admitted job.
    assert r.zcard("bp:limit:{canary:user:user-7}:log") == 10
    assert r.get("bp:limit:{canary:user:user-7}:used") == "10"


def test_python_produced_encrypted_jobs_run_and_tampered_ones_are_dead(private_redis, workers, tmp_path):
    r = private_redis.client()
    new_key, old_key = os.urandom(32), os.urandom(32)
    ring_text = f"k-new:{base64.b64encode(new_key).decode()},k-old:{base64.b64encode(old_key).decode()}"
    PLANTED.append(base64.b64encode(new_key).decode())
    ring = python_producer.parse_key_ring(ring_text)
    # Vectors match in Python (the Swift tests check the same file).
    check = subprocess.run([sys.executable, EXAMPLE, "--check-vectors", VECTORS], capture_output=True, text=True)
    assert check.returncode == 0 and "vectors match" in check.stdout, check.stderr
    # The example program enqueues 5 jobs with the old key (rotation: still decrypts) and 5 with the new one.
    produced = []
    for keys in (f"k-old:{base64.b64encode(old_key).decode()}", ring_text):
        run = subprocess.run([sys.executable, EXAMPLE, "--redis-url", private_redis.url(), "--queue", QUEUE,
                              "--type", "canary", "--args", json.dumps({"record": "enc-runs"}), "--count", "5",
                              "--keys", keys, "--user-id", "u1"], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        produced += run.stdout.split()
    assert len(produced) == 10
    secret_payload = json.dumps({"type": "canary", "note": "plaintext-must-not-leak-77"}).encode()
    good = python_producer.encrypt(secret_payload, QUEUE, "k-new", new_key)
    raw = bytearray(base64.b64decode(good.split(":", 3)[3]))
    raw[20] ^= 0x01
    tampered = "enc:v1:k-new:" + base64.b64encode(bytes(raw)).decode()
    unknown = python_producer.encrypt(secret_payload, QUEUE, "k-gone", os.urandom(32))
    other_queue = python_producer.encrypt(secret_payload, "sms_queue", "k-new", new_key)
    bad = {r.xadd(QUEUE, {"job_data": v}): why for v, why in
           [(tampered, "failed authentication"), (unknown, "unknown key id 'k-gone'"), (other_queue, "another queue")]}

    worker = workers(private_redis.url(), "enc-worker", extra_env={**FAST, "BLUEPRINT_ENCRYPTION_KEYS": ring_text},
                     log_dir=str(tmp_path))
    wait_for("10 outcomes and 3 dead letters",
             lambda: r.xlen("{%s}:results" % QUEUE) >= 13 and r.xlen("{%s}:dead" % QUEUE) >= 3, timeout=60)
    assert worker.alive(), "bad ciphertext never crashes a worker"
    by_job = outcomes(r, QUEUE)
    for job_id in produced:
        result = by_job[job_id][0]
        assert result["status"] == "succeeded"
        assert result["result"].startswith("enc:v1:k-new:"), "results of encrypted jobs are encrypted"
        assert python_producer.decrypt(result["result"], QUEUE, ring) == b"null"
    assert len(r.hgetall("enc-runs")) == 10
    dead = {fields.get("job_id", entry_id): fields for entry_id, fields in r.xrange("{%s}:dead" % QUEUE)}
    assert len(dead) == 3
    for fields in dead.values():
        assert "plaintext-must-not-leak-77" not in json.dumps(fields)
        assert fields["job_data"].startswith("enc:v1:"), "ciphertext is kept, never decrypted into Redis"
    errors = " | ".join(f["error"] for f in dead.values())
    for why in bad.values():
        assert why in errors, errors


def test_planted_secrets_and_pii_stay_out_of_logs(private_redis, workers, tmp_path):
    """A worker at info level with a secret from a *_FILE and jobs carrying emails and phone numbers.
    The session-wide log scan (conftest) fails the run if any planted value shows up."""
    r = private_redis.client()
    token_file = tmp_path / "admin-token"
    token_file.write_text("planted-admin-token-5f1c2d\n")
    PLANTED.extend(["planted-admin-token-5f1c2d", "kim.minsu@example.com", "010-2345-6789", "01098765432"])
    worker = workers(private_redis.url(), "pii-worker", log_dir=str(tmp_path), extra_env={
        **FAST, "BLUEPRINT_LOG_LEVEL": "info", "BLUEPRINT_ADMIN_TOKEN_FILE": str(token_file),
    })
    # Dead letters log their error, which names the job type: plant PII there.
    for job_type in ("kim.minsu@example.com", "call 010-2345-6789", "01098765432"):
        r.xadd(QUEUE, {"job_data": json.dumps({"type": job_type, "to": "kim.minsu@example.com"})})
    r.xadd(QUEUE, {"job_data": json.dumps({"type": "canary", "to": "kim.minsu@example.com", "phone": "010-2345-6789"}),
                   "user_id": "kim.minsu@example.com"})
    wait_for("3 dead letters and 1 result",
             lambda: r.xlen("{%s}:dead" % QUEUE) >= 3 and r.xlen("{%s}:results" % QUEUE) >= 4, timeout=60)
    worker.terminate()
    log = open(worker.log_path, encoding="utf-8", errors="replace").read()
    assert "k***@example.com" in log, "the PII was logged, masked"
    assert "010-****-6789" in log and "010****5432" in log
    for value in PLANTED:
        assert value not in log


class FakeVault:
    """A fake HashiCorp Vault in this test process: KV v2 reads (`GET /v1/<mount>/data/<path>` with
    `X-Vault-Token`), answering 403 `{"errors":["permission denied"]}` to other tokens, as Vault does."""

    def __init__(self, token, secrets):
        import http.server
        import threading
        vault = self
        self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                vault.requests.append(self.path)
                if self.headers.get("X-Vault-Token") != token:
                    return self.reply(403, {"errors": ["permission denied"]})
                path = self.path[len("/v1/"):].replace("/data/", "/", 1)
                if path not in secrets:
                    return self.reply(404, {"errors": []})
                self.reply(200, {"data": {"data": secrets[path], "metadata": {"version": 3}}})

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def test_worker_reads_its_encryption_keys_from_vault(private_redis, workers, tmp_path):
    """`blueprint serve` with VAULT_ADDR/VAULT_TOKEN/BLUEPRINT_VAULT_PATH: the key ring comes from Vault
    KV v2, encrypted jobs run, and neither the Vault token nor the key shows in the log."""
    r = private_redis.client()
    key = os.urandom(32)
    ring_text = f"vault-k1:{base64.b64encode(key).decode()}"
    token = "hvs.planted-vault-token-0c7e"
    PLANTED.extend([token, base64.b64encode(key).decode()])
    vault = FakeVault(token, {"secret/blueprint/worker": {"BLUEPRINT_ENCRYPTION_KEYS": ring_text}})
    try:
        r.xadd(QUEUE, {"job_data": python_producer.encrypt(b'{"type":"canary"}', QUEUE, "vault-k1", key)})
        worker = workers(private_redis.url(), "vault-worker", log_dir=str(tmp_path), extra_env={
            **FAST, "BLUEPRINT_LOG_LEVEL": "info", "VAULT_ADDR": vault.address, "VAULT_TOKEN": token,
            "BLUEPRINT_VAULT_PATH": "blueprint/worker",
        })
        wait_for("the encrypted job succeeded", lambda: r.xlen("{%s}:results" % QUEUE) >= 1, timeout=60)
        (result,) = outcomes(r, QUEUE).values()
        assert result[0]["status"] == "succeeded", result
        assert vault.requests == ["/v1/secret/data/blueprint/worker"]
        worker.terminate()
        # A wrong token: the worker refuses to start, with a clear line and no token in it.
        bad = workers(private_redis.url(), "vault-bad", log_dir=str(tmp_path), extra_env={
            "VAULT_ADDR": vault.address, "VAULT_TOKEN": "hvs.wrong-token-planted-91", "BLUEPRINT_VAULT_PATH": "blueprint/worker",
        })
        PLANTED.append("hvs.wrong-token-planted-91")
        assert bad.proc.wait(timeout=30) == 2
        log = open(bad.log_path, encoding="utf-8").read()
        assert "invalid setting: Vault GET secret/data/blueprint/worker returned HTTP 403: permission denied" in log
    finally:
        vault.close()


def test_bad_policy_settings_are_refused_one_line_each_without_key_material():
    key16 = base64.b64encode(b"k" * 16).decode()
    env = dict(os.environ, BLUEPRINT_ENCRYPTION_KEYS=f"k1:{key16}", BLUEPRINT_USER_LIMITS="email=10/1w",
               BLUEPRINT_BREAKER_FAILURE_RATE="150", REDIS_URL="redis://127.0.0.1:1/0")
    from conftest import BIN
    run = subprocess.run([BIN, "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert "invalid setting: BLUEPRINT_ENCRYPTION_KEYS: key 'k1' is 16 bytes; AES-256 needs exactly 32" in lines
    assert "invalid setting: BLUEPRINT_USER_LIMITS: email: the period must be like 30s, 10m, 1h or 1d (at most 366d)" in lines
    assert "invalid setting: BLUEPRINT_BREAKER_FAILURE_RATE must be an integer in 1...100" in lines
    assert key16 not in run.stderr


def test_key_ring_file_rotation_takes_effect_without_restart(private_redis, workers, tmp_path):
    """BLUEPRINT_ENCRYPTION_KEYS_FILE (a Kubernetes-mounted secret) is re-read when it changes."""
    r = private_redis.client()
    k1, k2 = os.urandom(32), os.urandom(32)
    ring1 = f"k1:{base64.b64encode(k1).decode()}"
    ring2 = f"k2:{base64.b64encode(k2).decode()},{ring1}"
    PLANTED.extend([base64.b64encode(k1).decode(), base64.b64encode(k2).decode()])
    key_file = tmp_path / "keys"
    key_file.write_text(ring1 + "\n")
    workers(private_redis.url(), "rotating", log_dir=str(tmp_path), extra_env={
        **FAST, "BLUEPRINT_LOG_LEVEL": "info", "BLUEPRINT_ENCRYPTION_KEYS_FILE": str(key_file)})
    r.xadd(QUEUE, {"job_data": python_producer.encrypt(b'{"type":"canary"}', QUEUE, "k1", k1)})
    wait_for("the k1 job succeeded", lambda: r.xlen("{%s}:results" % QUEUE) >= 1, timeout=60)
    # Rotate as Kubernetes does: a new file renamed over the old one.
    staged = tmp_path / "keys.new"
    staged.write_text(ring2 + "\n")
    os.replace(staged, key_file)
    second = r.xadd(QUEUE, {"job_data": python_producer.encrypt(b'{"type":"canary"}', QUEUE, "k2", k2)})
    wait_for("the k2 job has an outcome", lambda: r.xlen("{%s}:results" % QUEUE) >= 2, timeout=60)
    result = outcomes(r, QUEUE)[second][0]
    assert result["status"] == "succeeded", result
    assert result["result"].startswith("enc:v1:k2:"), "the new first key encrypts results"
