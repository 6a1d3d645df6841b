"""File jobs through a real `blueprint serve`: process_document from local storage, scanned by the
clamd that `make test` starts (scripts/test-servers/clamd.sh exports CLAMD_TEST_ADDRESS)."""
import hashlib
import json
import os
import uuid

import pytest

from conftest import outcomes, wait_for

QUEUE = "file_processing_queue"
CLAMD = os.environ.get("CLAMD_TEST_ADDRESS")
REQUIRED = os.environ.get("BLUEPRINT_TEST_REQUIRE_SERVERS") == "1"
EICAR = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

pytestmark = pytest.mark.skipif(CLAMD is None and not REQUIRED, reason="CLAMD_TEST_ADDRESS is not set (make test starts clamd)")


def pdf(pages, comment=None):
    """A valid PDF with `pages` empty pages (xref offsets computed)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if comment:
        out += b"% " + comment.encode() + b"\n"
    out += b"% " + uuid.uuid4().hex.encode() + b"\n"
    offsets = []

    def obj(body):
        offsets.append(len(out))
        out.extend(b"%d 0 obj\n" % len(offsets) + body + b"\nendobj\n")

    kids = " ".join(f"{i + 3} 0 R" for i in range(pages))
    obj(b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for _ in range(pages):
        obj(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    return bytes(out)


def test_process_document_through_blueprint_serve(private_redis, workers, tmp_path):
    assert CLAMD, "CLAMD_TEST_ADDRESS must be set under make test"
    store = tmp_path / "store"
    r = private_redis.client()

    def upload(data):
        key = f"uploads/{uuid.uuid4().hex}.pdf"
        path = store / "objects" / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return key

    clean = pdf(3)
    clean_key = upload(clean)
    infected_key = upload(pdf(1, comment=EICAR))
    w = workers(private_redis.url(), "files", queues=QUEUE, log_dir=str(tmp_path), extra_env={
        "STORAGE_URL": f"file://{store}", "CLAMD_ADDRESS": CLAMD, "BLUEPRINT_VAR_DIR": str(tmp_path / "var"),
    })
    jobs = {
        "clean": {"type": "process_document", "source": clean_key, "kind": "certificate", "content_type": "application/pdf"},
        "infected": {"type": "process_document", "source": infected_key, "kind": "certificate"},
        "hostile": {"type": "process_document", "source": "../etc/passwd", "kind": "certificate"},
        "ssrf": {"type": "process_document", "source": "https://169.254.169.254/latest/meta-data", "kind": "certificate"},
    }
    for name, job in jobs.items():
        r.xadd(QUEUE, {"job_data": json.dumps(job), "idempotency_key": f"{name}-{uuid.uuid4().hex[:6]}"})
    wait_for("the outcomes of the file jobs", lambda: len(outcomes(r, QUEUE)) == len(jobs), timeout=60)
    assert w.alive()
    by_key = {fields[0]["job_id"].split("-")[0]: fields[0] for fields in outcomes(r, QUEUE).values()}

    done = by_key["clean"]
    assert done["status"] == "succeeded", done
    result = json.loads(done["result"])
    sha = hashlib.sha256(clean).hexdigest()
    assert result == {"key": f"documents/{sha}.pdf", "sha256": sha, "content_type": "application/pdf",
                      "bytes": len(clean), "pages": 3}
    assert (store / "objects" / "documents" / f"{sha}.pdf").read_bytes() == clean

    infected = by_key["infected"]
    assert infected["status"] == "rejected", infected
    assert infected["error"].startswith("infected: Eicar-Test-Signature"), infected
    assert not (store / "objects" / infected_key).exists(), "the infected upload is deleted"

    assert by_key["hostile"]["status"] == "dead"
    assert by_key["hostile"]["error"].startswith("invalid arguments"), by_key["hostile"]
    assert by_key["ssrf"]["status"] == "dead"
    assert by_key["ssrf"]["error"].startswith("source URL refused"), by_key["ssrf"]
