"""Tracing end to end: a real `blueprint serve` exports OTLP/HTTP (protobuf) to a receiver started
here (http.server, decoded with PyPI `opentelemetry-proto`), and the job spans join the producer's
trace given with `blueprint enqueue --traceparent`."""
import os
import secrets
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import PLANTED, free_port, wait_for
from opsutil import cli, start_worker

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse

QUEUE = "email_queue"
MAX_BODY = 16 * 1024 * 1024


class OTLPReceiver:
    """POST /v1/traces: ExportTraceServiceRequest (protobuf) -> a flat list of spans with their resource."""

    def __init__(self):
        self.spans = []
        self.requests = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                if self.path != "/v1/traces" or length > MAX_BODY \
                        or self.headers.get("Content-Type") != "application/x-protobuf":
                    self.send_response(400)
                    self.end_headers()
                    return
                request = ExportTraceServiceRequest()
                request.ParseFromString(self.rfile.read(length))
                with receiver.lock:
                    receiver.requests += 1
                    for resource_spans in request.resource_spans:
                        resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
                        for scope_spans in resource_spans.scope_spans:
                            for span in scope_spans.spans:
                                receiver.spans.append((resource, span))
                body = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def snapshot(self):
        with self.lock:
            return list(self.spans)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SMTPSink:
    """A minimal SMTP server (no extensions): accepts every message and counts them."""

    def __init__(self):
        self.messages = 0
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 sink ESMTP\r\n")
                while True:
                    line = self.rfile.readline(4096)
                    if not line:
                        return
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        self.wfile.write(b"250 sink\r\n")
                    elif verb == b"DATA":
                        self.wfile.write(b"354 go on\r\n")
                        while self.rfile.readline(1 << 20) not in (b".\r\n", b""):
                            pass
                        sink.messages += 1
                        self.wfile.write(b"250 2.0.0 queued\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def attributes(span):
    out = {}
    for a in span.attributes:
        v = a.value
        out[a.key] = v.string_value if v.HasField("string_value") else v.int_value if v.HasField("int_value") \
            else v.bool_value if v.HasField("bool_value") else v.double_value
    return out


KINDS = {0: "unspecified", 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}


def tree(spans, trace_id, root_parent):
    """The spans of `trace_id` as an indented tree under the producer's span `root_parent`."""
    by_parent = {}
    for _, s in spans:
        if s.trace_id.hex() == trace_id:
            by_parent.setdefault(s.parent_span_id.hex(), []).append(s)
    lines = [f"trace {trace_id}", f"└─ producer span {root_parent} (blueprint enqueue --traceparent)"]

    def walk(parent, depth):
        for s in sorted(by_parent.get(parent, []), key=lambda s: s.start_time_unix_nano):
            a = attributes(s)
            shown = {k: a[k] for k in sorted(a) if k.startswith(("blueprint.", "messaging.", "db.", "smtp.reply", "server."))}
            status = " status=ERROR" if s.status.code == 2 else ""
            ms = (s.end_time_unix_nano - s.start_time_unix_nano) / 1e6
            lines.append(f"{'   ' * depth}└─ {s.name} [{KINDS.get(s.kind, s.kind)}] span {s.span_id.hex()} {ms:.1f} ms{status} {shown}")
            walk(s.span_id.hex(), depth + 1)

    walk(root_parent, 1)
    return "\n".join(lines)


def test_job_spans_join_the_producers_trace_and_reach_the_otlp_receiver(private_redis, workers, tmp_path):
    receiver, sink = OTLPReceiver(), SMTPSink()
    try:
        headers_secret = "Bearer otlp-" + secrets.token_hex(8)
        PLANTED.append(headers_secret)
        worker, _ = start_worker(workers, private_redis.url(), "tracing-1", log_dir=str(tmp_path), extra_env={
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.port}",
            "OTEL_EXPORTER_OTLP_HEADERS": f"authorization={headers_secret}",
            "OTEL_BSP_SCHEDULE_DELAY": "200",
            # swift-otel's own log at its most talkative: the export credential must still not appear.
            "OTEL_LOG_LEVEL": "debug",
            "SMTP_URL": f"smtp://127.0.0.1:{sink.port}?tls=none",
            "MAIL_FROM": "Blueprint <noreply@example.com>",
        })
        env = {"REDIS_URL": private_redis.url()}
        mail_trace, mail_parent = secrets.token_hex(16), secrets.token_hex(8)
        canary_trace, canary_parent = secrets.token_hex(16), secrets.token_hex(8)
        out = cli("enqueue", QUEUE, "send_email", "to=user@example.com", "subject=Hi", "text=Hello",
                  "--traceparent", f"00-{mail_trace}-{mail_parent}-01", env=env)
        assert out.returncode == 0, out.stderr
        mail_job = out.stdout.strip()
        out = cli("enqueue", QUEUE, "canary", "fail_times=1",
                  "--traceparent", f"00-{canary_trace}-{canary_parent}-01", env=env)
        assert out.returncode == 0, out.stderr
        canary_job = out.stdout.strip()
        # A bad traceparent is refused by the CLI with a clear message (and nothing is enqueued).
        bad = cli("enqueue", QUEUE, "canary", "--traceparent", "00-" + "0" * 32 + "-" + "1" * 16 + "-01", env=env)
        assert bad.returncode != 0 and "trace ID" in bad.stderr, bad.stderr

        def job_spans(trace):
            return [s for _, s in receiver.snapshot() if s.trace_id.hex() == trace and s.kind == 5]

        wait_for("the send_email job span", lambda: len(job_spans(mail_trace)) >= 1, timeout=60)
        wait_for("both canary attempts", lambda: len(job_spans(canary_trace)) >= 2, timeout=60)
        assert worker.terminate() == 0
        spans = receiver.snapshot()

        resource, _ = spans[0]
        assert resource.get("service.name") == "blueprint-worker"

        # send_email: one job span, child of the producer's span, with an SMTP span under it.
        (mail_span,) = job_spans(mail_trace)
        a = attributes(mail_span)
        assert mail_span.name == "job send_email"
        assert mail_span.parent_span_id.hex() == mail_parent
        assert a["messaging.destination.name"] == QUEUE and a["blueprint.job.type"] == "send_email"
        assert a["blueprint.job.id"] == mail_job and a["blueprint.job.attempt"] == 1
        assert a["blueprint.job.outcome"] == "succeeded"
        children = [s for _, s in spans if s.parent_span_id == mail_span.span_id]
        smtp = [s for s in children if s.name == "smtp send"]
        assert len(smtp) == 1 and smtp[0].kind == 3 and smtp[0].trace_id.hex() == mail_trace, [s.name for s in children]
        assert attributes(smtp[0])["smtp.reply.code"] == 250
        assert sink.messages == 1

        # canary fail_times=1: two attempts, both children of the producer's span; the first
        # failed (error recorded) and its retry script is its child.
        attempts = sorted(job_spans(canary_trace), key=lambda s: attributes(s)["blueprint.job.attempt"])
        assert [attributes(s)["blueprint.job.attempt"] for s in attempts] == [1, 2]
        assert all(s.parent_span_id.hex() == canary_parent and s.name == "job canary" for s in attempts)
        assert all(attributes(s)["blueprint.job.id"] == canary_job for s in attempts)
        assert [attributes(s)["blueprint.job.outcome"] for s in attempts] == ["retried", "succeeded"]
        assert attempts[0].status.code == 2 and any(e.name == "exception" for e in attempts[0].events)
        retry = [s for _, s in spans if s.parent_span_id == attempts[0].span_id and s.name == "EVALSHA retry"]
        assert len(retry) == 1 and retry[0].kind == 3
        assert attributes(retry[0])["db.system.name"] == "redis"

        # The successful outcomes are written in batches after the job spans end: each batch
        # write is a span of its own (a new trace) linked to the spans of the jobs it records,
        # with the script call as its child.
        writes = [s for _, s in spans if s.name == "record outcomes"]
        linked = {l.span_id for w in writes for l in w.links}
        assert mail_span.span_id in linked and attempts[1].span_id in linked, [w.links for w in writes]
        assert attempts[0].span_id not in linked  # a retried attempt is written by its own script
        write_ids = {w.span_id for w in writes}
        assert any(s.name == "EVALSHA complete" and s.parent_span_id in write_ids for _, s in spans)
        for w in writes:
            assert len(w.parent_span_id) == 0 and attributes(w)["messaging.batch.message_count"] == len(w.links)
        print("batch writes: " + ", ".join(
            f"{w.span_id.hex()} links {[l.span_id.hex() for l in w.links]}" for w in writes))

        # Nothing of the job's arguments or the export credential in any span.
        for _, s in spans:
            text = str(s)
            assert "user@example.com" not in text and "Hello" not in text and headers_secret not in text

        print("\n" + tree(spans, mail_trace, mail_parent))
        print(tree(spans, canary_trace, canary_parent))
    finally:
        receiver.close()
        sink.close()


