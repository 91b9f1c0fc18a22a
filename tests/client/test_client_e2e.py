"""The SDK against a real ``looksmith serve`` process: the whole workflow, sync and async."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from looksmith_client import AsyncClient, BadRequest, Client, NotFound, Unauthorized
from tests.support import VALID_BODY
from tests.support.deployment import Deployment, embedded
from tests.support.photos import astronaut_jpeg, coffee_jpeg

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """One embedded deployment for the module (the scaled-out one is covered elsewhere)."""
    with embedded(tmp_path_factory.mktemp("sdk") / "data") as deployment:
        yield deployment


class Recording(httpx.HTTPTransport):
    """The real network, remembering each request and its answer's status."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[httpx.Request, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.seen.append((request, response.status_code))
        return response


def decodes(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        image.load()
        return image.size


def test_sync_workflow(server: Deployment, tmp_path: Path):
    with Client(server.url, server.create_key("sync")) as client:
        accepted = client.generate_photos(**VALID_BODY)
        generation = client.wait(accepted)
        assert generation.succeeded, generation.msg
        files = client.download(generation, tmp_path / "photos")
        assert len(files) == 4
        assert all(decodes(path) == (1024, 1024) for path in files)

        asset = client.upload(astronaut_jpeg())
        assert asset.image_key
        first = client.create_group(name="Eileen", image_key=asset.image_key)
        assert first.group_id == first.id
        assert client.wait_look(first.id, timeout=60).status == "completed"
        client.train(first.id)
        training = client.wait_training(first.id, timeout=120, poll_interval=0.2)
        assert training.status == "ready", training.error_msg

        looks = client.wait(
            client.generate_looks(
                group_id=first.id, prompt="green dress", orientation="vertical",
                pose="full_body", style="Vintage",
            ),
            timeout=120,
        )  # fmt: skip
        assert looks.succeeded, looks.msg
        assert len(client.download(looks, tmp_path / "looks")) == 4
        listing = client.looks(first.id, limit=100)
        assert listing.total_count == 5
        assert sum(look.business_type == "generated" for look in listing.looks) == 4
        assert [group.id for group in client.groups().groups] == [first.id]

        generated = next(look for look in listing.looks if look.business_type == "generated")
        client.delete_look(generated.id)
        with pytest.raises(NotFound):
            client.look(generated.id)
        client.delete_group(first.id)
        with pytest.raises(NotFound):
            client.training(first.id)
        assert client.groups().total_count == 0


def test_async_workflow(server: Deployment, tmp_path: Path):
    key = server.create_key("async")

    async def scenario() -> None:
        async with AsyncClient(server.url, key) as client:
            photos, asset = await asyncio.gather(
                client.generate_photos(**VALID_BODY), client.upload(astronaut_jpeg())
            )
            generation = await client.wait(photos.generation_id)
            assert generation.succeeded
            files = await client.download(generation, tmp_path)
            assert len(files) == 4
            assert all(decodes(path) for path in files)

            assert asset.image_key
            first = await client.create_group(name="Eileen", image_key=asset.image_key)
            assert (await client.wait_look(first.id, timeout=60)).succeeded
            await client.train(first.id)
            assert (await client.wait_training(first.id, timeout=120, poll_interval=0.2)).succeeded
            accepted = await client.generate_looks(
                group_id=first.id, prompt="suit", orientation="square", pose="close_up",
                style="Noir",
            )  # fmt: skip
            assert (await client.wait(accepted, timeout=120)).succeeded
            assert (await client.looks(first.id)).total_count == 5
            await client.delete_group(first.id)
            with pytest.raises(NotFound):
                await client.look(first.id)

    asyncio.run(scenario())


def test_wait_returns_within_a_second_of_the_job_finishing(server: Deployment):
    key = server.create_key("prompt")
    transport = Recording()
    with Client(server.url, key, transport=transport) as client:
        for _ in range(30):  # a backlog, so the awaited job finishes a while from now
            client.generate_photos(**{**VALID_BODY, "orientation": "vertical", "pose": "full_body"})
        accepted = client.generate_photos(**VALID_BODY)
        assert client.generation(accepted).status == "in_progress"

        started = time.monotonic()
        began = time.time()
        done = client.wait(accepted, timeout=300)
        returned = time.monotonic()
        returned_at = time.time()
        # The server says when the job ended (Unix seconds, the clock this test reads too:
        # same machine). No watcher thread polling beside the wait, racing it for the CPU.
        finished_at = client.generation(accepted, include_progress=True).finished_at
    assert done.succeeded
    assert finished_at is not None, "looksmith reports finished_at with ?include=progress"
    assert finished_at > began, "the job was already done: nothing was waited for"
    assert returned - started > 0.2
    polls = [r for r, _ in transport.seen if r.url.path.endswith(accepted.generation_id)][1:-1]
    # Long polls, not a busy loop: a few held requests (30 s each) cover the whole backlog.
    assert 1 <= len(polls) <= 2 + int((returned - started) // 30)
    assert all(r.headers.get("prefer") == "wait=30" for r in polls)
    # The bound is about the protocol, not the machine's speed: the held poll is woken by the
    # job's own completion event and answered at once, so the gap is one wake-up and one read
    # on loopback. Plain polling every second (the fallback) would add up to a whole interval,
    # and a poll that missed the event would sleep out its 30 s hold; either fails this.
    assert returned_at - finished_at < 1.0


def test_errors_from_the_real_server(server: Deployment):
    with Client(server.url, "ls_wrong") as client, pytest.raises(Unauthorized):
        client.groups()
    with Client(server.url, server.create_key("errors")) as client:
        with pytest.raises(BadRequest) as raised:
            client.generate_photos(**{**VALID_BODY, "age": "young"})
        assert "age" in raised.value.message
        assert raised.value.code == "invalid_parameter"
        with pytest.raises(NotFound):
            client.generation("0" * 32)
        with pytest.raises(BadRequest):
            client.generate_looks(
                group_id="0" * 32, prompt="p", orientation="square", pose="close_up",
                style="Noir",
            )  # fmt: skip


def test_a_failed_job_is_returned_not_raised(server: Deployment):
    """A photo without a face fails its check; ``wait_look`` hands back what the server says.

    (No input makes a photo or look generation fail on this server short of an engine crash;
    the unit tests cover ``wait`` on a ``failed`` generation.)
    """
    with Client(server.url, server.create_key("failures")) as client:
        coffee = client.upload(coffee_jpeg())
        assert coffee.image_key
        first = client.create_group(name="Cup", image_key=coffee.image_key)
        assert first.status == "pending"
        faceless = client.wait_look(first.id, timeout=60)
    assert faceless.failed
    assert faceless.moderation_msg == "No face detected, please try another photo."


def test_motion_sound_effect_and_upscale(server: Deployment):
    with Client(server.url, server.create_key("motion")) as client:
        asset = client.upload(astronaut_jpeg())
        assert asset.image_key
        first = client.wait_look(
            client.create_group(name="Eileen", image_key=asset.image_key).id, timeout=60
        )
        assert first.succeeded
        moving = client.wait_look(client.add_motion(first.id, prompt="waves").id, timeout=120)
        assert moving.succeeded, moving.moderation_msg
        assert moving.is_motion
        assert moving.motion_preview_url
        assert client.add_sound_effect(moving.id).sound_effect_id
        upscaled = client.wait_look(client.upscale(moving.id).id, timeout=120)
        assert upscaled.succeeded, upscaled.moderation_msg
        assert upscaled.upscaled
