"""Operations surface of real `blueprint serve` processes: probes, metrics, admin API, CLI, settings."""
import json
import os
import signal

from conftest import BIN, enqueue_canaries, free_port, wait_for
from opsutil import TOKEN, api, cli, http, start_worker

QUEUE = "email_queue"


def test_readyz_follows_redis_down_and_back(persistent_redis, workers, tmp_path):
    worker, port = start_worker(workers, persistent_redis.url(), "ready-1", log_dir=str(tmp_path))
    wait_for("readyz 200", lambda: http(port, "/readyz")[0] == 200, timeout=30)
    assert http(port, "/healthz") == (200, '{"status":"ok"}')

    persistent_redis.stop()
    wait_for("readyz 503 while redis is down", lambda: http(port, "/readyz")[0] == 503, timeout=30)
    status, body = http(port, "/readyz")
    assert status == 503 and "redis" in json.loads(body)["problems"][0]
    assert http(port, "/healthz")[0] == 200, "the process is alive even when Redis is not"
    # /metrics still answers and says Redis could not be read.
    status, text = http(port, "/metrics")
    assert status == 200 and "blueprint_redis_up 0" in text

    persistent_redis.start()
    wait_for("readyz 200 once redis is back", lambda: http(port, "/readyz")[0] == 200, timeout=60)
    assert worker.alive()


def test_admin_api_auth_and_queue_operations(private_redis, workers, tmp_path):
    r = private_redis.client()
    worker, port = start_worker(workers, private_redis.url(), "admin-1", log_dir=str(tmp_path))
    wait_for("readyz", lambda: http(port, "/readyz")[0] == 200, timeout=30)

    assert http(port, "/api/queues")[0] == 401
    assert http(port, "/api/queues", token="wrong-token-0123456789abcdef")[0] == 401
    queues = api(port, "/api/queues")["queues"]
    assert [q["queue"] for q in queues][:4] == ["email_queue", "sms_queue", "file_processing_queue", "verification_queue"]

    # Jobs run; counters and histograms show them with bounded labels.
    enqueue_canaries(r, QUEUE, 20)
    enqueue_canaries(r, QUEUE, 3, fail_permanently=True)
    r.xadd(QUEUE, {"job_data": json.dumps({"type": "user@example.com"})})
    wait_for("24 outcomes", lambda: r.xlen("{%s}:results" % QUEUE) >= 24, timeout=60)
    status, metrics = http(port, "/metrics")
    assert status == 200
    assert 'blueprint_jobs_succeeded_total{queue="email_queue",type="canary"} 20' in metrics
    assert 'blueprint_jobs_dead_total{queue="email_queue",type="canary"} 3' in metrics
    assert 'blueprint_jobs_dead_total{queue="email_queue",type="unknown"} 1' in metrics
    assert 'blueprint_job_duration_seconds_bucket{queue="email_queue",type="canary",le="+Inf"} 23' in metrics
    assert 'blueprint_queue_dead{queue="email_queue"} 4' in metrics
    assert "example.com" not in metrics

    # Dead letters: paged list, replay one, purge the rest.
    page = api(port, f"/api/queues/{QUEUE}/dead?count=2")
    assert len(page["dead"]) == 2 and page["next_after"] == page["dead"][1]["id"]
    rest = api(port, f"/api/queues/{QUEUE}/dead?count=10&after={page['next_after']}")
    assert len(rest["dead"]) == 2
    assert api(port, f"/api/queues/{QUEUE}/dead/replay", "POST", {"ids": [page["dead"][0]["id"]]})["replayed"] == 1
    wait_for("the replayed job dies again", lambda: r.xlen("{%s}:dead" % QUEUE) == 4, timeout=30)
    assert api(port, f"/api/queues/{QUEUE}/dead/purge", "POST", {"all": True})["purged"] == 4

    # Pause: jobs wait; resume: they run.
    api(port, f"/api/queues/{QUEUE}/pause", "POST")
    assert r.exists("{%s}:paused" % QUEUE)
    paused = next(q for q in api(port, "/api/queues")["queues"] if q["queue"] == QUEUE)
    assert paused["paused"] is True
    before = r.xlen("{%s}:results" % QUEUE)
    # The consumer checks the pause key (EXISTS) about every second; once it has checked since the key
    # was set (nothing else calls EXISTS now), it reads no more, and a job enqueued after that waits.
    checks = _exists_calls(r)
    wait_for("consumer noticed the pause", lambda: _exists_calls(r) >= checks + 2, timeout=30)
    enqueue_canaries(r, QUEUE, 1)
    assert r.xlen("{%s}:results" % QUEUE) == before
    stats = next(q for q in api(port, "/api/queues")["queues"] if q["queue"] == QUEUE)
    assert stats["waiting"] == 1 and stats["oldest_waiting_age_seconds"] is not None
    api(port, f"/api/queues/{QUEUE}/resume", "POST")
    wait_for("job runs after resume", lambda: r.xlen("{%s}:results" % QUEUE) == before + 1, timeout=30)

    workers_list = api(port, "/api/workers")["workers"]
    assert any(w["id"] == "admin-1" and w["queues"] == [QUEUE] for w in workers_list)
    assert http(port, "/api/queues/nope_queue/pause", "POST", token=TOKEN)[0] == 404


