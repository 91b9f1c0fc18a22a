"""Status changes cross processes over the machine's Redis."""

from __future__ import annotations

import queue
import uuid

from looksmith.domain.models import StatusChange
from looksmith.events.redis import RedisStatusEvents
from tests.support import services


def test_a_change_published_by_one_process_reaches_another():
    services.require_redis()
    url = f"{services.REDIS_URL}/8"
    listener, publisher = RedisStatusEvents(url), RedisStatusEvents(url)
    received: queue.Queue[StatusChange] = queue.Queue()
    leave = listener.subscribe(received.put)
    try:
        change = StatusChange("training", uuid.uuid4().hex, "tenant", "ready")
        publisher.publish(change)
        assert received.get(timeout=5) == change
    finally:
        leave()
