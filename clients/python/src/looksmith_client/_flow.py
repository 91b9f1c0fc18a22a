"""Retries and waits as generators, written once and driven by both clients.

A flow yields what it needs done (``Send`` a request, ``Sleep``, read the clock with ``NOW``)
and receives the outcome; ``Client`` drives it with blocking calls, ``AsyncClient`` with awaits.
No decision is made in the drivers.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

from looksmith_client._answers import RETRY_STATUSES, retry_after
from looksmith_client._core import DEFAULT_TIMEOUT, Call, Image, image_names
from looksmith_client._errors import Timeout, TransportError, WaitTimeout
from looksmith_client._models import Generation

T = TypeVar("T")

WAIT_MARGIN = 5.0  # seconds a poll may read past a wait's deadline (a late answer, the network)


@dataclass(frozen=True)
class Send:
    """Send this request; the flow receives the response or the ``httpx.TransportError``."""

    request: httpx.Request


@dataclass(frozen=True)
class Sleep:
    """Sleep this many seconds."""

    seconds: float


@dataclass(frozen=True)
class Now:
    """Read the monotonic clock; the flow receives seconds as a float."""


NOW = Now()
Op = Send | Sleep | Now
Flow = Generator[Op, Any, T]


@dataclass(frozen=True)
class RetryPolicy:
    """Retries on 429 and 503 (honouring ``Retry-After``) and on failed connects, bounded.

    Without ``Retry-After`` the waits double from ``backoff`` seconds; a ``Retry-After`` longer
    than ``max_delay`` is not waited out: the error is raised at once.
    """

    max_retries: int = 3
    backoff: float = 0.5
    max_delay: float = 60.0

    def delay(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before retry number ``attempt + 1``, or None to give up.

        ``response`` is None when the connection could not be made (nothing was sent).
        """
        if attempt >= self.max_retries:
            return None
        if response is not None and response.status_code not in RETRY_STATUSES:
            return None
        asked = retry_after(response) if response is not None else None
        wanted = self.backoff * 2**attempt if asked is None else asked
        return wanted if wanted <= self.max_delay else None


def transport_error(exc: httpx.TransportError) -> TransportError:
    """Our exception for an httpx transport failure."""
    where = exc.request.url if _has_request(exc) else "the server"
    if isinstance(exc, httpx.TimeoutException):
        return Timeout(f"timed out talking to {where}")
    return TransportError(f"cannot reach {where}: {exc}")


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 - raises when the error carries no request
    except RuntimeError:
        return False
    return True


