"""``Idempotency-Key`` on POST requests: replay the first answer, or 409.

Pure ASGI, so it sees the raw body (to fingerprint the request) and the raw answer (to record it)
of every route alike. Requests without the header, and requests whose API key does not check out,
pass through untouched: the route answers them as usual.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from looksmith.api.http.error_envelopes import ErrorEnvelopes
from looksmith.api.http.errors import error_response
from looksmith.api.http.headers import read_api_key
from looksmith.errors import LooksmithError, Unauthorized
from looksmith.services.idempotency import IdempotencyService, Outcome, request_hash
from looksmith.services.keys import KeyService


class IdempotencyMiddleware:
    """Fingerprints keyed POSTs, replays recorded answers, records new ones."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        keys: KeyService,
        service: IdempotencyService,
        envelopes: ErrorEnvelopes,
    ) -> None:
        self._app = app
        self._keys = keys
        self._service = service
        self._envelopes = envelopes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        key = _header(scope, b"idempotency-key") if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST":
            await self._app(scope, receive, send)
            return
        try:
            tenant_id = await run_in_threadpool(self._keys.authenticate, key=read_api_key(scope))
        except Unauthorized:
            await self._app(scope, receive, send)
            return
        body = await _read_body(receive)
        fingerprint = request_hash(
            scope["method"], scope["path"], _header(scope, b"content-type") or "", body
        )
        try:
            decision = await run_in_threadpool(
                self._service.begin, tenant_id=tenant_id, key=key, fingerprint=fingerprint
            )
        except LooksmithError as exc:  # the key was just checked: this is the tenant's format
            envelope = await self._envelopes.of(scope)
            await error_response(exc, envelope)(scope, receive, send)
            return
        if decision.outcome is Outcome.REPLAY:
            await _send_json(send, decision.status, decision.body, replayed=True)
            return
        status, answer = await self._run(scope, body, send)
        await run_in_threadpool(
            self._service.finish, tenant_id=tenant_id, key=key, status=status, body=answer
        )

    async def _run(self, scope: Scope, body: bytes, send: Send) -> tuple[int, bytes]:
        """Run the app on the buffered body; pass the answer on and keep a copy."""
        status = 500
        chunks: list[bytes] = []
        delivered = False

        async def replay_body() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def copying_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self._app(scope, replay_body, copying_send)
        except Exception:
            status = 500
            raise
        finally:
            if status >= 500:
                chunks = []
        return status, b"".join(chunks)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send_json(send: Send, status: int, body: bytes, *, replayed: bool) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None
