"""The one way services announce a finished job: which audience hears what, and in which order."""

from __future__ import annotations

from looksmith.domain.models import StatusChange
from looksmith.services.announce import Announcer


class Ears:
    """Stands in for both the live events and the webhook outbox, noting who heard what, in turn."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, StatusChange]] = []

    def publish(self, change: StatusChange) -> None:
        self.heard.append(("live", change))

    def record(self, change: StatusChange) -> None:
        self.heard.append(("outbox", change))


TRAINING = StatusChange("training", "g1", "t1", "ready")
LOOK = StatusChange("look", "l1", "t1", "completed")
CHECK = StatusChange("face_check", "l1", "t1", "completed")


def test_a_finished_job_goes_to_the_outbox_before_live_listeners():
    ears = Ears()
    Announcer(ears, ears).finished(TRAINING)  # type: ignore[arg-type]
    assert ears.heard == [("outbox", TRAINING), ("live", TRAINING)]


def test_a_job_on_a_look_announces_the_look_live_then_its_own_webhook_event():
    ears = Ears()
    Announcer(ears, ears).look_finished(LOOK, webhook=CHECK)  # type: ignore[arg-type]
    assert ears.heard == [("live", LOOK), ("outbox", CHECK)]


def test_without_an_outbox_only_live_listeners_hear():
    ears = Ears()
    announcer = Announcer(ears)  # type: ignore[arg-type]
    announcer.finished(TRAINING)
    announcer.look_finished(LOOK, webhook=CHECK)
    assert ears.heard == [("live", TRAINING), ("live", LOOK)]
