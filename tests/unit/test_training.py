"""Training is a durable job: it survives a dead worker, replaces old identities, fails cleanly."""

from __future__ import annotations

from pathlib import Path

from looksmith.clock import ManualClock
from looksmith.config import Settings
from looksmith.container import Container, build_container
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
) -> tuple[Container, str, str]:
    settings = Settings(data_dir=tmp_path / "data", job_max_attempts=2)
    upgrade(settings.sqlalchemy_url)
    container = build_container(settings, clock=ManualClock(), image_engine=engine)
    tenant = container.keys.create_tenant(name="t").tenant.id
    image = container.assets.upload(
        tenant_id=tenant, data=astronaut_jpeg(), content_type="image/jpeg"
    )
    look = container.groups.create_group(
        tenant_id=tenant, name="g", key=f"image/{image.id}/original", generation_id=None
    )
    assert container.workers.run_until_idle() == 1  # the face check
    return container, tenant, look.group_id


def identity_blobs(container: Container, group_id: str) -> list[str]:
    root = container.settings.blob_dir / "identity" / group_id
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_a_training_whose_worker_died_runs_again(tmp_path: Path):
    container, tenant, group_id = checked_group(tmp_path)
    flow_id = container.training.start(tenant_id=tenant, group_id=group_id)
    jobs = SqlJobStore(container.database)
    assert jobs.claim(now=container.clock.now(), lease_seconds=60) is not None  # then it dies
    assert (
        container.training.status(tenant_id=tenant, group_id=group_id).train_status
        is TrainStatus.PENDING
    )

    assert jobs.requeue_running(now=container.clock.now()) == 1  # the restart
    assert container.workers.run_until_idle() == 1

    group = container.training.status(tenant_id=tenant, group_id=group_id)
    assert group.train_status is TrainStatus.READY
    assert identity_blobs(container, group_id) == [flow_id]


def test_retraining_replaces_the_identity(tmp_path: Path):
    container, tenant, group_id = checked_group(tmp_path)
    container.training.start(tenant_id=tenant, group_id=group_id)
    container.workers.run_until_idle()
    second = container.training.start(tenant_id=tenant, group_id=group_id)
    container.workers.run_until_idle()
    assert identity_blobs(container, group_id) == [second]


def test_a_training_that_keeps_failing_reports_why(tmp_path: Path):
    container, tenant, group_id = checked_group(tmp_path, BrokenTrainer())
    container.training.start(tenant_id=tenant, group_id=group_id)
    assert container.workers.run_until_idle() == 2
    group = container.training.status(tenant_id=tenant, group_id=group_id)
    assert group.train_status is TrainStatus.FAILED
    assert group.train_error == "training failed; please try again"
    assert identity_blobs(container, group_id) == []
