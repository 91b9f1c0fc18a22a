"""JSON log lines: fields, request and job ids from the context, tracebacks, odd arguments."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from looksmith.logs import (
    UVICORN_LOGGERS,
    JsonFormatter,
    bind_job_id,
    bind_request_id,
    configure_logging,
    job_id_var,
    request_id_var,
    reset_job_id,
    reset_request_id,
)


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """``configure_logging`` applied, writing to a buffer; the loggers restored afterwards."""
    names = ["", *UVICORN_LOGGERS]
    saved = {
        name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate)
        for name in names
    }
    level = logging.getLogger().level
    configure_logging("DEBUG")
    buffer = io.StringIO()
    ours = [h for h in logging.getLogger().handlers if h.get_name() == "looksmith"]
    assert len(ours) == 1 and isinstance(ours[0], logging.StreamHandler)
    ours[0].setStream(buffer)
    yield buffer
    for name, (handlers, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.propagate = propagate
    logging.getLogger().setLevel(level)


def lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    """Every line written, parsed."""
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_a_line_is_one_json_object_with_the_basic_fields(stream: io.StringIO):
    logging.getLogger("looksmith.test").info("rendered %d images", 4)

    [line] = lines(stream)

    assert set(line) == {"ts", "level", "logger", "msg"}
    assert line["level"] == "INFO"
    assert line["logger"] == "looksmith.test"
    assert line["msg"] == "rendered 4 images"
    ts = datetime.fromisoformat(line["ts"])
    assert ts.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - ts) < timedelta(minutes=1)


def test_bound_ids_appear_and_go_away_when_reset(stream: io.StringIO):
    log = logging.getLogger("looksmith.test")
    request_token = bind_request_id("req-1")
    job_token = bind_job_id(42)
    log.info("inside")
    reset_job_id(job_token)
    reset_request_id(request_token)
    log.info("outside")

    inside, outside = lines(stream)

    assert inside["request_id"] == "req-1" and inside["job_id"] == 42
    assert "request_id" not in outside and "job_id" not in outside
    assert request_id_var.get() is None and job_id_var.get() is None


def test_ids_do_not_leak_between_threads(stream: io.StringIO):
    token = bind_request_id("main-thread")
    try:
        worker = threading.Thread(target=lambda: logging.getLogger("w").info("in a thread"))
        worker.start()
        worker.join()
    finally:
        reset_request_id(token)

    [line] = lines(stream)
    assert "request_id" not in line


def test_an_exception_carries_its_traceback_in_exc(stream: io.StringIO):
    try:
        raise ValueError("bad pixel")
    except ValueError:
        logging.getLogger("looksmith.test").exception("render failed")

    [line] = lines(stream)

    assert line["level"] == "ERROR"
    assert line["msg"] == "render failed"
    assert line["exc"].startswith("Traceback")
    assert "ValueError: bad pixel" in line["exc"]


def test_configuring_twice_keeps_one_handler(stream: io.StringIO):
    configure_logging("INFO")
    configure_logging("INFO", json=False)
    configure_logging("DEBUG")

    ours = [h for h in logging.getLogger().handlers if h.get_name() == "looksmith"]
    assert len(ours) == 1
    logging.getLogger("looksmith.test").debug("once")
    assert len(lines(stream)) == 1


def test_uvicorn_records_go_through_the_root_handler(stream: io.StringIO):
    logging.getLogger("uvicorn.error").handlers.append(logging.NullHandler())
    configure_logging("INFO")
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 1)

    [line] = lines(stream)

    assert line["logger"] == "uvicorn.error"
    assert line["msg"] == "Started server process [1]"
    for name in UVICORN_LOGGERS:
        assert logging.getLogger(name).handlers == []
        assert logging.getLogger(name).propagate


class Unprintable:
    """An object whose ``str`` and ``repr`` both fail."""

    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


@pytest.mark.parametrize(
    ("msg", "args"),
    [
        ("%d items", ("many",)),
        ("%s and %s", ("one",)),
        ("no placeholders", ("extra",)),
        (Unprintable(), ()),
        ("%s", (Unprintable(),)),
        ({"a": 1}, ()),
    ],
)
def test_the_formatter_never_raises_on_odd_arguments(msg: object, args: tuple[object, ...]):
    record = logging.LogRecord("odd", logging.WARNING, __file__, 1, msg, args, None)

    line = json.loads(JsonFormatter().format(record))

    assert line["level"] == "WARNING"
    assert isinstance(line["msg"], str)


def test_odd_values_in_ids_are_written_as_text():
    record = logging.LogRecord("odd", logging.INFO, __file__, 1, "hi", (), None)
    record.job_id = Unprintable()

    line = json.loads(JsonFormatter().format(record))

    assert line["job_id"] == "<unprintable Unprintable>"
