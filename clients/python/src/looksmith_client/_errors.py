"""The client's exception tree; see the package docstring for the picture."""

from __future__ import annotations


class LooksmithError(Exception):
    """Base of every error this client raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransportError(LooksmithError):
    """The server could not be reached, or the connection broke."""


class Timeout(TransportError):
    """Connecting, sending or reading took longer than the client's timeout."""


class WaitTimeout(LooksmithError, TimeoutError):
    """A ``wait`` ran out of time before the job finished."""


class ResponseError(LooksmithError):
    """The server answered something that is not a v2 API answer (bad JSON, wrong shape)."""


class ApiError(LooksmithError):
    """The server answered with an error envelope."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.param = param
        self.request_id = request_id

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"{self.status_code}{code}: {self.message}"


class BadRequest(ApiError):
    """The request was refused as invalid (400, 413, 415, 422); ``param`` names the field."""


class Unauthorized(ApiError):
    """The API key is missing, unknown or revoked (401, 403)."""


class NotFound(ApiError):
    """No such object for this key's tenant (404)."""


class Conflict(ApiError):
    """The request clashes with another (409), e.g. an idempotency key reused."""


class RateLimited(ApiError):
    """Too many requests or over a quota (429); ``retry_after`` is in seconds, if sent."""

    def __init__(self, message: str, *, retry_after: float | None = None, **fields: object) -> None:
        super().__init__(message, **fields)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(ApiError):
    """The server failed (5xx)."""
