"""An OTLP/HTTP endpoint on loopback that accepts every export and drops it.

The traced scenario needs somewhere to send spans that costs the service what a real collector
would (one HTTP POST per batch) without a collector's CPU on the machine. An empty body with
status 200 is a valid (empty) ExportTraceServiceResponse in protobuf and JSON alike.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OtlpSink:
    def __init__(self) -> None:
        self.exports = 0
        self.bytes = 0
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                size = self._read_body()
                with sink._lock:
                    sink.exports += 1
                    sink.bytes += size
                self.send_response(200)
                self.send_header("content-type", self.headers.get("content-type") or "application/x-protobuf")
                self.send_header("content-length", "0")
                self.end_headers()

            def _read_body(self) -> int:
                """Reads (and drops) the body, sized or chunked (Node's exporter streams it chunked)."""
                if "chunked" not in (self.headers.get("transfer-encoding") or "").lower():
                    return len(self.rfile.read(int(self.headers.get("content-length") or 0)))
                size = 0
                while chunk := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    size += len(self.rfile.read(chunk))
                    self.rfile.readline()  # the CRLF after each chunk
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers, up to the empty line
                return size

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="otlp-sink", daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> OtlpSink:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