def _repeatable(request: httpx.Request, exc: httpx.TransportError) -> bool:
    """Whether a transport failure may be retried for this request."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return True  # nothing was sent: safe for any method
    if isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError):
        # The connection broke mid-answer. A read changes nothing, and a POST carrying an
        # idempotency key is replayed, not repeated, by a server that keeps the keys.
        return request.method == "GET" or "idempotency-key" in request.headers
    return False  # a timeout: the server may still be working on it


def exchange(
    request: httpx.Request, retry: RetryPolicy, deadline: float | None = None
) -> Flow[httpx.Response]:
    """Send ``request``, retrying as ``retry`` allows; the last response (any status).

    With a ``deadline`` (a wait's), a retry whose delay would end past it raises
    ``WaitTimeout`` instead of sleeping.
    """
    attempt = 0
    while True:
        outcome: httpx.Response | httpx.TransportError = yield Send(request)
        if isinstance(outcome, httpx.TransportError):
            delay = retry.delay(attempt, None) if _repeatable(request, outcome) else None
            if delay is None:
                raise transport_error(outcome) from outcome
        else:
            delay = retry.delay(attempt, outcome)
            if delay is None:
                return outcome
        if deadline is not None and (yield NOW) + delay > deadline:
            why = (
                f"HTTP {outcome.status_code}"
                if isinstance(outcome, httpx.Response)
                else "a broken connection"
            )
            raise WaitTimeout(
                f"the wait timed out: after {why}, the next try would be in {delay:g} s"
            )
        yield Sleep(delay)
        attempt += 1


def perform(call: Call[T], retry: RetryPolicy) -> Flow[T]:
    """One call: exchange, then read the answer."""
    response = yield from exchange(call.request, retry)
    return call.parse(response)


@dataclass
class Waiter(Generic[T]):
    """The state of one ``wait``: what to ask next and what an answer means.

    Each poll asks for a long poll (``Prefer: wait=N``, RFC 7240) and sends the last ``ETag`` in
    ``If-None-Match``. A server that holds the request says so in ``Preference-Applied``; then
    the next poll goes out at once. A server that does not gets plain polls every ``interval``
    seconds; one that understands ETags answers an unchanged state with an empty 304.
    """

    build: Callable[[dict[str, str], float | None], Call[T]]
    finished: Callable[[T], bool]
    timeout: float
    deadline: float = float("inf")
    hold: int = 30
    interval: float = 1.0
    conditional: bool = True
    latest: T | None = None
    etag: str | None = None
    long_poll: bool = True
    changed: bool = field(default=False, init=False)

    def next_call(self, now: float) -> Call[T]:
        """The next poll."""
        headers: dict[str, str] = {}
        if self.conditional and self.etag is not None and self.latest is not None:
            headers["if-none-match"] = self.etag
        read_timeout = None
        if self.long_poll:
            remaining = self.deadline - now  # may be infinite: min() before int()
            hold = max(1, int(min(self.hold, remaining)))
            headers["prefer"] = f"wait={hold}"
            # A held answer takes up to ``hold`` seconds; never read much past the deadline.
            read_timeout = min(hold + DEFAULT_TIMEOUT, max(remaining, 0.0) + WAIT_MARGIN)
        return self.build(headers, read_timeout)

    def feed(self, response: httpx.Response, call: Call[T], now: float) -> float | None:
        """Reads one answer: None when the job is over, else seconds to wait before polling."""
        self.changed = response.status_code != 304 or self.latest is None
        if self.changed:
            self.latest = call.parse(response)
            self.etag = response.headers.get("etag")
        self.long_poll = "wait=" in response.headers.get("preference-applied", "")
        assert self.latest is not None
        if self.finished(self.latest):
            return None
        if now >= self.deadline:
            status = getattr(self.latest, "status", "unfinished")
            raise WaitTimeout(f"still {status} when the wait timed out")
        return 0.0 if self.long_poll else min(self.interval, self.deadline - now)


def wait(
    waiter: Waiter[T], retry: RetryPolicy, on_progress: Callable[[T], object] | None
) -> Flow[T]:
    """Poll until ``waiter`` says the job is over; ``on_progress`` sees every new state."""
    waiter.deadline = (yield NOW) + waiter.timeout
    while True:
        call = waiter.next_call((yield NOW))
        try:
            response = yield from exchange(call.request, retry, waiter.deadline)
        except Timeout as exc:
            if (yield NOW) < waiter.deadline:
                raise
            raise WaitTimeout("the wait timed out while the server held the poll") from exc
        delay = waiter.feed(response, call, (yield NOW))
        if waiter.changed and on_progress is not None and waiter.latest is not None:
            on_progress(waiter.latest)
        if delay is None:
            assert waiter.latest is not None
            return waiter.latest
        if delay > 0:
            yield Sleep(delay)


def download(
    generation: Generation,
    image: Callable[[str, str], Call[Image]],
    refresh: Callable[[str], Call[Generation]],
    retry: RetryPolicy,
) -> Flow[list[Image]]:
    """Fetch every image of a finished generation.

    Signed links expire: when one is refused (403), the generation is read again, once, for
    fresh links, and the download goes on with those.
    """
    images: list[Image] = []
    names = image_names(generation)
    refreshed = False
    while len(images) < len(names):
        url, stem = names[len(images)]
        call = image(url, stem)
        response = yield from exchange(call.request, retry)
        if response.status_code == 403 and not refreshed:
            refreshed = True
            names = image_names((yield from perform(refresh(generation.id), retry)))
            continue
        images.append(call.parse(response))
    return images
