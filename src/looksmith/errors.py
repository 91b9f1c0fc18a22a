"""The one error hierarchy; ``api/http/errors.py`` maps it to the wire envelope in one place.

Each class with its HTTP status, ``code`` (v2 routes) and ``v1_code`` (v1 routes); a unit test
checks this table against the classes below.

                                 status  code                    v1 code
LooksmithError                   500     internal_error          500500
├── InvalidParameter             400     invalid_parameter       400175
│   ├── MissingParameter         400     invalid_parameter       40001
│   └── InvalidWebhookUrl        400     invalid_parameter       400542
├── InvalidState                 400     invalid_parameter       400175
├── Unauthorized                 401     unauthorized            400112
├── Forbidden                    403     forbidden               400562
├── NotFound                     404     not_found               400404
│   └── WebhookEndpointNotFound  404     not_found               400131
├── MethodNotAllowed             405     method_not_allowed      400405
├── PayloadTooLarge              413     payload_too_large       400413
├── UnsupportedMediaType         415     unsupported_media_type  400415
├── RateLimited                  429     rate_limit_exceeded     400429
│   └── QuotaExceeded            429     rate_limit_exceeded     401028
├── PermanentJobError            500     internal_error          500500
├── ServiceUnavailable           503     service_unavailable     500503
├── IdempotencyKeyReused         409     idempotency_key_reused  400422
└── RequestInProgress            409     request_in_progress     400409

``InvalidParameter`` names the field (``param``); ``InvalidState`` is an object in the wrong
state; ``RateLimited`` sends Retry-After and RateLimit headers; ``PermanentJobError`` is raised
inside a job, which then fails its target at once instead of retrying.

``v1_code`` is the integer ``code`` of HeyGen's v1 error form (``/v1/*`` routes and the v1-envelope
deletes): HeyGen's own number where one is known, else 400 or 500 followed by the HTTP status.
An error's ``headers`` go out with its response.
"""

from __future__ import annotations

from collections.abc import Mapping


class LooksmithError(Exception):
    """Something went wrong; the docstring of each subclass is its default message."""

    status = 500
    code = "internal_error"
    v1_code = 500500

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
    v1_code = 400175

    def __init__(self, param: str, reason: str) -> None:
        super().__init__(f"{param}: {reason}", param=param)


class MissingParameter(InvalidParameter):
    """Missing required input parameters."""

    v1_code = 40001

    def __init__(self, param: str) -> None:
        super().__init__(param, "is required")


class InvalidWebhookUrl(InvalidParameter):
    """Url of this webhook endpoint is invalid."""

    v1_code = 400542


class InvalidState(LooksmithError):
    """The object is not in a state that allows this."""

    status = 400
    code = "invalid_parameter"
    v1_code = 400175


class Unauthorized(LooksmithError):
    """Missing or invalid API key."""

    status = 401
    code = "unauthorized"
    v1_code = 400112


class Forbidden(LooksmithError):
    """Missing, invalid or expired signature."""

    status = 403
    code = "forbidden"
    v1_code = 400562


class NotFound(LooksmithError):
    """Not found."""

    status = 404
    code = "not_found"
    v1_code = 400404


class WebhookEndpointNotFound(NotFound):
    """Webhook endpoint not found."""

    v1_code = 400131


class MethodNotAllowed(LooksmithError):
    """Method not allowed."""

    status = 405
    code = "method_not_allowed"
    v1_code = 400405


class PayloadTooLarge(LooksmithError):
    """Request body too large."""

    status = 413
    code = "payload_too_large"
    v1_code = 400413


class UnsupportedMediaType(LooksmithError):
    """Unsupported media type."""

    status = 415
    code = "unsupported_media_type"
    v1_code = 400415


class RateLimited(LooksmithError):
    """Too many requests; retry later."""

    status = 429
    code = "rate_limit_exceeded"
    v1_code = 400429

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


class QuotaExceeded(RateLimited):
    """A quota is used up; retry when jobs finish or after deleting images."""

    v1_code = 401028


class PermanentJobError(LooksmithError):
    """This job cannot succeed however often it runs."""

    # Raised inside a job (an engine, a service): the job runner gives up on it at once, and the
    # message, meant for the client, becomes the reason its target failed.


class ServiceUnavailable(LooksmithError):
    """The database is unreachable; retry in a few seconds."""

    status = 503
    code = "service_unavailable"
    v1_code = 500503


class IdempotencyKeyReused(LooksmithError):
    """This Idempotency-Key was used with a different request."""

    status = 409
    code = "idempotency_key_reused"
    v1_code = 400422


class RequestInProgress(LooksmithError):
    """A request with this Idempotency-Key is still being handled; retry shortly."""

    status = 409
    code = "request_in_progress"
    v1_code = 400409
