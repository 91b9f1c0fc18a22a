"""Announcing a finished job: to live listeners, and to the webhook outbox when there is one."""

from __future__ import annotations

from dataclasses import dataclass

from looksmith.domain.models import StatusChange
from looksmith.ports.delivery import StatusEvents, WebhookOutbox


@dataclass(frozen=True, slots=True)
class Announcer:
    """Tells waiters (long polls, streams) and webhooks that a job reached its outcome."""

    events: StatusEvents
    outbox: WebhookOutbox | None = None

    def finished(self, change: StatusChange) -> None:
        """One change for both audiences: the outbox row first, then the live event."""
        self._record(change)
        self.events.publish(change)

    def look_finished(self, look: StatusChange, *, webhook: StatusChange) -> None:
        """A job on a look finished: the look's status live first, then the job's webhook event."""
        self.events.publish(look)
        self._record(webhook)

    def _record(self, change: StatusChange) -> None:
        if self.outbox is not None:
            self.outbox.record(change)  # only inserts rows; sending happens elsewhere
