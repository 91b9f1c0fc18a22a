"""The diffusers engine behind the real API: a ``looksmith serve`` process on the tiny model."""

from __future__ import annotations

import io
import os
import re
import signal
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.diffusers.conftest import engine_env
from tests.support import VALID_BODY
from tests.support.photos import astronaut_jpeg
from tests.support.polling import until_not
from tests.support.server import Server

pytestmark = [pytest.mark.diffusers, pytest.mark.e2e]

JOB_STARTED = re.compile(r"engine host pid (\d+): job (\d+) started")


@pytest.fixture(scope="module")
def server(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server on the tiny model; renders take 60 steps, so a host can be killed mid-job."""
    data_dir = tmp_path_factory.mktemp("diffusers-api") / "data"
    data_dir.mkdir()
    env = engine_env(
        tiny_model,
        LOOKSMITH_DIFFUSERS__STEPS="60",
        LOOKSMITH_DIFFUSERS__CPU_THREADS="1",
        LOOKSMITH_WORKERS="1",
    )
    running = Server(data_dir=data_dir, env=env)
    running.create_key("bootstrap")
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    key = server.create_key("painter")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=30) as session:
        yield session


until = partial(until_not, timeout=300, interval=0.2)  # diffusers on a CPU is slow


def finished_images(client: httpx.Client, generation_id: str) -> list[Image.Image]:
    result = until(client, f"/v2/photo_avatar/generation/{generation_id}", "status", "in_progress")
    assert result["status"] == "success", result
    assert len(result["image_url_list"]) == 4
    images = []
    for url in result["image_url_list"]:
        response = httpx.get(url)
        assert response.status_code == 200
        images.append(Image.open(io.BytesIO(response.content)))
    return images


@pytest.mark.parametrize(
    ("orientation", "size"),
    [("square", (1024, 1024)), ("horizontal", (1344, 768)), ("vertical", (768, 1344))],
)
def test_a_photo_generation_succeeds_with_four_pictures_of_its_size(
    client: httpx.Client, orientation: str, size: tuple[int, int]
):
    response = client.post(
        "/v2/photo_avatar/photo/generate", json={**VALID_BODY, "orientation": orientation}
    )
    assert response.status_code == 200, response.text
    images = finished_images(client, response.json()["data"]["generation_id"])
    assert [image.size for image in images] == [size] * 4
    assert all(image.format == "JPEG" for image in images)
    assert len({image.tobytes() for image in images}) == 4


def test_a_group_trains_a_lora_and_gets_looks(server: Server, client: httpx.Client):
    upload = client.post(
        "/v1/asset", content=astronaut_jpeg(), headers={"content-type": "image/jpeg"}
    )
    assert upload.status_code == 200, upload.text
    created = client.post(
        "/v2/photo_avatar/avatar_group/create",
        json={"name": "Eileen", "image_key": upload.json()["data"]["image_key"]},
    )
    assert created.status_code == 200, created.text
    group_id = created.json()["data"]["group_id"]
    assert until(client, f"/v2/photo_avatar/{group_id}", "status", "pending")["status"] == (
        "completed"
    )
    assert client.post("/v2/photo_avatar/train", json={"group_id": group_id}).status_code == 200
    trained = until(client, f"/v2/photo_avatar/train/status/{group_id}", "status", "pending")
    assert trained["status"] == "ready", trained
    # The identity stored under the group is the LoRA adapter, a safetensors file.
    blobs = server.data_dir / "blobs"
    [identity] = [p for p in blobs.rglob("*") if p.is_file() and group_id in p.as_posix()
                  and "identity" in p.as_posix()]  # fmt: skip
    data = identity.read_bytes()
    assert b'"looksmith.token":"ohwx"' in data[: 8 + int.from_bytes(data[:8], "little")]

    generated = client.post(
        "/v2/photo_avatar/look/generate",
        json={"group_id": group_id, "prompt": "green dress", "orientation": "vertical",
              "pose": "full_body", "style": "Vintage"},
    )  # fmt: skip
    assert generated.status_code == 200, generated.text
    images = finished_images(client, generated.json()["data"]["generation_id"])
    assert [image.size for image in images] == [(768, 1344)] * 4
    listing = client.get(f"/v2/avatar_group/{group_id}/avatars", params={"limit": 100}).json()
    looks = listing["data"]["avatar_list"]
    assert sum(look["business_type"] == "generated" for look in looks) == 4


def test_a_host_killed_mid_job_is_replaced_and_the_generation_succeeds(
    server: Server, client: httpx.Client
):
    log = server.data_dir / "server.log"
    seen = len(JOB_STARTED.findall(log.read_text()))
    response = client.post("/v2/photo_avatar/photo/generate", json=VALID_BODY)
    assert response.status_code == 200, response.text
    deadline = time.monotonic() + 120
    while len(started := JOB_STARTED.findall(log.read_text())) == seen:
        assert time.monotonic() < deadline, "the job never reached an engine host"
        time.sleep(0.02)
    pid, job_id = (int(value) for value in started[seen])
    os.kill(pid, signal.SIGKILL)  # 60 steps to go: the host is mid-job

    images = finished_images(client, response.json()["data"]["generation_id"])
    assert [image.size for image in images] == [(1024, 1024)] * 4
    text = log.read_text()
    assert f"died during job {job_id}" in text
    restarted = JOB_STARTED.findall(text)[seen + 1]
    assert int(restarted[0]) != pid and int(restarted[1]) == job_id
    assert server.process is not None and server.process.poll() is None