def _exists_calls(r):
    return r.info("commandstats").get("cmdstat_exists", {}).get("calls", 0)


def test_admin_api_refuses_everything_without_a_token(private_redis, workers, tmp_path):
    _, port = start_worker(workers, private_redis.url(), "notoken-1", extra_env={"BLUEPRINT_ADMIN_TOKEN": ""},
                           log_dir=str(tmp_path))
    status, body = http(port, "/api/queues", token="")
    assert status == 403 and "BLUEPRINT_ADMIN_TOKEN" in body


def test_cli_queues_pending_pause_resume_workers(private_redis, workers, tmp_path):
    r = private_redis.client()
    env = {"REDIS_URL": private_redis.url()}
    enqueue_canaries(r, "sms_queue", 3)
    r.xgroup_create("sms_queue", "sms_workers", id="0", mkstream=True)
    r.xreadgroup("sms_workers", "cli-consumer", {"sms_queue": ">"}, count=1)

    out = cli("queues", env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["QUEUE", "STATE", "WAITING", "PENDING", "DELAYED", "DEAD", "LAG", "OLDEST", "CONSUMERS"]
    sms = next(line.split() for line in lines if line.startswith("sms_queue"))
    assert sms[1:7] == ["running", "2", "1", "0", "0", "2"]

    as_json = json.loads(cli("queues", "--json", env=env).stdout)
    assert next(q for q in as_json["queues"] if q["queue"] == "sms_queue")["pending"] == 1

    pending = cli("pending", "sms_queue", env=env)
    assert pending.returncode == 0 and "cli-consumer" in pending.stdout

    assert cli("pause", "sms_queue", env=env).stdout.strip() == "paused sms_queue"
    assert r.exists("{sms_queue}:paused")
    assert cli("resume", "sms_queue", env=env).stdout.strip() == "resumed sms_queue"
    assert not r.exists("{sms_queue}:paused")

    unknown = cli("pause", "nope_queue", env=env)
    assert unknown.returncode == 64 and "unknown queue 'nope_queue'" in unknown.stderr
    assert cli("pending", "sms_queue", "--count", "0", env=env).returncode == 64

    _, port = start_worker(workers, private_redis.url(), "cli-w1", log_dir=str(tmp_path))
    wait_for("worker listed", lambda: "cli-w1" in cli("workers", env=env).stdout, timeout=30)

    down = cli("queues", env={"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    assert down.returncode == 1 and down.stderr.startswith("error:")

    help_text = cli("--help").stdout
    for word in ["queues", "pending", "pause", "resume", "dead", "Exit codes", "BLUEPRINT_CONFIG"]:
        assert word in help_text


def test_bad_settings_each_give_one_clear_line(tmp_path):
    secret = "sup3r-s3cret"  # too short: refused, and never echoed
    out = cli("serve", env={"REDIS_URL": "http://x", "BLUEPRINT_HTTP_PORT": "99999", "BLUEPRINT_ADMIN_TOKEN": secret,
                            "BLUEPRINT_CONCURRENCY": "lots"})
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 4, lines
    assert all(line.startswith("invalid setting: ") for line in lines)
    for name in ["REDIS_URL", "BLUEPRINT_HTTP_PORT", "BLUEPRINT_ADMIN_TOKEN", "BLUEPRINT_CONCURRENCY"]:
        assert sum(name in line for line in lines) >= 1, name
    assert secret not in out.stderr

    config = tmp_path / "blueprint.json"
    config.write_text('{"REDIS_URL": "redis://127.0.0.1:1/0", "BLUEPRINT_HTTP_PORT": "eighty", "BLUEPRINT_QUEUES": ["a"]}')
    out = cli("queues", env={"BLUEPRINT_CONFIG": str(config)})
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        f"invalid setting: BLUEPRINT_QUEUES in {config} must be a string, number or boolean",
        "invalid setting: BLUEPRINT_HTTP_PORT must be an integer in 0...65535",
    ]

    config.write_text('{"REDIS_URL": "redis://127.0.0.1:1/0", "BLUEPRINT_HTTP_PORT": "eighty"}')
    out = cli("serve", env={"BLUEPRINT_CONFIG": str(config)})
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == ["invalid setting: BLUEPRINT_HTTP_PORT must be an integer in 0...65535"]

    config.write_text('{"REDIS_URL": ')
    out = cli("serve", env={"BLUEPRINT_CONFIG": str(config)})
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert "is not valid JSON" in out.stderr

    out = cli("serve", env={"BLUEPRINT_CONFIG": str(tmp_path / "missing.json")})
    assert out.returncode == 2 and "does not exist" in out.stderr


def test_settings_file_is_used_and_the_environment_wins(private_redis, workers, tmp_path):
    port = free_port()
    config = tmp_path / "blueprint.json"
    config.write_text(json.dumps({"REDIS_URL": "redis://127.0.0.1:1/0", "BLUEPRINT_HTTP_PORT": port,
                                  "BLUEPRINT_ADMIN_TOKEN": TOKEN, "BLUEPRINT_QUEUES": "sms_queue"}))
    # REDIS_URL from the environment wins over the file's unreachable one; the rest comes from the file.
    worker = workers(private_redis.url(), "file-1", queues="", extra_env={"BLUEPRINT_CONFIG": str(config), "BLUEPRINT_HTTP_PORT": ""},
                     log_dir=str(tmp_path))
    wait_for("readyz from the file's port", lambda: http(port, "/readyz")[0] == 200 or not worker.alive(), timeout=60)
    assert worker.alive()
    wait_for("heartbeat with the file's queues", lambda: any(
        w["id"] == "file-1" and w["queues"] == ["sms_queue"] for w in api(port, "/api/workers")["workers"]), timeout=30)
    assert worker.terminate() == 0


def test_a_busy_http_port_stops_the_worker_with_a_clear_error(private_redis, tmp_path):
    import socket
    import subprocess
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    try:
        out = cli("serve", env={"REDIS_URL": private_redis.url(), "BLUEPRINT_HTTP_PORT": str(port),
                                "BLUEPRINT_QUEUES": "email_queue", "BLUEPRINT_BLOCK_MS": "200"}, timeout=60)
    finally:
        blocker.close()
    assert out.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port} (BLUEPRINT_HTTP_HOST / BLUEPRINT_HTTP_PORT)" in out.stderr + out.stdout
