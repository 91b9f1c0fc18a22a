"""The client commands in-process, through a mock transport: what they send, and the errors
no server process can provoke (a malformed answer, a failure nobody foresaw)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from looksmith.cli import client_commands, main
from looksmith_client import Client
from tests.support.photos import astronaut_jpeg

MockHandler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def mocked(monkeypatch: pytest.MonkeyPatch) -> Callable[[MockHandler], list[httpx.Request]]:
    def install(handler: MockHandler) -> list[httpx.Request]:
        seen: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return handler(request)

        def factory(base_url: str | None, api_key: str | None) -> Client:
            transport = httpx.MockTransport(record)
            return Client(base_url or "http://api.test", api_key or "k", transport=transport)

        monkeypatch.setattr(client_commands, "Client", factory)
        return seen

    return install


def answer(data: object) -> httpx.Response:
    return httpx.Response(200, json={"error": None, "data": data})


SUCCESS = {"id": "g1", "status": "success", "image_url_list": [], "image_key_list": []}


def test_json_mode_long_polls(
    mocked: Callable[[MockHandler], list[httpx.Request]], capsys: pytest.CaptureFixture[str]
):
    seen = mocked(lambda _: answer(SUCCESS))
    assert main(["status", "g1", "--wait", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "success"
    assert seen[0].headers["prefer"] == "wait=30", "--json waits with long polls"
    assert "include" not in seen[0].url.params, "no progress asked for when none is shown"


def test_an_upload_answer_without_a_key_is_a_server_error(
    mocked: Callable[[MockHandler], list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
):
    photo = tmp_path / "me.jpg"
    photo.write_bytes(astronaut_jpeg())
    mocked(lambda _: answer({"id": "a1", "image_key": None, "url": "http://x"}))
    assert main(["group", "create", "X", "--photo", str(photo)]) == 3
    assert "no image_key" in capsys.readouterr().err


def test_an_unforeseen_failure_is_a_message_not_a_traceback(
    mocked: Callable[[MockHandler], list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
):
    mocked(lambda _: answer(SUCCESS))

    def broken(*_: object) -> None:
        raise RuntimeError("something odd")

    monkeypatch.setattr(client_commands.render, "generation", broken)
    assert main(["status", "g1"]) == 3
    err = capsys.readouterr().err
    assert err == "error: something odd\n"


def test_the_shared_options_follow_any_client_command(
    mocked: Callable[[MockHandler], list[httpx.Request]], capsys: pytest.CaptureFixture[str]
):
    seen = mocked(lambda _: answer({"avatar_group_list": [], "total_count": 0}))
    args = ["group", "list", "--base-url", "http://other.test", "--api-key", "k2", "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["total_count"] == 0
    assert seen[0].url.host == "other.test"
    assert seen[0].headers["x-api-key"] == "k2"
