"""Prometheus metrics of one app: HTTP requests by route template, and jobs from the database.

Each app owns its ``CollectorRegistry`` (tests build many apps in one process). Job figures are
read from the database at scrape time, because jobs also run in other processes.
"""

from __future__ import annotations

import logging
import time
from bisect import bisect_left
from collections.abc import Awaitable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.utils import floatToGoString
from starlette.routing import BaseRoute, Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from looksmith.composition.api import ApiParts
from looksmith.domain.models import JobKind, JobState
from looksmith.ports.repositories import JobStats

log = logging.getLogger(__name__)

UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Most answers take about a millisecond; renders and uploads take longer.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Paths served without a route (docs, redirects) are remembered up to here: they are unbounded.
_MAX_PATHS = 1024

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """The app's metrics in the Prometheus text format."""
    registry: CollectorRegistry = request.app.state.metrics_registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_PLAIN_0_0_4)


def install_metrics(app: FastAPI, parts: ApiParts) -> HttpMetrics:
    """Serve ``GET /metrics``: the job figures, and the HTTP figures returned here.

    ``MetricsMiddleware`` and the status fast lane record into those HTTP figures.
    """
    registry = CollectorRegistry()
    http = HttpMetrics(app.router)
    registry.register(http)
    registry.register(JobCollector(parts.adapters.repos.job_stats))
    app.state.metrics_registry = registry
    app.include_router(router)
    return http


class _RouteNames:
    """The route template of a finished request, cheaply; never the raw path."""

    def __init__(self, app_router: Router) -> None:
        self._router = app_router
        self._by_path: dict[str, str] = {}

    def name(self, scope: Scope, status: int) -> str:
        """The template of the route that answered; ``unmatched`` when none did."""
        # Routing leaves the matched route in the scope: the common case costs one lookup.
        route = scope.get("route")
        if route is not None:
            return getattr(route, "path_format", UNMATCHED)
        if status == 404:
            return UNMATCHED
        path: str = scope["path"]
        name = self._by_path.get(path)
        if name is None:
            name = self._match(scope)
            if len(self._by_path) < _MAX_PATHS:
                self._by_path[path] = name
        return name

    def _match(self, scope: Scope) -> str:
        # FastAPI leaves no route in the scope for its own plain routes (docs, openapi.json).
        for route in self._router.routes:
            template = getattr(route, "path_format", None)
            if template is not None and _matches(route, scope):
                return str(template)
        return UNMATCHED


def _matches(route: BaseRoute, scope: Scope) -> bool:
    match, _ = route.matches(scope)
    return match is not Match.NONE


@dataclass(slots=True)
class _Tally:
    """Answers of one (method, route, status): seconds in all, and a count per bucket."""

    seconds: float = 0.0
    # Not cumulative; the last slot is +Inf.
    buckets: list[int] = field(default_factory=lambda: [0] * (len(_BUCKETS) + 1))


class HttpMetrics:
    """Request counts and latencies, labelled by method, route template and status.

    Plain numbers, written by the event loop alone and turned into metric families at scrape
    time: prometheus_client's counters and histograms validate and lock on every call, which
    measurably slowed the status fast lane.
    """

    def __init__(self, app_router: Router) -> None:
        self._names = _RouteNames(app_router)
        self._tallies: dict[tuple[str, str, int], _Tally] = {}

    def record(
        self, scope: Scope, status: int, seconds: float, *, route: str | None = None
    ) -> None:
        """Count one answered request, under ``route`` if given, else the template that answered."""
        method: str = scope["method"]
        name = route or self._names.name(scope, status)
        key = (method if method in _METHODS else "OTHER", name, status)
        tally = self._tallies.get(key)
        if tally is None:
            tally = self._tallies[key] = _Tally()
        tally.seconds += seconds
        tally.buckets[bisect_left(_BUCKETS, seconds)] += 1

    def collect(self) -> Iterable[Metric]:
        """The request counter and the latency histogram, from a snapshot of the tallies."""
        requests = CounterMetricFamily(
            "looksmith_http_requests",
            "HTTP requests answered.",
            labels=["method", "route", "status"],
        )
        latencies: dict[tuple[str, str], _Tally] = {}
        # ``list`` copies at once: the event loop may add a key while a scrape thread reads.
        for (method, route, status), tally in list(self._tallies.items()):
            buckets = list(tally.buckets)
            requests.add_metric([method, route, str(status)], sum(buckets))
            merged = latencies.setdefault((method, route), _Tally())
            merged.seconds += tally.seconds
            merged.buckets = [a + b for a, b in zip(merged.buckets, buckets, strict=True)]
        return [requests, _histogram(latencies)]


