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
