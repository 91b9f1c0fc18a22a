"""Status changes reach subscribers: in-process here, over Redis in tests/integration."""

from __future__ import annotations

from pathlib import Path

from looksmith.api.schemas.photo_avatar import GeneratePhotoRequest
from looksmith.clock import ManualClock
from looksmith.composition.api import build_api
from looksmith.config import Settings
from looksmith.db.migrate import upgrade
from looksmith.domain.models import StatusChange
from looksmith.events.local import InProcessStatusEvents
from tests.support import VALID_BODY


def test_subscribers_get_changes_until_they_leave_and_a_broken_one_does_not_stop_others():
    events = InProcessStatusEvents()
    seen: list[StatusChange] = []

    def broken(_: StatusChange) -> None:
        raise RuntimeError("boom")

    events.subscribe(broken)
    leave = events.subscribe(seen.append)
    first = StatusChange("generation", "a" * 32, "t", "success")
    events.publish(first)
    leave()
    events.publish(StatusChange("generation", "b" * 32, "t", "failed"))
    assert seen == [first]


def test_a_finished_generation_is_announced(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data")
    upgrade(settings.sqlalchemy_url)
    parts = build_api(settings, clock=ManualClock())
    seen: list[StatusChange] = []
    parts.adapters.events.subscribe(seen.append)
    tenant = parts.services.keys.create_tenant(name="t").tenant.id
    request = GeneratePhotoRequest.model_validate(VALID_BODY).to_request()
    generation = parts.services.generations.submit(tenant_id=tenant, request=request)
    assert seen == []
    parts.work.pool.run_until_idle()
    outcomes = [change for change in seen if change.kind == "generation"]
    assert outcomes == [StatusChange("generation", generation.id, tenant, "success")]
    steps = [change.status for change in seen if change.kind == "generation_progress"]
    assert steps == ["0/4", "1/4", "2/4", "3/4", "4/4"]
