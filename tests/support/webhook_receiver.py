"""A real local HTTP receiver of webhooks: answers 503 to the first `failures` POSTs, then
204, and keeps every body it accepted with whether its signature verified."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self, secret: bytes, failures: int = 0) -> None:
        self.secret, self.failures = secret, failures
        self.accepted: list[dict[str, Any]] = []
        self.refused = 0
        self.bad_signatures = 0
        self.lock = threading.Lock()

    def handle(self, body: bytes, signature: str | None) -> int:
        expected = "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        with self.lock:
            if signature is None or not hmac.compare_digest(signature, expected):
                self.bad_signatures += 1
                return 401
            if self.refused < self.failures:
                self.refused += 1
                return 503
            self.accepted.append(json.loads(body))
            return 204


@contextmanager
def serving(receiver: Receiver, port: int) -> Iterator[str]:
    """Serve `receiver` on 127.0.0.1:`port` until the block ends; its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(receiver.handle(body, self.headers.get("X-Credit-Engine-Signature")))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
