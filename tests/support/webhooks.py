"""A webhook receiver on loopback, and the Standard Webhooks signature written from the spec."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTP server on loopback that answers each path from a script, then 200."""

    scripts: dict[str, list[int]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The receiver's base URL."""
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str) -> int:
        """The next scripted status for ``path``, or 200."""
        with self.lock:
            script = self.scripts.get(path, [])
            return script.pop(0) if script else 200

    def wait_for(self, path: str, count: int, timeout: float = 60) -> list[Received]:
        """The requests to ``path`` once there are ``count`` of them; fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                got = [item for item in self.received if item.path == path]
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"{path}: {len(got)} of {count} requests after {timeout} s")


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            with receiver.lock:
                receiver.received.append(Received(self.path, headers, body))
            self.send_response(receiver.answer(self.path))
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def receiving() -> Iterator[Receiver]:
    """A running receiver for the ``with`` block (the ``receiver`` fixtures use this)."""
    found = Receiver()
    found.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(found))
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        found.server.shutdown()
        found.server.server_close()


def spec_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks algorithm, independently: HMAC-SHA256 over ``id.timestamp.body``."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{msg_id}.{timestamp}.{body.decode()}"
    mac = hmac.new(key, content.encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secret: str, request: Received) -> None:
    """Check the Standard Webhooks signature, written here from the specification."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}."
    mac = hmac.new(key, signed.encode() + request.body, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(mac).decode()
    assert expected in request.headers["webhook-signature"].split(" ")
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 300
