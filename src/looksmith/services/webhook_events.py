"""What each webhook event says: its ``event_data``, built from the object that changed."""

from __future__ import annotations

from typing import Any

from looksmith.domain.models import Look, StatusChange, image_key
from looksmith.ports.repositories import GenerationRepository, GroupRepository

EventFields = dict[str, Any]


class EventData:
    """Reads the generation, group or look a status change is about and describes it."""

    def __init__(self, *, generations: GenerationRepository, groups: GroupRepository) -> None:
        self._generations = generations
        self._groups = groups

    def of(self, change: StatusChange) -> tuple[EventFields, str | None] | None:
        """The event's data and the request's own callback URL; None if the object is gone."""
        if change.kind == "generation":
            return self._generation(change)
        if change.kind == "training":
            group = self._groups.get_group(change.id)
            if group is None:
                return None
            return {
                "group_id": group.id,
                "status": change.status,
                "error_msg": group.train_error,
            }, None
        look = self._groups.get_look(change.id)
        if look is None:
            return None
        if change.kind == "sound_effect":
            return _sound_effect(look, change.status), None
        # Motion, upscale and face check: the outcome of the look itself.
        data = {"id": look.id, "group_id": look.group_id, "status": change.status}
        return {**data, "msg": look.message}, None

    def _generation(self, change: StatusChange) -> tuple[EventFields, str | None] | None:
        generation = self._generations.get(change.id)
        if generation is None:
            return None
        keys = [image_key(i) for i in generation.image_ids] if change.status == "success" else None
        data = {
            "generation_id": generation.id,
            "status": change.status,
            "image_url_list": None,  # signed when sent, so the links are fresh
            "image_key_list": keys,
            "msg": generation.message,
            "callback_id": generation.callback_id,
        }
        return data, generation.callback_url


def _sound_effect(look: Look, status: str) -> EventFields:
    """A sound effect's outcome: the motion look it belongs to and the sound effect's id."""
    sound = look.motion.sound if look.motion else None
    return {
        "id": look.id,
        "group_id": look.group_id,
        "sound_effect_id": sound.id if sound else None,
        "status": status,
    }
