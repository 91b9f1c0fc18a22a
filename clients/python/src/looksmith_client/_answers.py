"""Reading answers: the success envelopes of both API generations, and errors as exceptions."""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from looksmith_client._errors import (
    ApiError,
    BadRequest,
    Conflict,
    NotFound,
    RateLimited,
    ResponseError,
    ServerError,
    Unauthorized,
)
from looksmith_client._models import Look, TrainingStarted

M = TypeVar("M", bound=BaseModel)

RETRY_STATUSES = frozenset({429, 503})

_ERROR_CLASSES: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Unauthorized,
    404: NotFound,
    409: Conflict,
    413: BadRequest,
    415: BadRequest,
    422: BadRequest,
    429: RateLimited,
}


def retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (either form), or None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def api_error(response: httpx.Response) -> ApiError:
    """The exception for an error answer, from either envelope form (or none)."""
    message, code, param = _error_fields(response)
    cls = _ERROR_CLASSES.get(response.status_code)
    if cls is None:
        cls = ServerError if response.status_code >= 500 else ApiError
    fields: dict[str, Any] = {
        "status_code": response.status_code,
        "code": code,
        "param": param,
        "request_id": response.headers.get("x-request-id"),
    }
    if cls is RateLimited:
        return RateLimited(message, retry_after=retry_after(response), **fields)
    return cls(message, **fields)


def _error_fields(response: httpx.Response) -> tuple[str, str | None, str | None]:
    fallback = response.reason_phrase or f"HTTP {response.status_code}"
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return fallback, None, None
    if not isinstance(body, dict):
        return fallback, None, None
    error = body.get("error")
    if isinstance(error, dict):  # object form: {"error": {"code", "message", "param"}}
        return (
            str(error.get("message") or fallback),
            _text(error.get("code")),
            _text(error.get("param")),
        )
    if isinstance(error, str):  # string form: {"error": "msg", "code": "...", "data": null}
        return error, _text(body.get("code")), None
    message = body.get("message") or body.get("msg")  # v1 form: {"code": 400xxx, "message"}
    return (str(message) if message else fallback), _text(body.get("code")), None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def parse_data(response: httpx.Response, model: type[M]) -> M:
    """The ``data`` of a success envelope as ``model``; raises the mapped error otherwise."""
    data = _data(response)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ResponseError(f"unexpected answer from the server: {exc}") from exc


def parse_looks(response: httpx.Response) -> list[Look]:
    """The looks of an add-looks answer."""
    data = _data(response)
    looks = data.get("photo_avatar_list") if isinstance(data, dict) else None
    if not isinstance(looks, list):
        raise ResponseError("unexpected answer from the server: no photo_avatar_list")
    return [Look.model_validate(look) for look in looks]


def parse_nothing(response: httpx.Response) -> None:
    """Checks an answer that carries nothing (a delete)."""
    _data(response, allow_empty=True)


def parse_training_started(response: httpx.Response) -> TrainingStarted:
    """A training answer; ``data`` may be null on some servers."""
    data = _data(response, allow_empty=True)
    return TrainingStarted.model_validate(data or {})


def _data(response: httpx.Response, *, allow_empty: bool = False) -> Any:
    if response.status_code >= 400:
        raise api_error(response)
    if allow_empty and not response.content:
        return None
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResponseError(f"the server did not answer JSON ({response.status_code})") from exc
    if not isinstance(body, dict):
        raise ResponseError("the server's answer is not a JSON object")
    # v2 envelopes put failures in "error"; v1 envelopes say success with "code": 100.
    failed_v2 = body.get("error") not in (None, "", {})
    failed_v1 = "code" in body and isinstance(body["code"], int) and body["code"] != 100
    if failed_v2 or failed_v1:
        raise api_error(response)
    data = body.get("data")
    if data is None and not allow_empty:
        raise ResponseError("the server's answer has no data")
    return data
