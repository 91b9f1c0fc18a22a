"""Status changes cross processes over the machine's Redis."""

from __future__ import annotations

import gc
import queue
import time
import uuid

import redis

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


def _first(received: queue.Queue[StatusChange], wanted: StatusChange) -> StatusChange:
    """The first change equal to ``wanted``; other test runs may publish on the same channel."""
    while True:
        change = received.get(timeout=5)
        if change == wanted:
            return change


def test_a_subscription_outlives_the_object_that_made_it():
    services.require_redis()
    url = f"{services.REDIS_URL}/8"
    received: queue.Queue[StatusChange] = queue.Queue()
    leave = RedisStatusEvents(url).subscribe(received.put)  # the events object is dropped at once
    try:
        gc.collect()
        change = StatusChange("generation", uuid.uuid4().hex, "tenant", "success")
        RedisStatusEvents(url).publish(change)
        assert _first(received, change) == change
    finally:
        leave()


def test_a_subscription_whose_connection_is_killed_subscribes_again():
    services.require_redis()
    url = f"{services.REDIS_URL}/8"
    received: queue.Queue[StatusChange] = queue.Queue()
    name = f"listener-{uuid.uuid4().hex[:12]}"
    listener = RedisStatusEvents(f"{url}?client_name={name}")
    publisher = RedisStatusEvents(url)
    leave = listener.subscribe(received.put)
    try:
        admin = redis.Redis.from_url(url)
        ours = [c for c in admin.client_list(_type="pubsub") if c["name"] == name]
        assert ours, "the subscription's connection was not found"
        for client in ours:
            admin.client_kill_filter(_id=client["id"])
        deadline = time.monotonic() + 10
        change = StatusChange("generation", uuid.uuid4().hex, "tenant", "success")
        while time.monotonic() < deadline:  # publish until the new subscription hears it
            publisher.publish(change)
            try:
                assert _first(received, change) == change
                return
            except queue.Empty:
                continue
        raise AssertionError("the subscription never came back")
    finally:
        leave()
