"""A minimal OTLP/HTTP traces receiver for benchmarks: answers 200 to POST /v1/traces and counts
spans (decoded with `opentelemetry-proto` when installed, else only requests and bytes).
Usage: otlp_sink.py PORT COUNT_FILE  (writes "requests spans bytes" to COUNT_FILE on SIGTERM)."""
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
except ImportError:
    ExportTraceServiceRequest = None

port, count_file = int(sys.argv[1]), sys.argv[2]
totals = {"requests": 0, "spans": 0, "bytes": 0}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 64 << 20))
        totals["requests"] += 1
        totals["bytes"] += len(body)
        if ExportTraceServiceRequest is not None:
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            totals["spans"] += sum(len(ss.spans) for rs in request.resource_spans for ss in rs.scope_spans)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)


def stop(*_):
    with open(count_file, "w") as f:
        f.write(f"{totals['requests']} {totals['spans']} {totals['bytes']}\n")
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
server.serve_forever()
