"""The generation state machine, explored with Hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from looksmith.domain.models import GenerationStatus, IllegalTransition

ALLOWED = {
    ("queued", "rendering"),
    ("queued", "failed"),
    ("rendering", "queued"),
    ("rendering", "success"),
    ("rendering", "failed"),
}


@given(st.lists(st.sampled_from(list(GenerationStatus)), max_size=12))
def test_any_walk_follows_the_table_and_terminal_states_stay_put(steps):
    status = GenerationStatus.QUEUED
    for target in steps:
        if (status.value, target.value) in ALLOWED:
            status = status.become(target)
            assert status is target
        else:
            with pytest.raises(IllegalTransition):
                status.become(target)
        if status.is_terminal:
            assert not any(status.can_become(other) for other in GenerationStatus)


def test_terminal_statuses():
    assert {s for s in GenerationStatus if s.is_terminal} == {
        GenerationStatus.SUCCESS,
        GenerationStatus.FAILED,
    }
