"""The dashboard's Scheduled section in real headless Chromium, against a live worker with a periodic job."""
import json
import shutil
import subprocess
import tempfile

import pytest

from conftest import wait_for
from opsutil import TOKEN, http, start_worker

QUEUE = "email_queue"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/test.sh installs it)")


def test_dashboard_lists_periodic_jobs_and_delayed_counts(private_redis, workers, tmp_path):
    r = private_redis.client()
    periodic = json.dumps([{"name": "nightly_canary", "cron": "0 3 * * *", "queue": QUEUE, "job": {"type": "canary"}}])
    _, port = start_worker(workers, private_redis.url(), "dash-sched", extra_env={"BLUEPRINT_PERIODIC": periodic},
                           log_dir=str(tmp_path))
    wait_for("readyz", lambda: http(port, "/readyz")[0] == 200, timeout=30)
    for i in range(3):
        r.zadd("{%s}:delayed" % QUEUE, {json.dumps(["job_data", '{"type":"canary"}', "job_id", f"later-{i}"]): 4102444800000})
    profile = tempfile.mkdtemp(prefix="bp-chromium-")
    try:
        out = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             f"--user-data-dir={profile}", "--dump-dom", "--virtual-time-budget=8000",
             f"http://127.0.0.1:{port}/#token={TOKEN}"],
            capture_output=True, text=True, timeout=90)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert out.returncode == 0, out.stderr[-2000:]
    dom = out.stdout
    assert "<td>nightly_canary</td>" in dom and "<td>0 3 * * *</td>" in dom and "<td>Asia/Seoul</td>" in dom
    assert "T03:00:00+09:00</td>" in dom, "the next run is shown in the job's zone"
    assert "email_queue: 3" in dom, "the delayed count is shown"
