"""Polling a status route until the thing it describes is done, for every suite."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx


def poll_until(
    client: httpx.Client,
    path: str,
    done: Callable[[dict[str, Any]], bool],
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60,
    interval: float = 0.05,
) -> dict[str, Any]:
    """GET ``path`` (each answer must be 200) until ``done(data)``; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        if done(data):
            return data
        time.sleep(interval)
    raise AssertionError(f"{path} not done after {timeout} s")


def until_not(
    client: httpx.Client,
    path: str,
    field: str,
    waiting: str,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60,
    interval: float = 0.05,
) -> dict[str, Any]:
    """Poll ``path`` until its ``field`` is no longer ``waiting``."""
    return poll_until(
        client,
        path,
        lambda data: data[field] != waiting,
        headers=headers,
        timeout=timeout,
        interval=interval,
    )
