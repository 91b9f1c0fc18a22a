"""The delivery loop: a daemon thread that leases due deliveries and sends them a few at a time."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from looksmith.domain.webhooks import Delivery
from looksmith.ports.clock import Clock
from looksmith.ports.delivery import DueDeliveries

log = logging.getLogger(__name__)

# Longer than one send can take (10 s timeout), so a lease only lapses when its holder died.
LEASE_SECONDS = 60.0


class WebhookDeliverer:
    """Sends due deliveries; in every process that runs jobs, safely side by side."""

    def __init__(
        self,
        *,
        service: DueDeliveries,
        clock: Clock,
        concurrency: int = 4,
        poll_seconds: float = 1.0,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self._service = service
        self._clock = clock
        self._concurrency = concurrency
        self._poll = poll_seconds
        self._lease = lease_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        # Sends run in parallel, so one slow receiver holds one slot, not the whole loop.
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="looksmith-webhook")

    def start(self) -> None:
        """Start the loop in a daemon thread."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="looksmith-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the loop after the sends in flight (each at most the send timeout)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(15)
            self._thread = None
        self._pool.shutdown(wait=False, cancel_futures=True)

    def is_alive(self) -> bool:
        """Whether the loop runs."""
        return self._thread is not None and self._thread.is_alive()

    def run_once(self, now: float) -> int:
        """Lease up to ``concurrency`` due deliveries, send them, wait; returns how many."""
        claimed: list[Delivery] = []
        while len(claimed) < self._concurrency:
            delivery = self._service.claim_due(now=now, lease_seconds=self._lease)
            if delivery is None:
                break
            claimed.append(delivery)
        for _ in self._pool.map(lambda d: self._attempt(d, now), claimed):
            pass
        return len(claimed)

    def _attempt(self, delivery: Delivery, now: float) -> None:
        try:
            self._service.attempt(delivery, now=now)
        except Exception:
            # The lease runs out and another pass tries again; the loop itself carries on.
            log.exception("webhook delivery %s failed unexpectedly", delivery.id)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                sent = self.run_once(self._clock.now())
            except Exception:
                log.exception("webhook delivery pass failed")
                sent = 0
            if not sent:
                self._stopping.wait(self._poll)
