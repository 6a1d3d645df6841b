"""`make run` end to end: scripts/run.sh starts a local redis-server and the worker, prints the
dashboard URL and a working enqueue command, and Ctrl-C stops both. The README's one-line XADD
works against it as written."""
import contextlib
import email
import json
import email.policy
import os
import re
import signal
import subprocess
import threading

import redis as redis_py

from conftest import free_port, wait_for
from opsutil import http

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# The line README.md shows producers (inside redis-cli), and its JSON.
README_XADD = """XADD email_queue * job_data '{"type":"send_email","to":"user@example.com","template":"welcome"}'"""
README_JOB = '{"type":"send_email","to":"user@example.com","template":"welcome"}'


@contextlib.contextmanager
def make_run(var):
    """Runs scripts/run.sh (what `make run` runs) with its state under `var` until the worker is
    ready; yields its output so far, then stops it as Ctrl-C does and checks that both stopped."""
    env = {k: v for k, v in os.environ.items() if not (k.startswith("BLUEPRINT_") or k in ("REDIS_URL", "SMTP_URL"))}
    env.update({"BLUEPRINT_VAR_DIR": str(var), "BLUEPRINT_BUILD": "debug", "BLUEPRINT_REDIS_PORT": str(free_port()),
                "BLUEPRINT_HTTP_PORT": str(free_port())})
    proc = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        wait_for("the dashboard line", lambda: any("dashboard:" in line for line in lines) or proc.poll() is not None,
                 timeout=900)
        wait_for("the last line of instructions", lambda: any("outcomes:" in line for line in lines) or proc.poll() is not None,
                 timeout=10)
        output = "".join(lines)
        assert proc.poll() is None, output
        print("\n" + output)
        port = int(re.search(r"dashboard:\s+http://127\.0\.0\.1:(\d+)/", output).group(1))
        wait_for("readyz", lambda: http(port, "/readyz")[0] == 200, timeout=60)
        yield output
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does
        exit_code = proc.wait(timeout=60)
    assert exit_code in (0, 130), "".join(lines)[-3000:]
    assert not (var / "redis" / "redis.pid").exists(), "the local redis-server is stopped"


def test_make_run_starts_redis_and_the_worker_and_prints_how_to_use_them(tmp_path):
    var = tmp_path / "var"
    with make_run(var) as output:
        url = re.search(r"dashboard:\s+(http://127\.0\.0\.1:(\d+)/#token=(\w+))", output)
        assert url, output
        port, token = int(url.group(2)), url.group(3)
        status, body = http(port, "/api/queues", token=token)
        assert status == 200 and "email_queue" in body
        assert "debug; first build: about 5-8 minutes" in output, "make run builds debug by default and says how long"

        # The printed enqueue command works as printed.
        command = re.search(r"^\s+(REDIS_URL=\S+ \S+ enqueue email_queue canary sleep_ms=10)$", output, re.M)
        assert command, output
        redis_port = int(re.search(r"redis://127\.0\.0\.1:(\d+)/0", command.group(1)).group(1))
        enqueued = subprocess.run(command.group(1), shell=True, capture_output=True, text=True, timeout=60)
        assert enqueued.returncode == 0, enqueued.stderr
        r = redis_py.Redis(host="127.0.0.1", port=redis_port, decode_responses=True)
        wait_for("the first job's outcome", lambda: r.xlen("{email_queue}:results") >= 1, timeout=60)
        assert r.xrange("{email_queue}:results")[0][1]["status"] == "succeeded"
        # Email goes to the outbox under var/: one .eml file per message.
        mail = subprocess.run(command.group(1).replace("canary sleep_ms=10", "send_email to=user@example.com subject=Hi text=Hello"),
                              shell=True, capture_output=True, text=True, timeout=60)
        assert mail.returncode == 0, mail.stderr
        wait_for("the mail in the outbox", lambda: any(p.suffix == ".eml" for p in (var / "outbox" / "mail").iterdir()), timeout=60)
        # File jobs work on the embedded default: local storage under var/ and the local clamd.
        assert re.search(r"clamd: tcp://127\.0\.0\.1:\d+", output), output
        upload = var / "storage" / "objects" / "uploads" / "avatar.png"
        upload.parent.mkdir(parents=True, exist_ok=True)
        from PIL import Image
        Image.new("RGB", (1024, 768), (200, 40, 40)).save(upload)
        r.xadd("file_processing_queue", {"job_data": json.dumps(
            {"type": "optimize_image", "source": "uploads/avatar.png", "purpose": "profile"})})
        wait_for("the image job's outcome", lambda: r.xlen("{file_processing_queue}:results") >= 1, timeout=120)
        image = r.xrange("{file_processing_queue}:results")[0][1]
        assert image["status"] == "succeeded", image
        variants = json.loads(image["result"])["variants"]
        assert sorted({(v["width"], v["format"]) for v in variants}) == [
            (128, "jpeg"), (128, "webp"), (256, "jpeg"), (256, "webp"), (512, "jpeg"), (512, "webp")], variants
        for variant in variants:
            assert (var / "storage" / "objects" / variant["key"]).is_file(), variant
        for folder in ("outbox/mail", "outbox/sms", "storage", "redis", "clamd"):
            assert (var / folder).is_dir(), folder
        assert (var / "admin-token").read_text().strip() == token


def test_the_readme_xadd_line_sends_the_welcome_mail(tmp_path):
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert re.search(r"^ {4}" + re.escape(README_XADD) + "$", readme, re.M), "README.md shows the line this test runs"
    var = tmp_path / "var"
    with make_run(var) as output:
        redis_port = int(re.search(r"redis-server ready on 127\.0\.0\.1:(\d+)", output).group(1))
        # Exactly the README's line, typed into a shell (the `*` quoted so the shell leaves it alone);
        # make run prints the same command.
        line = f"redis-cli -p {redis_port} XADD email_queue '*' job_data '{README_JOB}'"
        assert line in output, output
        added = subprocess.run(line, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=30)
        assert added.returncode == 0 and re.fullmatch(r"\d+-\d+\n", added.stdout), (added.stdout, added.stderr)
        entry_id = added.stdout.strip()

        r = redis_py.Redis(host="127.0.0.1", port=redis_port, decode_responses=True)
        wait_for("the job's outcome", lambda: r.xlen("{email_queue}:results") >= 1, timeout=60)
        outcome = r.xrange("{email_queue}:results")[0][1]
        assert outcome["job_id"] == entry_id and outcome["type"] == "send_email", outcome
        assert outcome["status"] == "succeeded", outcome
        assert r.xlen("{email_queue}:dead") == 0

        outbox = var / "outbox" / "mail"
        wait_for("the mail in the outbox", lambda: any(p.suffix == ".eml" for p in outbox.iterdir()), timeout=30)
        emls = [p for p in outbox.iterdir() if p.suffix == ".eml"]
        assert len(emls) == 1, emls
        message = email.message_from_bytes(emls[0].read_bytes(), policy=email.policy.default)
        assert [a.addr_spec for a in message["To"].addresses] == ["user@example.com"]
        # Korean is the default locale; without `vars.name` the greeting is neutral.
        assert str(message["Subject"]) == "블루프린트에 오신 것을 환영합니다"
        text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        assert text.startswith("안녕하세요.\n"), text
        assert "{{" not in text and "님," not in text
