"""Motion, sound and upscale jobs driven by hand: reruns, failures with reasons, webhooks."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any

import pytest

from looksmith.composition.api import ApiParts
from looksmith.domain.models import JobKind, Look, LookStatus, StatusChange, image_key
from looksmith.domain.motion import SoundStatus, preview_key
from looksmith.domain.webhooks import event_type_for
from looksmith.services.groups import Page
from looksmith.services.motion import MotionService
from tests.support.photos import astronaut_jpeg


@dataclass
class Outbox:
    """Records what the motion service would send as webhooks."""

    changes: list[StatusChange] = field(default_factory=list)

    def record(self, change: StatusChange) -> None:
        self.changes.append(change)


@dataclass
class Setup:
    parts: ApiParts
    tenant_id: str
    look: Look
    outbox: Outbox
    motion: MotionService


@pytest.fixture
def setup(parts: ApiParts) -> Setup:
    """A tenant with one completed look, and a motion service whose webhooks are recorded."""
    tenant_id = parts.services.keys.authenticate(
        key=parts.services.keys.create_tenant(name="t").key
    )
    image = parts.services.assets.upload(
        tenant_id=tenant_id, data=astronaut_jpeg(), content_type="image/jpeg"
    )
    look = parts.services.groups.create_group(
        tenant_id=tenant_id, name="Eileen", key=image_key(image.id), generation_id=None
    )
    parts.services.groups.run(look.id)  # the face check
    outbox = Outbox()
    motion = parts.services.motion
    # the wired outbox would write deliveries instead
    motion._announcer = replace(motion._announcer, outbox=outbox)
    completed = parts.services.groups.look(tenant_id=tenant_id, look_id=look.id)
    assert completed.status is LookStatus.COMPLETED
    return Setup(parts, tenant_id, completed, outbox, motion)


def test_a_motion_look_renders_once_and_announces_success(setup: Setup):
    pending = setup.motion.add_motion(
        tenant_id=setup.tenant_id, look_id=setup.look.id, prompt="at the beach", motion_type=None
    )
    assert pending.motion is not None and pending.motion.parent_id == setup.look.id
    assert "at the beach" in pending.motion.scene and "Eileen" in pending.motion.scene
    setup.motion.run(pending.id)
    setup.motion.run(pending.id)  # a rerun after success does nothing
    done = setup.parts.services.groups.look(tenant_id=setup.tenant_id, look_id=pending.id)
    assert done.status is LookStatus.COMPLETED and done.motion is not None
    assert (done.motion.width, done.motion.height, done.motion.duration) == (512, 512, 4.0)
    assert done.face is not None  # carried over from the source look, at preview scale
    assert setup.outbox.changes == [
        StatusChange("motion", pending.id, setup.tenant_id, "completed")
    ]
    assert event_type_for("motion", "completed") == "photo_avatar_add_motion.success"


def test_a_deleted_source_fails_the_motion_look_with_a_reason(setup: Setup):
    first = setup.motion.add_motion(
        tenant_id=setup.tenant_id, look_id=setup.look.id, prompt=None, motion_type="veo2"
    )
    setup.parts.services.groups.delete_look(tenant_id=setup.tenant_id, look_id=setup.look.id)
    setup.motion.run(first.id)
    failed = setup.parts.services.groups.look(tenant_id=setup.tenant_id, look_id=first.id)
    assert failed.status is LookStatus.FAILED
    assert failed.message == "the look it was made from was deleted"
    assert [c.status for c in setup.outbox.changes] == ["failed"]
    assert event_type_for("motion", "failed") == "photo_avatar_add_motion.fail"


def test_giving_up_fails_the_look_and_a_failed_upscale_frees_its_parent(setup: Setup):
    pending = setup.motion.add_motion(
        tenant_id=setup.tenant_id, look_id=setup.look.id, prompt=None, motion_type=None
    )
    setup.motion.run(pending.id)
    upscale = setup.motion.upscale(tenant_id=setup.tenant_id, look_id=pending.id)
    setup.motion.give_up(upscale.id, "failed; please try again")
    failed = setup.parts.services.groups.look(tenant_id=setup.tenant_id, look_id=upscale.id)
    assert (failed.status, failed.message) == (
        LookStatus.FAILED, "upscale failed; please try again",
    )  # fmt: skip
    again = setup.motion.upscale(tenant_id=setup.tenant_id, look_id=pending.id)
    setup.motion.run(again.id)
    bigger = setup.parts.services.groups.look(tenant_id=setup.tenant_id, look_id=again.id)
    assert bigger.status is LookStatus.COMPLETED and bigger.motion is not None
    assert (bigger.motion.width, bigger.motion.upscaled) == (1024, True)
    # Upscales send their own events, not add-motion ones.
    assert [(c.kind, c.id, c.status) for c in setup.outbox.changes] == [
        ("motion", pending.id, "completed"),
        ("upscale", upscale.id, "failed"),
        ("upscale", again.id, "completed"),
    ]


def test_a_sound_effect_job_is_durable_and_rerunnable(setup: Setup):
    parts = setup.parts
    pending = setup.motion.add_motion(
        tenant_id=setup.tenant_id, look_id=setup.look.id, prompt="office", motion_type=None
    )
    setup.motion.run(pending.id)
    silent = parts.adapters.settings.blob_dir / preview_key(pending.id)
    before = silent.read_bytes()
    sound_id = parts.services.sound_effects.add(tenant_id=setup.tenant_id, look_id=pending.id)
    # The job row was committed with the request: a worker pool would find it.
    job = parts.adapters.jobs.claim_target(
        JobKind.ADD_SOUND_EFFECT, pending.id, now=parts.adapters.clock.now(), lease_seconds=30,
        worker_id="test",
    )  # fmt: skip
    assert job is not None
    parts.services.sound_effects.run(pending.id)
    after = silent.read_bytes()
    parts.services.sound_effects.run(pending.id)  # a rerun after success does nothing
    assert silent.read_bytes() == after != before
    look = parts.services.groups.look(tenant_id=setup.tenant_id, look_id=pending.id)
    assert look.motion is not None and look.motion.sound is not None
    sound = look.motion.sound
    assert (sound.id, sound.status, sound.duration) == (sound_id, SoundStatus.COMPLETED, 4.0)


def test_a_sound_effect_whose_look_is_deleted_mid_run_leaves_no_blobs(setup: Setup):
    parts = setup.parts
    pending = setup.motion.add_motion(
        tenant_id=setup.tenant_id, look_id=setup.look.id, prompt="office", motion_type=None
    )
    setup.motion.run(pending.id)
    parts.services.sound_effects.add(tenant_id=setup.tenant_id, look_id=pending.id)
    engine = parts.services.sound_effects._engine
    real_ambience = engine.ambience

    def ambience_then_delete(**kwargs: Any) -> Any:
        track = real_ambience(**kwargs)
        parts.services.groups.delete_look(tenant_id=setup.tenant_id, look_id=pending.id)
        return track

    parts.services.sound_effects._engine = SimpleNamespace(  # type: ignore[assignment]
        ambience=ambience_then_delete, add_sound=engine.add_sound
    )
    parts.services.sound_effects.run(pending.id)
    blobs = parts.services.sound_effects._blobs
    assert blobs.keys(f"motion/{pending.id}/") == []
    assert blobs.get(image_key(pending.id)) is None


def test_a_group_preview_is_never_a_motion_look_without_its_still(setup: Setup):
    parts = setup.parts

    def preview() -> str:
        _, [summary] = parts.services.groups.list_groups(
            tenant_id=setup.tenant_id, page=Page(page=1, limit=10)
        )
        return summary.preview_image_id

    assert preview() == setup.look.id
    pending = setup.motion.add_motion(
        tenant_id=setup.tenant_id, look_id=setup.look.id, prompt=None, motion_type=None
    )
    parts.services.groups.delete_look(tenant_id=setup.tenant_id, look_id=setup.look.id)
    created_from = setup.look.group_id  # the picture the group was created from
    assert preview() == created_from  # the pending motion look has no still yet
    setup.motion.run(pending.id)  # fails: its source is gone
    failed = parts.services.groups.look(tenant_id=setup.tenant_id, look_id=pending.id)
    assert failed.status is LookStatus.FAILED
    assert preview() == created_from


def test_a_new_group_previews_its_photo_while_the_face_check_runs(parts: ApiParts):
    tenant_id = parts.services.keys.authenticate(
        key=parts.services.keys.create_tenant(name="t").key
    )
    image = parts.services.assets.upload(
        tenant_id=tenant_id, data=astronaut_jpeg(), content_type="image/jpeg"
    )
    look = parts.services.groups.create_group(
        tenant_id=tenant_id, name="Eileen", key=image_key(image.id), generation_id=None
    )
    assert look.status is LookStatus.PENDING
    _, [summary] = parts.services.groups.list_groups(
        tenant_id=tenant_id, page=Page(page=1, limit=10)
    )
    assert summary.preview_image_id == look.id  # a photo look has its picture from the start
