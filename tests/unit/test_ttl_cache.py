"""The one TTL cache behind key checks, tenant limits, status bodies and broker readiness."""

from __future__ import annotations

from looksmith.clock import ManualClock
from looksmith.domain.ttl_cache import TtlCache


def cache(clock: ManualClock, *, max_entries: int = 10, drop_oldest: bool = False) -> TtlCache:
    return TtlCache(seconds=2.0, now=clock.now, max_entries=max_entries, drop_oldest=drop_oldest)


def test_an_entry_is_trusted_until_its_deadline_and_stale_at_it():
    clock = ManualClock()
    remembered = cache(clock)
    remembered.put("k", "v")
    clock.advance(1.999)
    assert remembered.get("k") == "v"
    clock.advance(0.001)
    assert remembered.get("k") is None
    assert remembered.get("never stored") is None


def test_a_deadline_can_count_from_an_earlier_instant():
    clock = ManualClock()
    remembered = cache(clock)
    remembered.put("k", True, since=clock.now() - 1.5)
    clock.advance(0.4)
    assert remembered.get("k") is True
    clock.advance(0.1)
    assert remembered.get("k") is None


def test_putting_again_starts_a_new_interval():
    clock = ManualClock()
    remembered = cache(clock)
    remembered.put("k", 1)
    clock.advance(1.5)
    remembered.put("k", 2)
    clock.advance(1.5)
    assert remembered.get("k") == 2


def test_forget_and_clear_drop_entries():
    clock = ManualClock()
    remembered = cache(clock)
    remembered.put("a", 1)
    remembered.put("b", 2)
    remembered.forget("a")
    remembered.forget("absent")
    assert (remembered.get("a"), remembered.get("b")) == (None, 2)
    remembered.clear()
    assert remembered.get("b") is None and len(remembered) == 0


def test_a_full_cache_forgets_everything_before_taking_a_new_entry():
    clock = ManualClock()
    remembered = cache(clock, max_entries=2)
    remembered.put("a", 1)
    remembered.put("b", 2)
    remembered.put("c", 3)
    assert (remembered.get("a"), remembered.get("b"), remembered.get("c")) == (None, None, 3)


def test_a_full_cache_that_drops_the_oldest_keeps_the_rest():
    clock = ManualClock()
    remembered = cache(clock, max_entries=2, drop_oldest=True)
    remembered.put("a", 1)
    remembered.put("b", 2)
    remembered.put("c", 3)
    assert (remembered.get("a"), remembered.get("b"), remembered.get("c")) == (None, 2, 3)
    assert len(remembered) == 2
