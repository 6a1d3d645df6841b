"""Multi-process behaviour of `blueprint serve` against real redis-servers."""
import os
import random
import signal
import subprocess
import time

from conftest import BIN, enqueue_canaries, outcomes, wait_for

QUEUE = "email_queue"
FAST = {
    "BLUEPRINT_MIN_IDLE_MS": "1500", "BLUEPRINT_HEARTBEAT_MS": "300", "BLUEPRINT_RECLAIM_MS": "200",
    "BLUEPRINT_SCHEDULER_MS": "50", "BLUEPRINT_MAX_DELIVERIES": "50", "BLUEPRINT_CONCURRENCY": "32",
}


def test_kill9_during_10k_jobs_loses_nothing(private_redis, workers, tmp_path):
    """3 workers, random kill -9 and restarts, 10k canary jobs (sleep 20 ms): one outcome per job."""
    r = private_redis.client()
    rng = random.Random(7)
    ids = enqueue_canaries(r, QUEUE, 10_000, sleep_ms=20, record="runs")
    running = {}
    generation = 0

    def start(slot):
        nonlocal generation
        generation += 1
        # Half the restarts reuse the consumer name (own-pending re-read), half take a new one (reclaim).
        name = f"w{slot}" if rng.random() < 0.5 else f"w{slot}-g{generation}"
        running[slot] = workers(private_redis.url(), name, extra_env={**FAST, "BLUEPRINT_CONCURRENCY": "16"},
                                log_dir=str(tmp_path))

    for slot in range(3):
        start(slot)
    kills = 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and r.xlen("{%s}:results" % QUEUE) < 9_000:
        time.sleep(rng.uniform(0.15, 0.5))
        slot = rng.randrange(3)
        running[slot].kill9()
        kills += 1
        start(slot)
    wait_for("every job has an outcome", lambda: r.xlen("{%s}:results" % QUEUE) >= len(ids), timeout=300, interval=0.2)
    time.sleep(1.0)  # let any late duplicate outcome (there must be none) land before counting
    by_job = outcomes(r, QUEUE)
    assert set(by_job) == set(ids), "every job has an outcome, none invented"
    multi = {j: o for j, o in by_job.items() if len(o) != 1}
    assert not multi, f"jobs with more than one outcome: {list(multi)[:5]}"
    statuses = {}
    for o in by_job.values():
        statuses[o[0]["status"]] = statuses.get(o[0]["status"], 0) + 1
    assert statuses == {"succeeded": len(ids)}, statuses
    assert r.xlen(QUEUE) == 0
    assert r.xpending(QUEUE, "email_workers")["pending"] == 0
    runs = r.hgetall("runs")
    duplicates = sum(int(v) - 1 for v in runs.values())
    # A duplicate side effect happens when a worker is killed after the job's side effect but before its
    # acknowledgement; the job is then reclaimed and run again (at-least-once). The outcome stays single.
    print(f"\nkill -9 test: {kills} kills, {len(ids)} jobs, {duplicates} duplicate side effects "
          f"({sum(1 for v in runs.values() if int(v) > 1)} jobs ran more than once)")
    assert len(runs) == len(ids)


def test_redis_restart_mid_processing(persistent_redis, workers, tmp_path):
    """Redis stops and comes back (AOF, fsync always): the worker reconnects; nothing acknowledged is lost."""
    r = persistent_redis.client()
    ids = enqueue_canaries(r, QUEUE, 3000, sleep_ms=5)
    w = workers(persistent_redis.url(), "survivor", extra_env=FAST, log_dir=str(tmp_path))
    wait_for("some progress", lambda: r.xlen("{%s}:results" % QUEUE) > 300, timeout=60)
    persistent_redis.stop(signal.SIGTERM)
    time.sleep(1.0)
    persistent_redis.start()
    r = persistent_redis.client()
    wait_for("all outcomes after restart", lambda: r.xlen("{%s}:results" % QUEUE) >= len(ids), timeout=120, interval=0.2)
    by_job = outcomes(r, QUEUE)
    assert set(by_job) == set(ids)
    assert all(len(o) == 1 for o in by_job.values())
    assert w.alive(), "the worker survived the Redis restart"
    assert r.xlen(QUEUE) == 0


