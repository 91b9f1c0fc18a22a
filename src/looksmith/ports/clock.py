"""The time, as services and adapters read it."""

from __future__ import annotations

from typing import Protocol


class Clock(Protocol):
    """Tells the time in Unix seconds."""

    def now(self) -> float:
        """The current time."""
        ...
