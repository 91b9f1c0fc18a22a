"""Training is a durable job: it survives a dead worker, replaces old identities, fails cleanly."""

from __future__ import annotations

from pathlib import Path

from looksmith.clock import ManualClock
from looksmith.composition.api import ApiParts, build_api
from looksmith.config import Settings
from looksmith.db.jobs import SqlJobStore
from looksmith.db.migrate import upgrade
from looksmith.domain.models import TrainStatus
from looksmith.engines.procedural import ProceduralEngine
from tests.support.photos import astronaut_jpeg


class BrokenTrainer(ProceduralEngine):
    """Renders like the procedural engine but cannot learn anyone."""

    def train(self, photos, *, seed):  # type: ignore[no-untyped-def]
        raise RuntimeError("out of memory")


def checked_group(
    tmp_path: Path, engine: ProceduralEngine | None = None
) -> tuple[ApiParts, str, str]:
    settings = Settings(data_dir=tmp_path / "data", job_max_attempts=2)
    upgrade(settings.sqlalchemy_url)
    parts = build_api(settings, clock=ManualClock(), image_engine=engine)
    tenant = parts.services.keys.create_tenant(name="t").tenant.id
    image = parts.services.assets.upload(
        tenant_id=tenant, data=astronaut_jpeg(), content_type="image/jpeg"
    )
    look = parts.services.groups.create_group(
        tenant_id=tenant, name="g", key=f"image/{image.id}/original", generation_id=None
    )
    assert parts.work.pool.run_until_idle() == 1  # the face check
    return parts, tenant, look.group_id


def identity_blobs(parts: ApiParts, group_id: str) -> list[str]:
    root = parts.adapters.settings.blob_dir / "identity" / group_id
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_a_training_whose_worker_died_runs_again(tmp_path: Path):
    parts, tenant, group_id = checked_group(tmp_path)
    flow_id = parts.services.training.start(tenant_id=tenant, group_id=group_id)
    jobs = SqlJobStore(parts.adapters.database)
    assert jobs.claim(now=parts.adapters.clock.now(), lease_seconds=60) is not None  # then it dies
    assert (
        parts.services.training.status(tenant_id=tenant, group_id=group_id).train_status
        is TrainStatus.PENDING
    )

    assert jobs.requeue_running(now=parts.adapters.clock.now()) == 1  # the restart
    assert parts.work.pool.run_until_idle() == 1

    group = parts.services.training.status(tenant_id=tenant, group_id=group_id)
    assert group.train_status is TrainStatus.READY
    assert identity_blobs(parts, group_id) == [flow_id]


def test_retraining_replaces_the_identity(tmp_path: Path):
    parts, tenant, group_id = checked_group(tmp_path)
    parts.services.training.start(tenant_id=tenant, group_id=group_id)
    parts.work.pool.run_until_idle()
    second = parts.services.training.start(tenant_id=tenant, group_id=group_id)
    parts.work.pool.run_until_idle()
    assert identity_blobs(parts, group_id) == [second]


def test_a_training_that_keeps_failing_reports_why(tmp_path: Path):
    parts, tenant, group_id = checked_group(tmp_path, BrokenTrainer())
    parts.services.training.start(tenant_id=tenant, group_id=group_id)
    assert parts.work.pool.run_until_idle() == 2
    group = parts.services.training.status(tenant_id=tenant, group_id=group_id)
    assert group.train_status is TrainStatus.FAILED
    assert group.train_error == "training failed; please try again"
    assert identity_blobs(parts, group_id) == []
