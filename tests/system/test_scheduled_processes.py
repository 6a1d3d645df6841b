"""Scheduled (run_at / delay_ms) and periodic jobs with real `blueprint serve` processes."""
import json
import os
import subprocess
import time
import urllib.request

from conftest import BIN, free_port, outcomes, wait_for

QUEUE = "email_queue"
FAST = {"BLUEPRINT_SCHEDULER_MS": "50", "BLUEPRINT_RECLAIM_MS": "200"}
TOKEN = "periodic-test-token-0123456789"


def result_ms(r, job_id):
    """Redis time (ms, from the results entry ID) at which job_id's outcome was written."""
    for entry_id, fields in r.xrange("{%s}:results" % QUEUE):
        if fields["job_id"] == job_id:
            return int(entry_id.split("-")[0])
    return None


def test_run_at_delay_ms_and_cli_delay_wait_for_their_due_time(private_redis, workers, tmp_path):
    r = private_redis.client()
    w = workers(private_redis.url(), "sched", extra_env=FAST, log_dir=str(tmp_path))
    now = int(r.time()[0] * 1000 + r.time()[1] // 1000)
    due = now + 3000
    at_id = r.xadd(QUEUE, {"job_data": json.dumps({"type": "canary"}), "run_at": str(due)})
    delay_id = r.xadd(QUEUE, {"job_data": json.dumps({"type": "canary"}), "delay_ms": "2000", "enqueued_at": str(now)})
    bad_id = r.xadd(QUEUE, {"job_data": json.dumps({"type": "canary"}), "run_at": "next tuesday"})
    env = dict(os.environ, REDIS_URL=private_redis.url())
    out = subprocess.run([BIN, "enqueue", QUEUE, "canary", "--delay", "2s"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    cli_id = out.stdout.strip()
    wait_for("scheduled jobs waiting", lambda: r.zcard("{%s}:delayed" % QUEUE) == 3, timeout=30)
    assert r.xlen(QUEUE) == 0
    wait_for("four outcomes", lambda: len(outcomes(r, QUEUE)) == 4, timeout=30)
    results = outcomes(r, QUEUE)
    assert results[bad_id][0]["status"] == "dead" and "run_at must be a whole number" in results[bad_id][0]["error"]
    for job_id in (at_id, delay_id, cli_id):
        assert [o["status"] for o in results[job_id]] == ["succeeded"]
    assert result_ms(r, at_id) >= due
    assert result_ms(r, delay_id) >= now + 2000
    assert result_ms(r, cli_id) >= now + 2000
    assert w.terminate() == 0


def test_two_workers_enqueue_each_periodic_tick_once(private_redis, workers, tmp_path):
    """Two `serve` processes with the same `* * * * *` entry: each minute's tick runs once (takes up to 2 min)."""
    r = private_redis.client()
    periodic = json.dumps([{"name": "every_minute", "cron": "* * * * *", "time_zone": "UTC", "queue": QUEUE,
                            "job": {"type": "canary"}, "missed": "catch_up", "catch_up_max": 2}])
    port = free_port()
    env = {**FAST, "BLUEPRINT_PERIODIC": periodic, "BLUEPRINT_ADMIN_TOKEN": TOKEN}
    a = workers(private_redis.url(), "pa", extra_env={**env, "BLUEPRINT_HTTP_PORT": str(port)}, log_dir=str(tmp_path))
    b = workers(private_redis.url(), "pb", extra_env=env, log_dir=str(tmp_path))

    def ticks():
        return sorted(j for j in outcomes(r, QUEUE) if j.startswith("periodic:every_minute:"))

    wait_for("two ticks", lambda: len(ticks()) >= 2, timeout=150, interval=0.5)
    results = outcomes(r, QUEUE)
    seen = ticks()
    assert all(len(results[j]) == 1 and results[j][0]["status"] == "succeeded" for j in seen)
    minutes = [int(j.rsplit(":", 1)[1]) for j in seen]
    assert all(m % 60000 == 0 for m in minutes)
    assert all(later - earlier == 60000 for earlier, later in zip(minutes, minutes[1:]))
    assert int(r.get("{%s}:periodic:every_minute:last" % QUEUE)) == minutes[-1]

    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/periodic", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.load(response)
    entry = body["periodic"][0]
    assert entry["name"] == "every_minute" and entry["cron"] == "* * * * *" and entry["time_zone"] == "UTC"
    assert entry["missed"] == "catch_up" and entry["catch_up_max"] == 2
    assert entry["next_run"] > minutes[-1] and entry["next_run"] % 60000 == 0
    assert entry["last_tick"] >= minutes[-1]
    assert QUEUE in body["delayed"]
    assert a.terminate() == 0 and b.terminate() == 0