def test_otel_sdk_disabled_turns_export_off_and_jobs_still_run(private_redis, workers, tmp_path):
    receiver = OTLPReceiver()
    try:
        worker, _ = start_worker(workers, private_redis.url(), "tracing-off", log_dir=str(tmp_path), extra_env={
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.port}", "OTEL_SDK_DISABLED": "true",
            "OTEL_BSP_SCHEDULE_DELAY": "100"})
        trace, parent = secrets.token_hex(16), secrets.token_hex(8)
        out = cli("enqueue", QUEUE, "canary", "--traceparent", f"00-{trace}-{parent}-01", env={"REDIS_URL": private_redis.url()})
        assert out.returncode == 0, out.stderr
        r = private_redis.client()
        wait_for("the outcome", lambda: r.xlen("{%s}:results" % QUEUE) == 1, timeout=30)
        assert worker.terminate() == 0
        assert receiver.requests == 0
    finally:
        receiver.close()


def test_a_bad_endpoint_is_an_invalid_setting():
    for value in ("ftp://collector:21", "not a url"):
        out = cli("check-config", env={"OTEL_EXPORTER_OTLP_ENDPOINT": value, "REDIS_URL": "redis://127.0.0.1:1/0"})
        assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
        assert "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL with a host" in out.stderr, out.stderr
        assert value not in out.stderr
