"""Training a group: the engine learns the person from the group's checked photos."""

from __future__ import annotations

import logging

from looksmith.domain.models import (
    AvatarGroup,
    JobKind,
    StatusChange,
    TrainStatus,
    image_key,
    new_id,
    seed_from_id,
)
from looksmith.domain.specs import TrainingPhoto
from looksmith.errors import InvalidState, NotFound
from looksmith.ports.clock import Clock
from looksmith.ports.delivery import StatusEvents, WebhookOutbox
from looksmith.ports.jobs import JobQueue
from looksmith.ports.media import BlobStore, ImageEngine
from looksmith.ports.repositories import GroupRepository
from looksmith.services.announce import Announcer
from looksmith.services.groups import GroupService

log = logging.getLogger(__name__)


def no_valid_image(group_id: str, why: str) -> InvalidState:
    """HeyGen's message for a group that cannot be trained now, with the reason added."""
    return InvalidState(f"No valid image for training found in group {group_id}: {why}")


class TrainingService:
    """Starts trainings, reports them, and runs them in a worker."""

    def __init__(
        self,
        *,
        groups: GroupRepository,
        group_service: GroupService,
        blobs: BlobStore,
        engine: ImageEngine,
        queue: JobQueue,
        events: StatusEvents,
        clock: Clock,
        outbox: WebhookOutbox | None = None,
    ) -> None:
        self._announcer = Announcer(events, outbox)
        self._queue = queue
        self._groups = groups
        self._group_service = group_service
        self._blobs = blobs
        self._engine = engine
        self._clock = clock

    def start(self, *, tenant_id: str, group_id: str) -> str:
        """Queue a training of the group; returns its flow id."""
        group = self._group_service.group(tenant_id=tenant_id, group_id=group_id, param="group_id")
        if not self._groups.training_looks(group.id):
            raise no_valid_image(group.id, "no look has passed its face check yet")
        flow_id = new_id()
        if not self._groups.start_training(
            group.id, tenant_id=tenant_id, flow_id=flow_id, at=self._clock.now()
        ):
            raise no_valid_image(group.id, "a training of this group is already running")
        self._queue.enqueue(JobKind.TRAIN_GROUP, group.id)
        return flow_id

    def status(self, *, tenant_id: str, group_id: str) -> AvatarGroup:
        """The group, whose ``train_*`` fields tell the training's state."""
        group = self._group_service.group(tenant_id=tenant_id, group_id=group_id)
        if group.train_status is None:
            raise NotFound(f"group {group_id} has not been trained")
        return group

    def run(self, target_id: str) -> None:
        """Learn the identity from the group's completed looks; safe to rerun."""
        group = self._groups.get_group(target_id)
        if group is None or group.train_status is not TrainStatus.PENDING or not group.flow_id:
            return
        photos = self._photos(group.id)
        if not photos:
            self._finish(group, TrainStatus.FAILED, "no look with a face is left in the group")
            return
        seed = seed_from_id(group.flow_id)
        identity = self._engine.train(photos, seed=seed)
        key = f"identity/{group.id}/{group.flow_id}"
        self._blobs.put(key, identity, "application/octet-stream")
        if not self._finish(group, TrainStatus.READY, None, identity_key=key):
            # Another run of this training may have finished with this very key: keep it then.
            current = self._groups.get_group(group.id)
            if current is None or current.identity_key != key:
                self._blobs.delete(key)
        elif group.identity_key and group.identity_key != key:
            self._blobs.delete(group.identity_key)

    def give_up(self, target_id: str, reason: str) -> None:
        """Fail a training that kept failing."""
        group = self._groups.get_group(target_id)
        if group is not None and group.flow_id:
            self._finish(group, TrainStatus.FAILED, f"training {reason}")

    def _photos(self, group_id: str) -> list[TrainingPhoto]:
        photos = []
        for look in self._groups.training_looks(group_id):
            data = self._blobs.get(image_key(look.id))
            if data is not None and look.face is not None:
                photos.append(TrainingPhoto(data=data, face=look.face))
        return photos

    def _finish(
        self,
        group: AvatarGroup,
        status: TrainStatus,
        error: str | None,
        *,
        identity_key: str | None = None,
    ) -> bool:
        assert group.flow_id is not None
        finished = self._groups.finish_training(
            group.id,
            flow_id=group.flow_id,
            status=status,
            error=error,
            identity_key=identity_key,
            at=self._clock.now(),
        )
        if finished:
            change = StatusChange("training", group.id, group.tenant_id, status.value)
            self._announcer.finished(change)
        return finished
