"""Maps every error to the wire envelope, in this one place."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException

from looksmith.api.http.error_envelopes import Envelope, ErrorEnvelopes
from looksmith.api.schemas.photo_avatar import ENUM_FIELDS
from looksmith.errors import (
    InvalidParameter,
    LooksmithError,
    MethodNotAllowed,
    MissingParameter,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    UnsupportedMediaType,
)

log = logging.getLogger(__name__)

_BY_STATUS: dict[int, type[LooksmithError]] = {
    404: NotFound,
    405: MethodNotAllowed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
}


def error_body(error: LooksmithError, envelope: Envelope) -> bytes:
    """The encoded envelope for ``error`` in the given form."""
    body: dict[str, Any]
    if envelope is Envelope.V1:
        body = {"code": error.v1_code, "message": error.message, "data": None}
    elif envelope is Envelope.OBJECT:
        detail: dict[str, Any] = {"code": error.code, "message": error.message}
        if error.param is not None:
            detail["param"] = error.param
        body = {"error": detail, "data": None}
    else:
        body = {"error": error.message, "code": error.code, "data": None}
    return json.dumps(body).encode()


def error_response(
    error: LooksmithError, envelope: Envelope, headers: dict[str, str] | None = None
) -> Response:
    """A JSON response carrying ``error``."""
    return Response(
        content=error_body(error, envelope),
        status_code=error.status,
        media_type="application/json",
        headers=headers,
    )


def validation_error(errors: Sequence[Any]) -> InvalidParameter:
    """The first validation problem, as a 400 naming the field and the reason."""
    first = errors[0] if errors else {"loc": ("body",), "type": "invalid"}
    loc = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    # A JSON syntax error's location is a character offset, not a field.
    param = "body" if first.get("type") == "json_invalid" else ".".join(loc) or "body"
    if first.get("type") == "missing":
        return MissingParameter(param)
    return InvalidParameter(param, _reason(param, first))


def _reason(param: str, error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "json_invalid":
        return "is not valid JSON"
    if kind in ("model_attributes_type", "dict_type"):
        return "must be a JSON object"
    if kind == "string_type":
        return "must be a string"
    if kind == "enum" and param in ENUM_FIELDS:
        allowed = ", ".join(member.value for member in ENUM_FIELDS[param])
        return f"must be one of: {allowed} (case-sensitive)"
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return f"at least {ctx.get('min_length')} character(s)"
    if kind == "too_short":
        return f"give at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"give at most {ctx.get('max_length')} items"
    if kind == "list_type":
        return "must be a list"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "must be an integer"
    if kind in ("bool_parsing", "bool_type"):
        return "must be true or false"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    return str(error.get("msg", "is invalid"))


def install_error_handlers(app: FastAPI, envelopes: ErrorEnvelopes) -> None:
    """Route every framework and service error through ``error_response``."""

    async def on_service_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LooksmithError)
        envelope = await envelopes.of(request.scope)
        return error_response(exc, envelope, headers=exc.headers or None)

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        envelope = await envelopes.of(request.scope)
        return error_response(validation_error(exc.errors()), envelope)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        error_type = _BY_STATUS.get(exc.status_code)
        if exc.status_code == 400:  # Starlette could not read the body at all
            error: LooksmithError = InvalidParameter("body", "could not be parsed")
        elif error_type is not None:
            error = error_type()
        else:
            error = LooksmithError(str(exc.detail))
            error.status = exc.status_code
            error.v1_code = (400 if exc.status_code < 500 else 500) * 1000 + exc.status_code
        envelope = await envelopes.of(request.scope)
        return error_response(error, envelope, headers=dict(exc.headers or {}))

    async def on_database_down(request: Request, exc: Exception) -> Response:
        log.warning("database unavailable: %s", exc)
        envelope = await envelopes.of(request.scope, ask_database=False)
        return error_response(ServiceUnavailable(), envelope, headers={"Retry-After": "5"})

    app.add_exception_handler(LooksmithError, on_service_error)
    # Connection-level failures only: anything else from the database is a bug and answers 500.
    app.add_exception_handler(OperationalError, on_database_down)
    app.add_exception_handler(InterfaceError, on_database_down)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
