"""Status changes over Redis pub/sub: a worker on one machine, listeners in every API process."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from looksmith.domain.models import StatusChange

log = logging.getLogger(__name__)

CHANNEL = "looksmith:status"


class RedisStatusEvents:
    """Publishes JSON on one channel; each subscription listens in a daemon thread."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis: Any = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)

    def publish(self, change: StatusChange) -> None:
        """Best effort: the database already holds the change; listeners may re-read it."""
        try:
            self._redis.publish(CHANNEL, json.dumps(asdict(change)))
        except Exception as exc:
            log.warning("could not publish %s: %s", change, exc)

    def subscribe(self, callback: Callable[[StatusChange], None]) -> Callable[[], None]:
        """Call ``callback`` for every change published from now on, from a background thread.

        The thread holds the client (redis-py 8 closes a collected client's connections, even
        those of a live subscription) and subscribes afresh after any connection error.
        """
        client = self._redis
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(CHANNEL)
        stopping = threading.Event()

        def listen() -> None:
            nonlocal pubsub
            while not stopping.is_set():
                try:
                    message = pubsub.get_message(timeout=0.5)
                except Exception as exc:
                    log.warning("status subscription interrupted, subscribing again: %s", exc)
                    stopping.wait(1)
                    pubsub = _resubscribed(client, pubsub)
                    continue
                if message is not None:
                    callback(StatusChange(**json.loads(message["data"])))

        thread = threading.Thread(target=listen, name="looksmith-status-events", daemon=True)
        thread.start()

        def unsubscribe() -> None:
            stopping.set()
            thread.join(2)
            pubsub.close()

        return unsubscribe


def _resubscribed(client: Any, old: Any) -> Any:
    """A fresh subscription to the channel, or ``old`` again while Redis stays unreachable."""
    try:
        old.close()
        fresh = client.pubsub(ignore_subscribe_messages=True)
        fresh.subscribe(CHANNEL)
    except Exception as exc:
        log.warning("could not subscribe to status changes yet: %s", exc)
        return old
    return fresh
