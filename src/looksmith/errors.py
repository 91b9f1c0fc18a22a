"""The one error hierarchy; ``api/errors.py`` maps it to the wire envelope in one place.

LooksmithError            500 internal_error
├── InvalidParameter      400 invalid_parameter (names the field in ``param``)
├── InvalidState          400 invalid_parameter (object in the wrong state)
├── Unauthorized          401 unauthorized
├── Forbidden             403 forbidden
├── NotFound              404 not_found
├── MethodNotAllowed      405 method_not_allowed
├── PayloadTooLarge       413 payload_too_large
├── UnsupportedMediaType  415 unsupported_media_type
├── RateLimited           429 rate_limit_exceeded (carries Retry-After and RateLimit headers)
└── PermanentJobError     a background job that cannot succeed however often it runs

An error's ``headers`` go out with its response.
"""

from __future__ import annotations

from collections.abc import Mapping


class LooksmithError(Exception):
    """Something went wrong; the docstring of each subclass is its default message."""

    status = 500
    code = "internal_error"

    def __init__(
        self,
        message: str | None = None,
        *,
        param: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message or (self.__doc__ or "").strip()
        self.param = param
        self.headers: dict[str, str] = dict(headers or {})
        super().__init__(self.message)


class InvalidParameter(LooksmithError):
    """Invalid parameter."""

    status = 400
    code = "invalid_parameter"

    def __init__(self, param: str, reason: str) -> None:
        super().__init__(f"{param}: {reason}", param=param)


class InvalidState(LooksmithError):
    """The object is not in a state that allows this."""

    status = 400
    code = "invalid_parameter"


class Unauthorized(LooksmithError):
    """Missing or invalid API key."""

    status = 401
    code = "unauthorized"


class Forbidden(LooksmithError):
    """Missing, invalid or expired signature."""

    status = 403
    code = "forbidden"


class NotFound(LooksmithError):
    """Not found."""

    status = 404
    code = "not_found"


class MethodNotAllowed(LooksmithError):
    """Method not allowed."""

    status = 405
    code = "method_not_allowed"


class PayloadTooLarge(LooksmithError):
    """Request body too large."""

    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(LooksmithError):
    """Unsupported media type."""

    status = 415
    code = "unsupported_media_type"


class RateLimited(LooksmithError):
    """Too many requests; retry later."""

    status = 429
    code = "rate_limit_exceeded"

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: int,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        # Retry-After is whole seconds, and 0 would invite an immediate retry.
        self.retry_after = max(1, retry_after)
        super().__init__(message, headers={"Retry-After": str(self.retry_after), **(headers or {})})


class PermanentJobError(LooksmithError):
    """This job cannot succeed however often it runs."""

    # Raised inside a job (an engine, a service): the job runner gives up on it at once, and the
    # message, meant for the client, becomes the reason its target failed.


class ServiceUnavailable(LooksmithError):
    """The database is unreachable; retry in a few seconds."""

    status = 503
    code = "service_unavailable"


class IdempotencyKeyReused(LooksmithError):
    """This Idempotency-Key was used with a different request."""

    status = 409
    code = "idempotency_key_reused"


class RequestInProgress(LooksmithError):
    """A request with this Idempotency-Key is still being handled; retry shortly."""

    status = 409
    code = "request_in_progress"
