"""``GET /metrics``: HTTP requests by route template, and job figures read from the database."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from looksmith.api.app import create_app
from looksmith.api.middleware.fast_lane import STATUS_ROUTE
from looksmith.api.middleware.metrics import UNMATCHED, JobCollector
from looksmith.composition.api import ApiParts
from looksmith.config import Settings
from looksmith.db.workers import SqlWorkerRegistry
from tests.support.api import STATUS, generate

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
RENDER = "render_generation"


@pytest.fixture
def app(settings: Settings, parts: ApiParts) -> FastAPI:
    """The app, with the metrics ``create_app`` installs."""
    return create_app(settings, parts=parts)


@pytest.fixture
def idle_client(app: FastAPI) -> TestClient:
    """A client whose lifespan never starts: jobs run only by ``run_until_idle``."""
    return TestClient(app)


def scrape(client: TestClient) -> Samples:
    """Every sample of ``/metrics``, by name and labels."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    """One sample's value, or None when the series is absent."""
    return samples.get((name, frozenset(labels.items())))


def requests(samples: Samples, method: str, route: str, status: int) -> float | None:
    """The request counter of one series."""
    labels = {"method": method, "route": route, "status": str(status)}
    return value(samples, "looksmith_http_requests_total", **labels)


def test_requests_count_by_route_template_never_raw_path(idle_client: TestClient, api_key: str):
    for _ in range(2):
        assert idle_client.get("/healthz").status_code == 200
    assert idle_client.get("/no/such/route").status_code == 404
    unknown = STATUS + "0" * 32
    assert idle_client.get(unknown, headers={"x-api-key": api_key}).status_code == 404
    assert idle_client.get("/openapi.json").status_code == 200

    samples = scrape(idle_client)

    assert requests(samples, "GET", "/healthz", 200) == 2
    assert requests(samples, "GET", UNMATCHED, 404) == 1
    assert requests(samples, "GET", STATUS_ROUTE, 404) == 1
    assert requests(samples, "GET", "/openapi.json", 200) == 1
    duration = "looksmith_http_request_duration_seconds_count"
    assert value(samples, duration, method="GET", route="/healthz") == 2
    assert not any("/no/such" in str(labels) or "0" * 32 in str(labels) for _, labels in samples)


def test_fast_lane_label_is_the_status_routes_own_template(idle_client: TestClient):
    # Without a key the route itself answers (401), so Starlette names the template.
    assert idle_client.get(STATUS + "0" * 32).status_code == 401

    assert requests(scrape(idle_client), "GET", STATUS_ROUTE, 401) == 1


def test_fast_lane_answers_count_under_the_status_template(
    app: FastAPI, idle_client: TestClient, parts: ApiParts, api_key: str
):
    generation_id = generate(idle_client, api_key)
    assert parts.work.pool.run_until_idle() == 1
    headers = {"x-api-key": api_key}
    for _ in range(3):  # the route answers the first poll, the fast lane the others
        response = idle_client.get(STATUS + generation_id, headers=headers)
        assert response.json()["data"]["status"] == "success"
    tenant_id = parts.services.keys.cached_tenant(api_key)
    assert tenant_id is not None
    assert app.state.status_bodies.cached(tenant_id, generation_id) is not None

    samples = scrape(idle_client)

    assert requests(samples, "GET", STATUS_ROUTE, 200) == 3
    assert requests(samples, "POST", "/v2/photo_avatar/photo/generate", 200) == 1


def test_job_figures_come_from_the_jobs_table(
    idle_client: TestClient, parts: ApiParts, api_key: str
):
    generate(idle_client, api_key)
    before = scrape(idle_client)
    assert value(before, "looksmith_jobs", kind=RENDER, state="queued") == 1
    assert value(before, "looksmith_queue_depth") == 1

    parts.work.pool.run_until_idle()
    samples = scrape(idle_client)

    assert value(samples, "looksmith_jobs", kind=RENDER, state="done") == 1
    assert value(samples, "looksmith_jobs", kind=RENDER, state="queued") == 0
    assert value(samples, "looksmith_queue_depth") == 0
    assert value(samples, "looksmith_job_attempts_total", kind=RENDER) == 1
    assert value(samples, "looksmith_job_failures_total", kind=RENDER) == 0
    assert value(samples, "looksmith_job_duration_seconds_count", kind=RENDER) == 1
    took = value(samples, "looksmith_job_duration_seconds_sum", kind=RENDER)
    assert took is not None and took >= 0


def test_worker_heartbeats_appear_once_a_worker_registers(idle_client: TestClient, parts: ApiParts):
    name = "looksmith_worker_heartbeat_timestamp_seconds"
    assert not any(key[0] == name for key in scrape(idle_client))
    registry = SqlWorkerRegistry(parts.adapters.database)
    registry.register(worker_id="celery@gpu-1", kind="celery", host="gpu-1", pid=7, now=100.0)
    registry.heartbeat(worker_id="celery@gpu-1", now=160.5)

    samples = scrape(idle_client)

    assert value(samples, name, worker="celery@gpu-1", kind="celery") == 160.5


def test_http_metrics_survive_a_database_outage(
    idle_client: TestClient, parts: ApiParts, caplog: pytest.LogCaptureFixture
):
    with parts.adapters.database.begin() as conn:
        conn.execute(text("DROP TABLE jobs"))
    idle_client.get("/healthz")

    with caplog.at_level(logging.WARNING, logger="looksmith.api.middleware.metrics"):
        scrape(idle_client)
        samples = scrape(idle_client)

    assert requests(samples, "GET", "/healthz", 200) == 1
    assert not any(key[0].startswith("looksmith_job") for key in samples)
    assert len([r for r in caplog.records if "job metrics skipped" in r.getMessage()]) == 1


class FlakyStats:
    """Job figures from a database that can be switched off."""

    down = True

    def _answer(self) -> None:
        if self.down:
            raise ConnectionError("database is down")

    def jobs_by_state(self) -> dict[tuple[str, str], int]:
        self._answer()
        return {}

    def queue_depth(self) -> int:
        self._answer()
        return 0

    def attempts_and_failures(self) -> dict[str, tuple[int, int]]:
        self._answer()
        return {}

    def durations(self) -> dict[str, tuple[int, float]]:
        self._answer()
        return {}

    def worker_heartbeats(self) -> list[tuple[str, str, float]]:
        self._answer()
        return []


def test_collector_logs_each_outage_once(caplog: pytest.LogCaptureFixture):
    stats = FlakyStats()
    collector = JobCollector(stats)
    with caplog.at_level(logging.WARNING, logger="looksmith.api.middleware.metrics"):
        assert collector.collect() == []
        assert collector.collect() == []
        assert len(caplog.records) == 1
        stats.down = False
        assert collector.collect() != []
        stats.down = True
        collector.collect()
    assert len(caplog.records) == 2


def test_metrics_route_is_not_in_the_openapi_document(idle_client: TestClient):
    assert "/metrics" not in idle_client.get("/openapi.json").json()["paths"]


def test_unknown_methods_share_one_label(idle_client: TestClient):
    idle_client.request("BREW", "/healthz")

    samples = scrape(idle_client)

    assert requests(samples, "OTHER", "/healthz", 405) == 1
