"""End to end against a real server process, driven over HTTP like a HeyGen client would."""

from __future__ import annotations

import io
import sqlite3
import time
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.support import VALID_BODY
from tests.support.deployment import Deployment
from tests.support.polling import until_not
from tests.support.server import Server

pytestmark = pytest.mark.e2e

SIZES = {"square": (1024, 1024), "horizontal": (1344, 768), "vertical": (768, 1344)}


def generate(client: httpx.Client, **changes: str) -> str:
    response = client.post("/v2/photo_avatar/photo/generate", json={**VALID_BODY, **changes})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["generation_id"])


def poll(client: httpx.Client, generation_id: str, timeout: float = 60) -> dict[str, Any]:
    """The generation's status once it left ``in_progress``."""
    path = f"/v2/photo_avatar/generation/{generation_id}"
    return until_not(client, path, "status", "in_progress", timeout=timeout, interval=0.1)


def test_generate_poll_and_fetch_every_orientation(server: Deployment):
    key = server.create_key("alice")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=10) as client:
        ids = {name: generate(client, orientation=name) for name in SIZES}
        for orientation, generation_id in ids.items():
            data = poll(client, generation_id)
            assert data["status"] == "success"
            assert len(data["image_url_list"]) == 4
            pictures = []
            for url in data["image_url_list"]:
                assert "/image/" in url
                response = httpx.get(url, timeout=10)
                assert response.status_code == 200
                image = Image.open(io.BytesIO(response.content))
                assert image.format == "JPEG"
                assert image.size == SIZES[orientation]
                pictures.append(response.content)
            assert len(set(pictures)) == 4


def test_auth_isolation_signatures_and_json_404_over_http(server: Deployment):
    alice, bob = server.create_key("alice"), server.create_key("bob")
    with httpx.Client(base_url=server.url, headers={"x-api-key": alice}, timeout=10) as owner:
        generation_id = generate(owner)
        url = poll(owner, generation_id)["image_url_list"][0]
    status_path = f"/v2/photo_avatar/generation/{generation_id}"
    with httpx.Client(base_url=server.url, timeout=10) as anonymous:
        assert anonymous.get(status_path).status_code == 401
        foreign = anonymous.get(status_path, headers={"x-api-key": bob})
        assert foreign.status_code == 404
        assert foreign.json()["error"] == f"generation {generation_id} not found"

        assert anonymous.get(url).status_code == 200
        if server.checks_signatures:  # moto, standing in for S3, does not check presigned links
            assert anonymous.get(url.replace("Signature=", "Signature=x")).status_code == 403
            assert anonymous.get(url.split("?")[0]).status_code == 403

        missing = anonymous.get("/v2/photo_avatar/upload")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/json"
        assert "x-request-id" in missing.headers


def test_a_key_revoked_from_the_cli_stops_working_within_the_cache_interval(
    server: Deployment,
):
    key = server.create_key("carol")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=10) as client:
        generation_id = generate(client)
        poll(client, generation_id)  # the key and the finished status are now both cached
        out = server.cli("keys", "revoke", key[:10])
        assert "revoked 1 key" in out
        statuses = []
        deadline = time.monotonic() + 10  # the server trusts a checked key for 2 s
        while time.monotonic() < deadline and 401 not in statuses:
            statuses.append(client.get(f"/v2/photo_avatar/generation/{generation_id}").status_code)
            time.sleep(0.1)
        assert statuses[-1] == 401
        assert set(statuses) <= {200, 401}
    listing = server.cli("keys", "list")
    assert key[:10] in listing
    assert key not in listing


