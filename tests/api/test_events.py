"""Progress fields on the status route, and the server-sent event streams."""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from looksmith.api.app import create_app
from looksmith.api.live.progress import ProgressFeed
from looksmith.api.routes import photo_avatar
from looksmith.composition.api import ApiParts as ApiParts
from looksmith.config import Settings
from looksmith.domain.models import GenerationStatus, StatusChange
from looksmith.services.progress import ProgressMap, ProgressService, parse_done, steps
from tests.support.api import STATUS, generate, wait_for_terminal

SEED_FIELDS = {"id", "status", "msg", "image_url_list", "image_key_list"}
PROGRESS_FIELDS = {"progress", "queue_position", "eta_seconds", "started_at", "finished_at"}

route_wired = pytest.mark.skipif(
    "include" not in inspect.signature(photo_avatar.generation_status).parameters,
    reason="the status route does not take ?include= yet",
)


@pytest.fixture
def app(settings: Settings, parts: ApiParts) -> FastAPI:
    """The app, with its progress feed and event streams."""
    return create_app(settings, parts=parts)


@pytest.fixture
def running(app: FastAPI) -> Iterator[TestClient]:
    """A client of the app with its lifespan (workers and feed) running."""
    with TestClient(app) as test_client:
        yield test_client


def feed_of(app: FastAPI) -> ProgressFeed:
    feed: ProgressFeed = app.state.progress_feed
    return feed


def read_events(response: httpx.Response, *, until: int | None = None) -> list[dict[str, Any]]:
    """Parse the stream until it ends, or until ``until`` events were read."""
    found: list[dict[str, Any]] = []
    fields: dict[str, Any] = {}
    for line in response.iter_lines():
        if line.startswith(":"):
            continue
        if line:
            name, _, value = line.partition(": ")
            fields[name] = json.loads(value) if name == "data" else value
            continue
        if fields:
            found.append(fields)
            fields = {}
        if until is not None and len(found) >= until:
            break
    return found


def test_report_of_a_queued_generation_counts_the_jobs_ahead(app: FastAPI, api_key: str):
    client = TestClient(app)  # no lifespan: workers stay stopped, so the jobs stay queued
    ids = [generate(client, api_key) for _ in range(3)]
    service = feed_of(app).service
    report = service.report(_get(service, api_key, app, ids[2]))
    assert report.progress == 0.0
    assert report.queue_position == 2
    assert report.eta_seconds is None  # nothing has finished yet, so no speed is known
    assert report.started_at is None and report.finished_at is None


def _get(service: ProgressService, key: str, app: FastAPI, generation_id: str) -> Any:
    parts: ApiParts = app.state.parts
    tenant_id = parts.services.keys.authenticate(key=key)
    return service.get(tenant_id=tenant_id, generation_id=generation_id)


def test_report_of_a_finished_generation(running: TestClient, app: FastAPI, api_key: str):
    generation_id = generate(running, api_key)
    wait_for_terminal(running, api_key, generation_id)
    service = feed_of(app).service
    report = service.report(_get(service, api_key, app, generation_id))
    assert report.progress == 1.0
    assert report.queue_position is None
    assert report.started_at is not None and report.finished_at is not None
    assert report.finished_at >= report.started_at
    later = service.report(_get(service, api_key, app, generate(running, api_key)))
    assert later.eta_seconds is None or later.eta_seconds >= 0


@route_wired
def test_status_route_adds_progress_only_when_asked(running: TestClient, api_key: str):
    generation_id = generate(running, api_key)
    wait_for_terminal(running, api_key, generation_id)
    headers = {"x-api-key": api_key}
    plain = running.get(STATUS + generation_id, headers=headers).json()["data"]
    assert set(plain) == SEED_FIELDS
    data = running.get(STATUS + generation_id, params={"include": "progress"}, headers=headers)
    fields = data.json()["data"]
    assert set(fields) == SEED_FIELDS | PROGRESS_FIELDS
    assert fields["progress"] == 1.0 and fields["queue_position"] is None
    assert fields["finished_at"] is not None


