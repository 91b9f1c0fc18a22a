"""Logging as one JSON object per line, carrying the request id and job id of the moment.

Tracebacks go to the log only (``exc``); clients get a generic message and the request id.
"""

from __future__ import annotations

import json as jsonlib
import logging
from contextvars import ContextVar, Token
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("looksmith_request_id", default=None)
job_id_var: ContextVar[int | str | None] = ContextVar("looksmith_job_id", default=None)

# Loggers that uvicorn configures for itself; ours make them hand their records to the root.
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
_HANDLER_NAME = "looksmith"
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def bind_request_id(value: str) -> Token[str | None]:
    """Set the request id for the current context; pass the token to ``reset_request_id``."""
    return request_id_var.set(value)


def reset_request_id(token: Token[str | None]) -> None:
    """Restore the request id that was set before ``bind_request_id``."""
    request_id_var.reset(token)


def bind_job_id(value: int | str) -> Token[int | str | None]:
    """Set the job id for the current context; pass the token to ``reset_job_id``."""
    return job_id_var.set(value)


def reset_job_id(token: Token[int | str | None]) -> None:
    """Restore the job id that was set before ``bind_job_id``."""
    job_id_var.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, msg, request_id, job_id, exc."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON; never raises, whatever the record holds."""
        entry: dict[str, object] = {
            "ts": _iso_utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "msg": _message(record),
        }
        _add_context(entry, record)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return jsonlib.dumps(entry, default=_safe_str, ensure_ascii=False)


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    """Send every log record, uvicorn's included, to stderr through one root handler."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == _HANDLER_NAME), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.set_name(_HANDLER_NAME)
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if json else logging.Formatter(_TEXT_FORMAT))
    root.setLevel(level.upper())
    for name in UVICORN_LOGGERS:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True


def _add_context(entry: dict[str, object], record: logging.LogRecord) -> None:
    # ``extra={"job_id": ...}`` on a call wins over the context, for code outside a bound scope.
    request_id = getattr(record, "request_id", None) or request_id_var.get()
    job_id = getattr(record, "job_id", None) or job_id_var.get()
    if request_id is not None:
        entry["request_id"] = _plain(request_id)
    if job_id is not None:
        entry["job_id"] = _plain(job_id)


def _plain(value: object) -> object:
    # Ids given through ``extra`` may be anything; JSON gets a string or a number.
    return value if isinstance(value, str | int | float) else _safe_str(value)


def _iso_utc(created: float) -> str:
    return datetime.fromtimestamp(created, tz=UTC).isoformat(timespec="milliseconds")


def _message(record: logging.LogRecord) -> str:
    # A bad format string or argument must not lose the line, nor raise inside logging.
    try:
        return record.getMessage()
    except Exception:
        return f"{_safe_str(record.msg)} (unformattable args: {_safe_str(record.args)})"


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"