def test_sigkill_mid_rendering_loses_nothing(tmp_path):
    server = Server(data_dir=tmp_path / "data", env={"LOOKSMITH_WORKERS": "1"})
    server.data_dir.mkdir()
    key = server.create_key("dave")
    server.start()
    try:
        with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=10) as client:
            ids = [generate(client, orientation="horizontal", pose=p) for p in SIZE_POSES]
            server.kill()
            unfinished = _unfinished_at_kill(server)
            assert unfinished, "the kill came too late to interrupt anything; test proves nothing"

            server.start()
            results = [poll(client, generation_id) for generation_id in ids]
        assert [r["status"] for r in results] == ["success"] * len(ids)
        expected = {k for r in results for k in r["image_key_list"]}
        assert len(expected) == 4 * len(ids)
        stored = {
            p.relative_to(server.data_dir / "blobs").as_posix()
            for p in (server.data_dir / "blobs").rglob("*")
            if p.is_file()
        }
        assert stored == expected  # no duplicate, orphaned or partial files
    finally:
        server.stop()


SIZE_POSES = ["close_up", "half_body", "full_body"] * 4


def _unfinished_at_kill(server: Server) -> list[str]:
    with sqlite3.connect(server.data_dir / "looksmith.db") as conn:
        rows = conn.execute(
            "SELECT id FROM generations WHERE status IN ('queued', 'rendering')"
        ).fetchall()
    return [row[0] for row in rows]


def progress(client: httpx.Client, generation_id: str) -> dict[str, Any]:
    """The generation's status with its progress fields (``finished_at`` among them)."""
    path = f"/v2/photo_avatar/generation/{generation_id}?include=progress"
    data: dict[str, Any] = client.get(path).json()["data"]
    return data


def test_one_tenants_burst_does_not_starve_another(tmp_path):
    server = Server(data_dir=tmp_path / "data", env={"LOOKSMITH_WORKERS": "1"})
    server.data_dir.mkdir()
    alice, bob = server.create_key("alice"), server.create_key("bob")
    server.start()
    try:
        with (
            httpx.Client(base_url=server.url, headers={"x-api-key": alice}, timeout=10) as a,
            httpx.Client(base_url=server.url, headers={"x-api-key": bob}, timeout=10) as b,
        ):
            burst = [generate(a, orientation="vertical") for _ in range(50)]
            single = generate(b)
            assert poll(b, single, timeout=60)["status"] == "success"
            # Count by the server's own finish times, not by what is done when the client gets
            # round to asking: A's burst keeps finishing while these reads run.
            bob_done = progress(b, single)["finished_at"]
            reports = [progress(a, i) for i in burst]
            done = [r for r in reports if r["status"] == "success" and r["finished_at"] <= bob_done]
            assert len(done) < 10, f"{len(done)} of tenant A's jobs finished before B's one"
    finally:
        server.stop()


def test_idempotent_replay_and_conflict_over_http(server: Deployment):
    key = server.create_key("ida")
    headers = {"x-api-key": key, "idempotency-key": "e2e-1"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
        first = client.post("/v2/photo_avatar/photo/generate", json=VALID_BODY)
        again = client.post("/v2/photo_avatar/photo/generate", json=VALID_BODY)
        other = client.post("/v2/photo_avatar/photo/generate", json={**VALID_BODY, "name": "B"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"


def test_rate_limits_answer_429_with_headers(tmp_path):
    env = {
        "LOOKSMITH_RATE_LIMIT__ENABLED": "true",
        "LOOKSMITH_RATE_LIMIT__WRITE_RPS": "0.5",
        "LOOKSMITH_RATE_LIMIT__WRITE_BURST": "2",
    }
    server = Server(data_dir=tmp_path / "data", env=env)
    server.data_dir.mkdir()
    alice, bob = server.create_key("alice"), server.create_key("bob")
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            answers = [
                client.post(
                    "/v2/photo_avatar/photo/generate", json=VALID_BODY, headers={"x-api-key": alice}
                )
                for _ in range(3)
            ]
            other = client.post(
                "/v2/photo_avatar/photo/generate", json=VALID_BODY, headers={"x-api-key": bob}
            )
        assert [a.status_code for a in answers] == [200, 200, 429]
        refused = answers[2]
        assert refused.json()["code"] == "rate_limit_exceeded"
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["ratelimit-policy"].startswith('"write";q=2')
        assert refused.headers["ratelimit"].startswith('"write";r=0')
        assert "ratelimit" in answers[0].headers
        assert other.status_code == 200  # another tenant has its own bucket
    finally:
        server.stop()