def _histogram(latencies: dict[tuple[str, str], _Tally]) -> Metric:
    family = HistogramMetricFamily(
        "looksmith_http_request_duration_seconds",
        "Time to answer an HTTP request.",
        labels=["method", "route"],
    )
    bounds = [*map(floatToGoString, _BUCKETS), "+Inf"]
    for (method, route), tally in sorted(latencies.items()):
        cumulative = accumulate(tally.buckets)
        family.add_metric(
            [method, route], list(zip(bounds, cumulative, strict=True)), sum_value=tally.seconds
        )
    return family


class MetricsMiddleware:
    """Pure ASGI: times every HTTP request and records its status and route template."""

    def __init__(self, app: ASGIApp, *, http: HttpMetrics) -> None:
        self._app = app
        self._http = http

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, watching for the status it is answered with."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        status = 500  # what the server answers if the app raises before starting a response

        # Not ``async``: handing back send's own awaitable saves a coroutine per message.
        def watch_status(message: Message) -> Awaitable[None]:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            return send(message)

        started = time.perf_counter()
        try:
            await self._app(scope, receive, watch_status)
        finally:
            self._http.record(scope, status, time.perf_counter() - started)


class JobCollector:
    """Reads the job figures at scrape time; skips them while the database is down."""

    def __init__(self, stats: JobStats) -> None:
        self._stats = stats
        self._failing = False

    def collect(self) -> Iterable[Metric]:
        """All job families, or none: a half-read scrape would mislead."""
        try:
            families = list(self._families())
        except Exception:
            # Logged once per outage: scrapes come every few seconds.
            if not self._failing:
                log.warning("job metrics skipped: the database did not answer", exc_info=True)
            self._failing = True
            return []
        self._failing = False
        return families

    def _families(self) -> Iterator[Metric]:
        yield self._jobs()
        yield GaugeMetricFamily(
            "looksmith_queue_depth",
            "Jobs waiting for a worker (queued, or running under an expired lease).",
            value=self._stats.queue_depth(),
        )
        yield from self._attempts_and_failures()
        yield self._durations()
        yield self._heartbeats()

    def _jobs(self) -> Metric:
        family = GaugeMetricFamily(
            "looksmith_jobs", "Jobs by kind and state.", labels=["kind", "state"]
        )
        # Every known pair appears, at zero if need be, so a series does not vanish when empty.
        counts: dict[tuple[str, str], int] = {
            (kind.value, state.value): 0 for kind in JobKind for state in JobState
        }
        counts.update(self._stats.jobs_by_state())
        for (kind, state), count in sorted(counts.items()):
            family.add_metric([kind, state], count)
        return family

    def _attempts_and_failures(self) -> Iterator[Metric]:
        attempts = CounterMetricFamily(
            "looksmith_job_attempts", "Attempts made at jobs.", labels=["kind"]
        )
        failures = CounterMetricFamily(
            "looksmith_job_failures", "Jobs that ended failed.", labels=["kind"]
        )
        for kind, (tries, failed) in sorted(self._stats.attempts_and_failures().items()):
            attempts.add_metric([kind], tries)
            failures.add_metric([kind], failed)
        yield attempts
        yield failures

    def _durations(self) -> Metric:
        family = SummaryMetricFamily(
            "looksmith_job_duration_seconds",
            "Run time of the last attempt of done jobs.",
            labels=["kind"],
        )
        for kind, (count, total) in sorted(self._stats.durations().items()):
            family.add_metric([kind], count_value=count, sum_value=total)
        return family

    def _heartbeats(self) -> Metric:
        family = GaugeMetricFamily(
            "looksmith_worker_heartbeat_timestamp_seconds",
            "Unix time of each worker's last heartbeat.",
            labels=["worker", "kind"],
        )
        for worker, kind, at in self._stats.worker_heartbeats():
            family.add_metric([worker, kind], at)
        return family