def test_sigterm_under_load_leaves_nothing_half_done(private_redis, workers, tmp_path):
    r = private_redis.client()
    ids = enqueue_canaries(r, QUEUE, 400, sleep_ms=200)
    w = workers(private_redis.url(), "graceful", extra_env={**FAST, "BLUEPRINT_CONCURRENCY": "20"}, log_dir=str(tmp_path))
    wait_for("busy", lambda: r.xlen("{%s}:results" % QUEUE) >= 20, timeout=60)
    started = time.monotonic()
    code = w.terminate(timeout=60)
    elapsed = time.monotonic() - started
    assert code == 0, open(w.log_path).read()[-2000:]
    done = r.xlen("{%s}:results" % QUEUE)
    assert r.xpending(QUEUE, "email_workers")["pending"] == 0, "in-flight jobs finished before exit"
    assert done + r.xlen(QUEUE) == len(ids), "every job finished or still waiting, none half-done"
    assert done < len(ids)
    print(f"\nSIGTERM: exited in {elapsed:.2f}s with {done} of {len(ids)} done")


def test_cli_enqueue_and_dead_letters(private_redis, workers, tmp_path):
    env = dict(os.environ, REDIS_URL=private_redis.url())
    r = private_redis.client()
    out = subprocess.run([BIN, "enqueue", QUEUE, "canary", "fail_permanently=true"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    job_id = out.stdout.strip()
    w = workers(private_redis.url(), "cli", extra_env=FAST, log_dir=str(tmp_path))
    wait_for("dead letter", lambda: r.xlen("{%s}:dead" % QUEUE) == 1, timeout=30)
    listed = subprocess.run([BIN, "dead", "list", QUEUE], env=env, capture_output=True, text=True)
    assert listed.returncode == 0 and job_id in listed.stdout and "canary asked to fail permanently" in listed.stdout
    replay = subprocess.run([BIN, "dead", "replay", QUEUE, "--all"], env=env, capture_output=True, text=True)
    assert replay.returncode == 0 and replay.stdout.strip() == "replayed 1"
    wait_for("dead again", lambda: r.xlen("{%s}:dead" % QUEUE) == 1 and len(outcomes(r, QUEUE)[job_id]) == 2, timeout=30)
    purge = subprocess.run([BIN, "dead", "purge", QUEUE, "--all"], env=env, capture_output=True, text=True)
    assert purge.returncode == 0 and purge.stdout.strip() == "purged 1"
    assert r.xlen("{%s}:dead" % QUEUE) == 0
    # Usage errors exit 64 (EX_USAGE), bad settings 2; an unreachable Redis exits 1 with a clear message.
    bad = subprocess.run([BIN, "enqueue", QUEUE, "canary", "novalue"], env=env, capture_output=True, text=True)
    assert bad.returncode == 64 and "key=value" in bad.stderr
    down = subprocess.run([BIN, "enqueue", QUEUE, "canary"], env=dict(env, REDIS_URL="redis://127.0.0.1:1/0"),
                          capture_output=True, text=True, timeout=60)
    assert down.returncode == 1 and "cannot connect to Redis" in down.stderr
    badenv = subprocess.run([BIN, "serve"], env=dict(env, BLUEPRINT_CONCURRENCY="lots", BLUEPRINT_LOG_LEVEL="loud"),
                            capture_output=True, text=True, timeout=60)
    assert badenv.returncode == 2
    assert "BLUEPRINT_CONCURRENCY" in badenv.stderr and "BLUEPRINT_LOG_LEVEL" in badenv.stderr
    w.terminate()
