"""Avatar groups and their looks: create, add, check faces, list, delete."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from looksmith.domain.media import AssetType, asset_type
from looksmith.domain.models import (
    AvatarGroup,
    BusinessType,
    GroupSummary,
    ImageSource,
    JobKind,
    Look,
    LookStatus,
    StatusChange,
    StoredImage,
    image_id_from_key,
    image_key,
    is_hex_id,
    new_id,
)
from looksmith.domain.motion import motion_keys
from looksmith.domain.specs import FaceBox
from looksmith.errors import InvalidParameter, NotFound
from looksmith.ports.clock import Clock
from looksmith.ports.delivery import StatusEvents, WebhookOutbox
from looksmith.ports.jobs import JobQueue
from looksmith.ports.media import BlobStore, FaceDetector
from looksmith.ports.repositories import GroupRepository, ImageRepository
from looksmith.services.announce import Announcer
from looksmith.services.generations import check_no_nul

log = logging.getLogger(__name__)

NO_FACE = "No face detected, please try another photo."
MULTIPLE_FACES = "Multiple faces detected, please try another photo."
# A second face with at least this fraction of the largest one's area makes a second person;
# smaller ones are people in the background. Measured (bench/bench_faces.py): a face behind at
# half or 0.8 the linear size reaches 0.32, two people photographed alike 0.47 and more.
SIMILAR_FACE_AREA = 0.4
MAX_KEYS_PER_ADD = 4


DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Page:
    """Which slice of a list to return; ``page`` counts from 1; no ``limit`` is every row."""

    page: int = 1
    limit: int | None = None

    @classmethod
    def requested(cls, page: int | None, limit: int | None) -> Page:
        """What a client asked for: everything when it sends neither, as HeyGen documents no
        paging; else pages of ``limit`` (50 by default, more than 100 read as 100)."""
        if page is None and limit is None:
            return cls()
        size = DEFAULT_PAGE_SIZE if limit is None else min(limit, MAX_PAGE_SIZE)
        return cls(page=page or 1, limit=size)

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return 0 if self.limit is None else (self.page - 1) * self.limit


class GroupService:
    """Owns groups and looks; a look's face check runs in a worker."""

    def __init__(
        self,
        *,
        groups: GroupRepository,
        images: ImageRepository,
        blobs: BlobStore,
        faces: FaceDetector,
        queue: JobQueue,
        events: StatusEvents,
        clock: Clock,
        outbox: WebhookOutbox | None = None,
    ) -> None:
        self._announcer = Announcer(events, outbox)
        self._queue = queue
        self._groups = groups
        self._images = images
        self._blobs = blobs
        self._faces = faces
        self._clock = clock

    def create_group(
        self, *, tenant_id: str, name: str, key: str, generation_id: str | None
    ) -> Look:
        """A new group whose first look (id equal to the group's) shows the image ``key``."""
        _check_name(name)
        source = self._source_image(tenant_id, key, generation_id, param="image_key")
        group = AvatarGroup(id=new_id(), tenant_id=tenant_id, name=name, created_at=self._now())
        look, image = self._copy_as_look(source, look_id=group.id, group_id=group.id, name=name)
        self._groups.add_group(group, look, image)
        self._queue.enqueue(JobKind.CHECK_LOOK, look.id)
        return look

    def add_looks(
        self,
        *,
        tenant_id: str,
        group_id: str,
        name: str,
        keys: Sequence[str],
        generation_id: str | None,
    ) -> list[Look]:
        """The group's looks for the image keys (1 to 4), in their order: a key that already is
        a look of the group (a finished look generation's picture) is that look; any other
        becomes a new pending look."""
        _check_name(name)
        if not 1 <= len(keys) <= MAX_KEYS_PER_ADD:
            raise InvalidParameter("image_keys", f"give 1 to {MAX_KEYS_PER_ADD} image keys")
        self.group(tenant_id=tenant_id, group_id=group_id, param="group_id")
        found = [
            self._look_or_source(tenant_id, group_id, key, generation_id, param=f"image_keys.{i}")
            for i, key in enumerate(keys)
        ]
        pairs = [
            self._copy_as_look(source, look_id=new_id(), group_id=group_id, name=name)
            for source in found
            if isinstance(source, StoredImage)
        ]
        if pairs:
            self._groups.add_looks(pairs)
        for look, _ in pairs:
            self._queue.enqueue(JobKind.CHECK_LOOK, look.id)
        added = iter(look for look, _ in pairs)
        return [item if isinstance(item, Look) else next(added) for item in found]

    def group(self, *, tenant_id: str, group_id: str, param: str | None = None) -> AvatarGroup:
        """The tenant's group; 404 by path (``param`` None) or 400 naming the body field."""
        found = (
            self._groups.get_group(group_id, tenant_id=tenant_id) if is_hex_id(group_id) else None
        )
        if found is None:
            if param is None:
                raise NotFound(f"group {group_id} not found")
            raise InvalidParameter(param, f"group {group_id} not found")
        return found

    def look(self, *, tenant_id: str, look_id: str) -> Look:
        """The tenant's look, or 404."""
        found = self._groups.get_look(look_id, tenant_id=tenant_id) if is_hex_id(look_id) else None
        if found is None:
            raise NotFound(f"photo avatar {look_id} not found")
        return found

    def list_groups(self, *, tenant_id: str, page: Page) -> tuple[int, Sequence[GroupSummary]]:
        """The total and one page of the tenant's groups."""
        return self._groups.list_groups(tenant_id, offset=page.offset, limit=page.limit)

    def list_looks(
        self, *, tenant_id: str, group_id: str, page: Page
    ) -> tuple[int, Sequence[Look]]:
        """The total and one page of a group's looks."""
        self.group(tenant_id=tenant_id, group_id=group_id)
        return self._groups.list_looks(group_id, offset=page.offset, limit=page.limit)

    def delete_look(self, *, tenant_id: str, look_id: str) -> None:
        """Delete a look and the image it owns; a second delete is a 404."""
        freed = (
            self._groups.delete_look(look_id, tenant_id=tenant_id) if is_hex_id(look_id) else None
        )
        if freed is None:
            raise NotFound(f"photo avatar {look_id} not found")
        for image_id in freed:
            self._blobs.delete(image_key(image_id))
        for key in motion_keys(look_id):
            self._blobs.delete(key)

    def delete_group(self, *, tenant_id: str, group_id: str) -> None:
        """Delete a group with its looks, look generations, identities and their blobs."""
        freed = (
            self._groups.delete_group(group_id, tenant_id=tenant_id)
            if is_hex_id(group_id)
            else None
        )
        if freed is None:
            raise NotFound(f"group {group_id} not found")
        for image_id in freed:
            self._blobs.delete(image_key(image_id))
            for key in motion_keys(image_id):  # a look's id is its image's id
                self._blobs.delete(key)
        for key in self._blobs.keys(f"identity/{group_id}/"):
            self._blobs.delete(key)

    def run(self, target_id: str) -> None:
        """Face-check a pending look: the face its engine drew, or one the detector finds."""
        look = self._groups.get_look(target_id)
        if look is None or look.status is not LookStatus.PENDING:
            return
        face, message = look.face, None
        if face is None:
            data = self._blobs.get(image_key(look.id))
            face, message = the_one_face(self._faces.find_faces(data) if data else [])
        status = LookStatus.COMPLETED if face else LookStatus.FAILED
        self._finish_check(look, status, message, face)

    def give_up(self, target_id: str, reason: str) -> None:
        """Fail a look whose face check kept failing."""
        look = self._groups.get_look(target_id)
        if look is not None:
            self._finish_check(look, LookStatus.FAILED, f"face check {reason}", None)

    def _finish_check(
        self, look: Look, status: LookStatus, message: str | None, face: FaceBox | None
    ) -> None:
        if self._groups.finish_look_check(
            look.id, status=status, message=message, face=face, at=self._now()
        ):
            self._announcer.look_finished(
                StatusChange("look", look.id, look.tenant_id, status.value),
                webhook=StatusChange("face_check", look.id, look.tenant_id, status.value),
            )

    def _look_or_source(
        self, tenant_id: str, group_id: str, key: str, generation_id: str | None, *, param: str
    ) -> Look | StoredImage:
        """The group's look whose picture ``key`` is, else the image to copy into a new look."""
        image_id = image_id_from_key(key)
        look = self._groups.get_look(image_id, tenant_id=tenant_id) if image_id else None
        if look is None or look.group_id != group_id:
            return self._source_image(tenant_id, key, generation_id, param=param)
        image = self._images.get_image(look.id)
        if generation_id is not None and (image is None or image.generation_id != generation_id):
            raise InvalidParameter(
                "generation_id", f"image {key} is not from generation {generation_id}"
            )
        return look

    def _source_image(
        self, tenant_id: str, key: str, generation_id: str | None, *, param: str
    ) -> StoredImage:
        image_id = image_id_from_key(key)
        image = self._images.get_image(image_id) if image_id else None
        if image is None or image.tenant_id != tenant_id or image.source is ImageSource.LOOK:
            raise InvalidParameter(param, f"no uploaded or generated image {key}")
        if (kind := asset_type(image.content_type)) is not AssetType.IMAGE:
            raise InvalidParameter(param, f"{key} is {kind.with_article} asset, not an image")
        if generation_id is not None and image.generation_id != generation_id:
            raise InvalidParameter(
                "generation_id", f"image {key} is not from generation {generation_id}"
            )
        return image

    def _copy_as_look(
        self, source: StoredImage, *, look_id: str, group_id: str, name: str
    ) -> tuple[Look, StoredImage]:
        # A look owns a copy of its picture, so deleting it never breaks an upload or generation.
        data = self._blobs.get(image_key(source.id))
        if data is None:
            raise InvalidParameter("image_key", f"image {image_key(source.id)} has no data")
        now = self._now()
        self._blobs.put(image_key(look_id), data, source.content_type)
        generated = source.source is ImageSource.GENERATION
        look = Look(
            id=look_id,
            tenant_id=source.tenant_id,
            group_id=group_id,
            name=name,
            status=LookStatus.PENDING,
            message=None,
            business_type=BusinessType.GENERATED if generated else BusinessType.USER_UPLOAD,
            face=source.face,
            created_at=now,
            updated_at=now,
        )
        image = StoredImage(
            id=look_id,
            tenant_id=source.tenant_id,
            generation_id=None,
            content_type=source.content_type,
            size=source.size,
            etag=source.etag,
            created_at=now,
            source=ImageSource.LOOK,
            width=source.width,
            height=source.height,
            face=source.face,
        )
        return look, image

    def _now(self) -> float:
        return self._clock.now()


def _check_name(name: str) -> None:
    if not name.strip():
        raise InvalidParameter("name", "must not be empty")
    if len(name) > 200:
        raise InvalidParameter("name", "at most 200 characters")
    check_no_nul("name", name)


def the_one_face(faces: Sequence[FaceBox]) -> tuple[FaceBox | None, str | None]:
    """The photo's person (faces come largest first), or why the photo has none."""
    if not faces:
        return None, NO_FACE
    largest = faces[0].width * faces[0].height
    if any(f.width * f.height >= SIMILAR_FACE_AREA * largest for f in faces[1:]):
        return None, MULTIPLE_FACES
    return faces[0], None
