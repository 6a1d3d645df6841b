"""The dashboard in real headless Chromium (Debian `chromium` and `chromium-driver`), against a live worker."""
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import enqueue_canaries, wait_for
from opsutil import TOKEN, http, start_worker

QUEUE = "email_queue"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SHOTS = os.environ.get("BLUEPRINT_TEST_WORK", tempfile.gettempdir())

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/test.sh installs it)")


def chromium(*args, timeout=90):
    profile = tempfile.mkdtemp(prefix="bp-chromium-")
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             f"--user-data-dir={profile}", "--window-size=1280,1000", *args],
            capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def image_is_not_blank(path):
    """True when the PNG has real content: many colours and a good share of non-background pixels."""
    from PIL import Image
    image = Image.open(path).convert("RGB")
    pixels = list(image.get_flattened_data()) if hasattr(image, "get_flattened_data") else list(image.getdata())
    background = max(set(pixels[:: max(1, len(pixels) // 5000)]), key=pixels.count)
    share = sum(1 for p in pixels[::7] if p != background) / len(pixels[::7])
    colours = len(set(pixels[::7]))
    return share > 0.03 and colours > 20, (share, colours)


@pytest.fixture
def busy_worker(private_redis, workers, tmp_path):
    r = private_redis.client()
    worker, port = start_worker(workers, private_redis.url(), "dash-1", log_dir=str(tmp_path))
    wait_for("readyz", lambda: http(port, "/readyz")[0] == 200, timeout=30)
    enqueue_canaries(r, QUEUE, 10)
    enqueue_canaries(r, QUEUE, 2, fail_permanently=True)
    wait_for("12 outcomes", lambda: r.xlen("{%s}:results" % QUEUE) >= 12, timeout=60)
    enqueue_canaries(r, "sms_queue", 4)  # no sms consumer here: they wait
    return r, port


def test_dashboard_renders_queues_dead_letters_and_workers(busy_worker):
    r, port = busy_worker
    url = f"http://127.0.0.1:{port}/#token={TOKEN}"
    out = chromium("--dump-dom", "--virtual-time-budget=8000", url)
    assert out.returncode == 0, out.stderr[-2000:]
    dom = out.stdout
    assert '<main id="main">' in dom, "the page is shown once the token is accepted"
    assert "<td>email_queue</td>" in dom and "<td>sms_queue</td>" in dom
    assert "<td>dash-1</td>" in dom, "the live worker is listed"
    assert dom.count(">Replay</button>") == 2, "both dead letters listed with a replay button"
    assert "canary asked to fail permanently" in dom
    # The breakers of the running job types are listed from the start, closed (smtp: send_email).
    assert "<td>smtp</td>" in dom and 'class="pill closed"' in dom
    assert "live ·" in dom

    shot = os.path.join(SHOTS, "dashboard.png")
    out = chromium(f"--screenshot={shot}", "--virtual-time-budget=8000", url)
    assert os.path.exists(shot), out.stderr[-2000:]
    ok, detail = image_is_not_blank(shot)
    assert ok, f"screenshot looks blank: {detail}"
    print(f"\ndashboard screenshot: {shot}")


def test_dashboard_without_token_asks_for_it(busy_worker):
    _, port = busy_worker
    out = chromium("--dump-dom", "--virtual-time-budget=5000", f"http://127.0.0.1:{port}/")
    assert out.returncode == 0
    assert '<form id="login">' in out.stdout, "the token form is visible"
    assert '<main id="main" hidden="">' in out.stdout


@pytest.mark.skipif(CHROMEDRIVER is None, reason="chromium-driver is not installed")
def test_dashboard_replays_a_dead_letter_and_pauses_a_queue(busy_worker):
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    r, port = busy_worker
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        # The page re-renders its tables every 2 s: look elements up again on every try.
        def wait(condition, timeout=30):
            return WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(condition)

        def click(finder):
            def attempt(d):
                element = finder(d)
                if element is None:
                    return False
                element.click()
                return True
            wait(attempt)

        driver.get(f"http://127.0.0.1:{port}/")
        wait(lambda d: d.find_element(By.ID, "login").is_displayed())
        driver.find_element(By.ID, "token").send_keys(TOKEN)
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#dead tbody button")) == 2)

        # Replay one dead letter from the page: it runs again (and dies again: fail_permanently).
        results_before = r.xlen("{%s}:results" % QUEUE)
        click(lambda d: d.find_elements(By.CSS_SELECTOR, "#dead tbody button")[0])
        wait_for("the replayed job ran again", lambda: r.xlen("{%s}:results" % QUEUE) == results_before + 1, timeout=30)

        # Pause email_queue from the page, then resume it.
        def queue_button(d, label):
            for row in d.find_elements(By.CSS_SELECTOR, "#queues tbody tr"):
                cells = row.find_elements(By.TAG_NAME, "td")
                if cells and cells[0].text == QUEUE:
                    button = row.find_element(By.TAG_NAME, "button")
                    return button if button.text == label else None
            return None

        click(lambda d: queue_button(d, "Pause"))
        wait_for("paused key set", lambda: r.exists("{%s}:paused" % QUEUE), timeout=15)
        wait(lambda d: queue_button(d, "Resume") is not None)
        driver.save_screenshot(os.path.join(SHOTS, "dashboard-paused.png"))
        click(lambda d: queue_button(d, "Resume"))
        wait_for("paused key removed", lambda: not r.exists("{%s}:paused" % QUEUE), timeout=15)
    finally:
        driver.quit()


def test_an_open_circuit_breaker_shows_in_the_api_metrics_and_dashboard(private_redis, workers, tmp_path):
    import json
    from conftest import free_port
    from opsutil import api

    nothing_listens = free_port()
    _, port = start_worker(workers, private_redis.url(), "breaker-1", log_dir=str(tmp_path), extra_env={
        "SMTP_URL": f"smtp://127.0.0.1:{nothing_listens}?tls=none", "MAIL_FROM": "Blueprint <noreply@example.com>",
        "BLUEPRINT_BREAKER_CONSECUTIVE_FAILURES": "2", "BLUEPRINT_BREAKER_OPEN_MS": "600000"})
    r = private_redis.client()
    for _ in range(3):
        r.xadd(QUEUE, {"job_data": json.dumps({"type": "send_email", "to": "user@example.com", "subject": "s", "text": "t"})})

    def smtp_state():
        return {b["name"]: b["state"] for b in api(port, "/api/breakers")["breakers"]}.get("smtp")

    wait_for("the smtp breaker opens", lambda: smtp_state() == "open", timeout=60)
    status, metrics = http(port, "/metrics")
    assert status == 200 and 'blueprint_circuit_breaker_state{dependency="smtp"} 2' in metrics

    out = chromium("--dump-dom", "--virtual-time-budget=8000", f"http://127.0.0.1:{port}/#token={TOKEN}")
    assert out.returncode == 0
    assert "<td>smtp</td>" in out.stdout and '<span class="pill open">open</span>' in out.stdout


class _Elements:
    """Every element of a dumped DOM as (tag, attributes, enclosing svg's data-queue, text), for checks."""

    def __init__(self, dom):
        from html.parser import HTMLParser

        items = []
        stack = []

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                queue = a.get("data-queue") if tag == "svg" else next(
                    (s[2] for s in reversed(stack) if s[2] is not None), None)
                item = [tag, a, queue, ""]
                items.append(item)
                if tag not in ("br", "img", "input", "meta", "link", "hr"):
                    stack.append((tag, item, queue))

            def handle_endtag(self, tag):
                while stack:
                    t, _, _ = stack.pop()
                    if t == tag:
                        break

            def handle_data(self, data):
                if stack:
                    stack[-1][1][3] += data

        Parser().feed(dom)
        self.items = items

    def find(self, tag, **attrs):
        want = {k.replace("_", "-"): str(v) for k, v in attrs.items()}
        return [(a, q, t) for (tg, a, q, t) in self.items if tg == tag and all(a.get(k) == v for k, v in want.items())]


def _seed_known_stats(r, queue, now_ms):
    """Known per-minute numbers, written as the engine writes them (docs/protocol.md section 4)."""
    minute = now_ms // 60000
    r.hset("{%s}:stats:%d" % (queue, minute - 3), mapping={
        "succeeded": 40, "retried": 6, "dead": 3, "wait:100": 40, "wait:1000": 9, "run:20": 49})
    r.hset("{%s}:stats:%d" % (queue, minute - 10), mapping={"succeeded": 12, "rejected": 2})
    r.hset("{%s}:stats:%d" % (queue, minute - 70), mapping={"succeeded": 999})  # older than the hour: not drawn
    return minute


def test_dashboard_draws_charts_from_known_numbers_and_finds_jobs(busy_worker):
    import json
    import time
    from opsutil import api

    r, port = busy_worker
    now_ms = int(time.time() * 1000)
    minute = _seed_known_stats(r, "sms_queue", now_ms)
    # Two retries waiting on email_queue's delayed set, due in an hour (not promoted during the test).
    due = now_ms + 3600_000
    r.zadd("{email_queue}:delayed", {
        json.dumps(["job_data", json.dumps({"type": "canary"}), "job_id", "retry-a", "attempt", "2", "last_error", "smtp 421"]): due,
        json.dumps(["job_data", json.dumps({"type": "send_email"}), "job_id", "retry-b", "attempt", "3"]): due + 60_000,
    })
    finished = next(f for _, f in r.xrange("{%s}:results" % QUEUE) if f["status"] == "succeeded")
    dead = next(f for _, f in r.xrange("{%s}:results" % QUEUE) if f["status"] == "dead")

    # The API, for every state the lookup knows (running is covered by the Swift tests).
    assert api(port, f"/api/jobs/{finished['job_id']}")["state"] == "succeeded"
    looked_dead = api(port, f"/api/jobs/{dead['job_id']}")
    assert looked_dead["state"] == "dead" and "canary asked to fail permanently" in looked_dead["error"]
    assert api(port, "/api/jobs/retry-a")["state"] == "delayed"
    waiting_id = r.xrange("sms_queue", count=1)[0][0]
    assert api(port, f"/api/jobs/{waiting_id}")["state"] == "waiting"
    assert http(port, "/api/jobs/no-such-job", token=TOKEN)[0] == 404
    sms = api(port, "/api/queues/sms_queue/stats?minutes=60")
    email = api(port, "/api/queues/email_queue/stats?minutes=60")
    assert sms["totals"] == {"succeeded": 52, "retried": 6, "dead": 3, "rejected": 2, "deferred": 0}
    assert sms["wait"] == {"count": 49, "p50": 81.3, "p90": 777.8, "p99": 1000.0}
    # email_queue's numbers come from the worker itself: 10 canaries succeeded, 2 died (each waited and ran).
    assert email["totals"]["succeeded"] == 10 and email["totals"]["dead"] == 2, email["totals"]
    assert email["wait"]["count"] == 12 and email["run"]["count"] == 12

    url = f"http://127.0.0.1:{port}/#token={TOKEN}&job={finished['job_id']}"
    out = chromium("--dump-dom", "--virtual-time-budget=10000", url)
    assert out.returncode == 0, out.stderr[-2000:]
    dom = _Elements(out.stdout)

    # sms_queue's chart: the seeded minutes, in its own data attributes and in the bars drawn.
    (chart, _, _), = dom.find("svg", data_queue="sms_queue")
    assert (chart["data-succeeded"], chart["data-retried"], chart["data-dead"], chart["data-rejected"]) == ("52", "6", "3", "2")
    assert chart["data-minutes"] == "60" and chart["data-max"] == "50", chart  # tallest stack 49 -> axis to 50
    bars = [a for a, q, _ in dom.find("g", **{"class": "minute"}) if q == "sms_queue"]
    assert len(bars) == 60
    assert [int(b["data-at"]) for b in bars] == [(minute - 59 + i) * 60000 for i in range(60)]
    seeded = next(b for b in bars if int(b["data-at"]) == (minute - 3) * 60000)
    assert (seeded["data-succeeded"], seeded["data-retried"], seeded["data-dead"]) == ("40", "6", "3")
    assert sum(int(b["data-succeeded"]) for b in bars) == 52
    rects = {a["data-series"]: a for a, q, _ in dom.find("rect") if q == "sms_queue" and a.get("data-count") in ("40", "6", "3")}
    plot_height = 170 - 8 - 20
    assert abs(float(rects["succeeded"]["height"]) - 40 / 50 * plot_height) < 0.01
    assert abs(float(rects["retried"]["height"]) - 6 / 50 * plot_height) < 0.01
    assert abs(float(rects["dead"]["height"]) - 3 / 50 * plot_height) < 0.01
    # Stacked: retried sits on succeeded, dead on retried.
    assert abs(float(rects["retried"]["y"]) + float(rects["retried"]["height"]) - float(rects["succeeded"]["y"])) < 0.02
    assert abs(float(rects["dead"]["y"]) + float(rects["dead"]["height"]) - float(rects["retried"]["y"])) < 0.02

    # The percentile summary shows the API's numbers.
    tables = [a for (tg, a, _, _) in dom.items if tg == "table" and a.get("class") == "pct"]
    order = [t["data-queue"] for t in tables]
    assert set(order) >= {"email_queue", "sms_queue"}, order
    values = [(a["data-metric"], a.get("data-value"), t.strip()) for a, _, t in dom.find("td") if a.get("data-metric")]
    # The cells come table by table, in queue order: pick sms_queue's by its position.
    per_table = len(values) // len(tables)
    sms_values = {m: (v, t) for m, v, t in values[order.index("sms_queue") * per_table:(order.index("sms_queue") + 1) * per_table]}
    assert sms_values["wait-count"][1] == "49"
    assert sms_values["wait-p50"] == ("81.3", "81.3 ms") and sms_values["wait-p90"] == ("777.8", "777.8 ms")
    assert sms_values["wait-p99"] == ("1000", "1 s")
    email_chart, = [a for a, _, _ in dom.find("svg", data_queue="email_queue")]
    assert email_chart["data-succeeded"] == "10" and email_chart["data-dead"] == "2"

    # The delayed list (email_queue is selected first) and the job looked up through #job=.
    rows = [a["data-job-id"] for a, _, _ in dom.find("tr") if "data-job-id" in a]
    assert rows == ["retry-a", "retry-b"]
    assert "smtp 421" in out.stdout
    (job, _, _), = dom.find("dl", **{"class": "job"})
    assert job["data-job-id"] == finished["job_id"] and job["data-state"] == "succeeded"

    shot = os.path.join(SHOTS, "dashboard-charts.png")
    out = chromium(f"--screenshot={shot}", "--window-size=1280,1400", "--virtual-time-budget=10000",
                   f"http://127.0.0.1:{port}/#token={TOKEN}&job={dead['job_id']}")
    assert os.path.exists(shot), out.stderr[-2000:]
    ok, detail = image_is_not_blank(shot)
    assert ok, f"screenshot looks blank: {detail}"
    print(f"\ndashboard charts screenshot: {shot}")
