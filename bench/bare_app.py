"""The baseline: a bare ASGI app that answers every request with the bytes in a file.

Started with the same uvicorn settings that ``looksmith serve`` uses.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import uvicorn


def make_app(body: bytes) -> Any:
    """An ASGI app answering ``body`` as JSON."""
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


if __name__ == "__main__":
    body_file, port = Path(sys.argv[1]), int(sys.argv[2])
    uvicorn.run(
        make_app(body_file.read_bytes()),
        host="127.0.0.1",
        port=port,
        access_log=False,
        log_level="info",
        timeout_graceful_shutdown=10,
    )