def test_stream_of_a_finished_generation_replays_every_step(
    running: TestClient, app: FastAPI, api_key: str
):
    generation_id = generate(running, api_key)
    wait_for_terminal(running, api_key, generation_id)
    url = f"{STATUS}{generation_id}/events"
    with running.stream("GET", url, headers={"x-api-key": api_key}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        found = read_events(response)  # returns only because the stream closed
    assert [event["id"] for event in found] == [str(n) for n in range(1, 8)]
    assert [event["event"] for event in found] == ["status"] * 2 + ["progress"] * 4 + ["status"]
    assert [event["data"]["progress"] for event in found] == [0, 0, 0.25, 0.5, 0.75, 1, 1]
    assert found[-1]["data"] == {"id": generation_id, "status": "success", "progress": 1.0,
                                 "msg": None}  # fmt: skip
    assert feed_of(app).streams == 0


def test_last_event_id_resumes_after_that_step(running: TestClient, api_key: str):
    generation_id = generate(running, api_key)
    wait_for_terminal(running, api_key, generation_id)
    headers = {"x-api-key": api_key, "last-event-id": "4"}
    with running.stream("GET", f"{STATUS}{generation_id}/events", headers=headers) as response:
        assert [event["id"] for event in read_events(response)] == ["5", "6", "7"]


def test_a_live_stream_follows_a_generation_to_its_end(
    running: TestClient, app: FastAPI, api_key: str
):
    generation_id = generate(running, api_key)
    url = f"{STATUS}{generation_id}/events"
    with running.stream("GET", url, headers={"x-api-key": api_key}) as response:
        ids = [int(event["id"]) for event in read_events(response)]
    assert ids == sorted(set(ids)) and ids[-1] == 7
    assert feed_of(app).streams == 0


def test_someone_elses_or_an_unknown_generation_is_404(
    running: TestClient, api_key: str, other_key: str
):
    generation_id = generate(running, api_key)
    for key, target in ((other_key, generation_id), (api_key, "0" * 32), (api_key, "nope")):
        response = running.get(f"{STATUS}{target}/events", headers={"x-api-key": key})
        assert response.status_code == 404
        assert response.json()["data"] is None
    assert running.get(f"{STATUS}{generation_id}/events").status_code == 401
    assert running.get("/v2/photo_avatar/events").status_code == 401


def test_tenant_stream_replays_what_finished_after_the_given_time(
    running: TestClient, app: FastAPI, api_key: str, other_key: str
):
    before = int(time.time() * 1000) - 1000
    mine = generate(running, api_key)
    theirs = generate(running, other_key)
    wait_for_terminal(running, api_key, mine)
    wait_for_terminal(running, other_key, theirs)
    headers = {"x-api-key": api_key, "last-event-id": f"{before}-{'0' * 32}-7"}
    with running.stream("GET", "/v2/photo_avatar/events", headers=headers) as response:
        assert response.status_code == 200
        found = read_events(response, until=1)
    millis, generation_id, step = found[0]["id"].split("-")
    assert (generation_id, step) == (mine, "7") and int(millis) > before
    assert found[0]["data"]["status"] == "success"
    # Resuming from that very event replays nothing; the stream then follows live changes.
    headers["last-event-id"] = found[0]["id"]
    with running.stream("GET", "/v2/photo_avatar/events", headers=headers) as response:
        fresh = generate(running, api_key)
        live = read_events(response, until=1)
    assert live[0]["id"].split("-")[1] == fresh
    assert feed_of(app).streams == 0


def test_failed_generations_skip_the_image_steps(running: TestClient, app: FastAPI, api_key: str):
    service = feed_of(app).service
    generation = _get(service, api_key, app, generate(running, api_key))
    failed = replace(generation, status=GenerationStatus.FAILED, message="rendering failed")
    replayed = steps(failed, after=0, upto=7)
    assert [step.number for step in replayed] == [1, 2, 7]
    assert (replayed[-1].status, replayed[-1].msg) == ("failed", "rendering failed")
    rendering = replace(generation, status=GenerationStatus.RENDERING)
    assert [step.number for step in steps(rendering, after=2, upto=4)] == [3, 4]


def test_progress_map_keeps_the_latest_count_and_forgets_finished_ones():
    progress = ProgressMap(max_entries=2)
    progress.observe(StatusChange("generation_progress", "a", "t", "1/4"))
    progress.observe(StatusChange("generation_progress", "a", "t", "3/4"))
    progress.observe(StatusChange("generation_progress", "b", "t", "junk"))
    assert (progress.done("a"), progress.done("b")) == (3, 0)
    progress.observe(StatusChange("generation", "a", "t", "success"))
    assert progress.done("a") == 0
    for name in ("c", "d", "e"):
        progress.observe(StatusChange("generation_progress", name, "t", "2/4"))
    assert (progress.done("c"), progress.done("e")) == (0, 2)  # bounded: the oldest went
    assert (parse_done("9/4"), parse_done("/4"), parse_done("2/4")) == (4, None, 2)


def test_events_on_the_wire_carry_id_event_name_and_json_data(running: TestClient, api_key: str):
    generation_id = generate(running, api_key)
    wait_for_terminal(running, api_key, generation_id)
    headers = {"x-api-key": api_key, "last-event-id": "6"}
    with running.stream("GET", f"{STATUS}{generation_id}/events", headers=headers) as response:
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["x-accel-buffering"] == "no"
        raw = response.read().decode()
    data = {"id": generation_id, "status": "success", "progress": 1.0, "msg": None}
    assert raw == f"event: status\ndata: {json.dumps(data)}\nid: 7\n\n"


def test_a_client_that_leaves_mid_stream_ends_it_at_once(app: FastAPI, api_key: str):
    client = TestClient(app)  # no lifespan: workers stay stopped, so the generation stays queued
    generation_id = generate(client, api_key)
    url = f"{STATUS}{generation_id}/events"
    with client.stream("GET", url, headers={"x-api-key": api_key}) as response:
        lines = response.iter_lines()
        assert [next(lines) for _ in range(4)][2:] == ["id: 1", ""]
        assert feed_of(app).streams == 1  # the stream waits for the next step
    assert feed_of(app).streams == 0
