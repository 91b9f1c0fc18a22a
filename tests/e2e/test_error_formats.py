"""Error bodies over HTTP against ``looksmith serve``: per-tenant v2 formats set with the CLI, and
HeyGen's v1 form on v1 routes, read by the SDK and the command line alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from looksmith_client import BadRequest, Client, NotFound
from tests.support import VALID_BODY
from tests.support.deployment import Deployment, embedded, wait

GENERATE = "/v2/photo_avatar/photo/generate"
UNKNOWN = "0" * 32
BAD = {**VALID_BODY, "pose": "sideways"}


def new_key(server: Deployment, name: str, *options: str) -> str:
    return server.cli("keys", "create", "--name", name, *options).splitlines()[-1]


def v2_form(response: httpx.Response) -> str:
    """Which v2 error form a 4xx answer is in: 'object' or 'string'."""
    body: dict[str, Any] = response.json()
    assert body["data"] is None, body
    if isinstance(body["error"], dict):
        assert body["error"]["code"] and body["error"]["message"], body
        return "object"
    assert isinstance(body["error"], str) and isinstance(body["code"], str), body
    return "string"


def test_each_tenant_answers_in_the_format_set_with_the_cli(server: Deployment):
    keys = {
        "object": new_key(server, "objects", "--error-format", "object"),
        "string": new_key(server, "strings", "--error-format", "string"),
        "default": new_key(server, "plain"),
    }
    listed = server.cli("keys", "list")
    for prefix, shown in (
        (keys["object"][:10], " object"),
        (keys["string"][:10], " string"),
        (keys["default"][:10], " string (server default)"),
    ):
        row = next(line for line in listed.splitlines() if line.startswith(prefix))
        assert row.endswith(shown), row
    with httpx.Client(base_url=server.url, timeout=10) as http:

        def form(key: str, path: str = GENERATE) -> str:
            response = http.post(path, json=BAD, headers={"x-api-key": key})
            assert response.status_code == 400, response.text
            return v2_form(response)

        assert [form(keys[name]) for name in ("object", "string", "default")] == [
            "object",
            "string",
            "string",
        ]
        missing = http.get(
            f"/v2/photo_avatar/generation/{UNKNOWN}", headers={"x-api-key": keys["object"]}
        )
        assert (missing.status_code, v2_form(missing)) == (404, "object")
        anonymous = http.post(GENERATE, json=BAD, headers={"x-api-key": "lk_unknown"})
        assert (anonymous.status_code, v2_form(anonymous)) == (401, "string")

        server.cli("keys", "set", keys["default"][:10], "--error-format", "object")
        # Every API process learns it within the key cache interval.
        wait(lambda: form(keys["default"]) == "object", 30, "keys set did not take effect")
        server.cli("keys", "set", keys["default"][:10], "--error-format", "default")
        wait(lambda: form(keys["default"]) == "string", 30, "default did not take effect")


def assert_v1(response: httpx.Response, status: int, code: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "data"} and body["data"] is None, body
    assert body["code"] == code and isinstance(body["message"], str), body
    return str(body["message"])


def test_v1_route_families_answer_integer_codes_and_clients_read_them(tmp_path: Path):
    with embedded(tmp_path / "data") as server:
        key = new_key(server, "v1", "--error-format", "object")
        headers = {"x-api-key": key}
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as http:
            upload = http.post("/v1/asset", content=b"hello", headers={"content-type": "x/y"})
            assert "Content-Type" in assert_v1(upload, 415, 400415)
            added = http.post("/v1/webhook/endpoint.add", json={})
            assert assert_v1(added, 400, 40001) == "url: is required"
            gone = http.delete(f"/v1/webhook/endpoint.delete?endpoint_id={UNKNOWN}")
            assert_v1(gone, 404, 400131)
            for path in (f"/v2/photo_avatar/{UNKNOWN}", f"/v2/avatar_group/{UNKNOWN}"):
                assert_v1(http.delete(path), 404, 400404)
            assert_v1(http.get("/v1/unknown"), 404, 400404)
            assert_v1(http.post("/v1/asset", headers={"x-api-key": "lk_x"}), 401, 400112)

        with Client(server.url, key) as client:
            with pytest.raises(BadRequest) as refused:
                client.upload(b"hello", content_type="text/plain")
            assert refused.value.code == "400415" and "Content-Type" in refused.value.message
            with pytest.raises(NotFound) as missing:
                client.delete_look(UNKNOWN)
            assert missing.value.code == "400404"

        text = tmp_path / "notes.txt"
        text.write_text("not a photo")
        shown = subprocess.run(
            [sys.executable, "-m", "looksmith", "upload", str(text), "--base-url", server.url],
            env={**os.environ, "LOOKSMITH_API_KEY": key},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert shown.returncode == 3, shown.stderr
        assert shown.stderr.startswith("error: 4") and "400" in shown.stderr, shown.stderr
