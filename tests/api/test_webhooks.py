"""Webhook endpoints, the outbox, retries and redelivery, on SQLite and PostgreSQL.

The services are built by hand from the API parts, and the router is added to the app
here, so these tests do not depend on how the composition root wires webhooks.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from looksmith.api.app import create_app
from looksmith.api.routes.webhooks import router
from looksmith.api.schemas.photo_avatar import GeneratePhotoRequest
from looksmith.clock import ManualClock
from looksmith.composition.api import ApiParts
from looksmith.config import Settings
from looksmith.db.repositories import SqlGenerationRepository
from looksmith.db.tables import webhook_deliveries
from looksmith.db.webhooks import SqlWebhookStore
from looksmith.domain.models import AvatarGroup, StatusChange, TrainStatus
from looksmith.domain.webhooks import EVENT_TYPES, DeliveryState, SendOutcome
from looksmith.services.generations import GenerationRequest
from looksmith.services.webhooks import WebhookDispatcher, WebhookService
from looksmith.storage.signing import load_or_create_secret
from looksmith.webhooks.deliverer import WebhookDeliverer
from looksmith.webhooks.sender import AddressGuard
from tests.support import VALID_BODY
from tests.support.webhooks import spec_signature

PUBLIC_URL = "https://93.184.216.34/hooks"
OTHER_URL = "https://8.8.8.8/hooks"
HEX32 = re.compile(r"[0-9a-f]{32}")
DAY = 24 * 3600.0
_payload = webhook_deliveries.c.payload


@dataclass
class FakeSender:
    """Records every send and answers from a script (then 200 forever)."""

    answers: list[int | None] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)

    def send(
        self, url: str, body: bytes, *, msg_id: str, timestamp: int, secret: str
    ) -> SendOutcome:
        self.sent.append(
            {"url": url, "body": body, "id": msg_id, "timestamp": timestamp, "secret": secret}
        )
        status = self.answers.pop(0) if self.answers else 200
        return SendOutcome(status=status, error=None if status else "ConnectError: refused")


class StubGroups:
    """Just enough of a group repository for training events."""

    def __init__(self, groups: dict[str, AvatarGroup]) -> None:
        self._groups = groups

    def get_group(self, group_id: str, *, tenant_id: str | None = None) -> AvatarGroup | None:
        return self._groups.get(group_id)


@dataclass
class Kit:
    """The webhook parts, wired by hand around the API parts."""

    parts: ApiParts
    clock: ManualClock
    store: SqlWebhookStore
    service: WebhookService
    dispatcher: WebhookDispatcher
    deliverer: WebhookDeliverer
    sender: FakeSender
    groups: dict[str, AvatarGroup]


def no_dns(host: str, port: int) -> list[str]:
    raise OSError(f"no DNS in tests: {host}")


@pytest.fixture
def kit(parts: ApiParts, settings: Settings) -> Iterator[Kit]:
    clock = ManualClock()
    store = SqlWebhookStore(parts.adapters.database)
    guard = AddressGuard(allow_private=False, resolver=no_dns)
    secret = load_or_create_secret(settings.secret_file)
    sender = FakeSender()
    groups: dict[str, AvatarGroup] = {}
    dispatcher = WebhookDispatcher(
        store=store,
        generations=SqlGenerationRepository(parts.adapters.database),
        groups=StubGroups(groups),  # type: ignore[arg-type]
        images=parts.services.images,
        sender=sender,
        guard=guard,
        clock=clock,
        install_secret=secret,
        jitter=lambda ceiling: ceiling,  # the top of each window: a predictable schedule
    )
    service = WebhookService(store=store, guard=guard, clock=clock, install_secret=secret)
    deliverer = WebhookDeliverer(service=dispatcher, clock=clock, concurrency=2)
    yield Kit(parts, clock, store, service, dispatcher, deliverer, sender, groups)
    deliverer.stop()


@pytest.fixture
def app_client(kit: Kit, settings: Settings) -> TestClient:
    app = create_app(settings, parts=kit.parts)
    app.include_router(router)
    app.state.webhooks = kit.service
    # Not entered as a context manager: the worker pool stays off, the tests drive the work.
    return TestClient(app)


def tenant_of(parts: ApiParts, key: str) -> str:
    return parts.services.keys.authenticate(key=key)


def add(client: TestClient, key: str, url: str = PUBLIC_URL, **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/v1/webhook/endpoint.add", json={"url": url, **extra}, headers={"x-api-key": key}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == 100 and body["msg"] is None and body["message"] is None
    return dict(body["data"])


def finished_generation(kit: Kit, key: str, **changes: Any) -> str:
    """A generation rendered to success, synchronously."""
    generations = kit.parts.services.generations
    spec = GeneratePhotoRequest.model_validate(VALID_BODY).to_request().spec
    request = GenerationRequest(
        name="Ada", spec=spec, callback_url=changes.get("callback_url"), callback_id="cb-1"
    )
    generation = generations.submit(tenant_id=tenant_of(kit.parts, key), request=request)
    generations.run(generation.id)
    # Once webhooks are wired into the API parts, their own outbox records this event as well;
    # these tests count only what the hand-built dispatcher records.
    with kit.parts.adapters.database.begin() as conn:
        conn.execute(delete(webhook_deliveries).where(_payload.contains(generation.id)))
    return generation.id


def success(kit: Kit, key: str, generation_id: str) -> StatusChange:
    return StatusChange("generation", generation_id, tenant_of(kit.parts, key), "success")


def deliveries(kit: Kit, key: str) -> list[Any]:
    return list(kit.store.list_deliveries(tenant_of(kit.parts, key), endpoint_id=None, limit=100))


# Management routes.


def test_add_and_list_show_the_secret_as_heygen_does(app_client: TestClient, api_key: str):
    created = add(app_client, api_key)
    assert HEX32.fullmatch(created["endpoint_id"])
    assert created["url"] == PUBLIC_URL
    assert created["events"] is None
    assert created["status"] == "enabled"
    assert created["secret"].startswith("whsec_")
    datetime.fromisoformat(created["created_at"])  # an ISO string, as HeyGen shows it

    listed = app_client.get("/v1/webhook/endpoint.list", headers={"x-api-key": api_key}).json()
    assert listed["code"] == 100
    assert [item["endpoint_id"] for item in listed["data"]] == [created["endpoint_id"]]
    assert listed["data"][0]["secret"] == created["secret"]


def test_update_changes_only_what_is_sent(app_client: TestClient, api_key: str):
    created = add(app_client, api_key, events=["photo_avatar_train.success"])
    headers = {"x-api-key": api_key}
    response = app_client.patch(
        "/v1/webhook/endpoint.update",
        json={"endpoint_id": created["endpoint_id"], "status": "disabled"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["status"] == "disabled"
    assert data["events"] == ["photo_avatar_train.success"]
    assert data["url"] == PUBLIC_URL and data["secret"] == created["secret"]

    response = app_client.patch(
        "/v1/webhook/endpoint.update",
        json={"endpoint_id": created["endpoint_id"], "events": None, "url": OTHER_URL},
        headers=headers,
    )
    data = response.json()["data"]
    assert (data["events"], data["url"], data["status"]) == (None, OTHER_URL, "disabled")


def test_delete_then_unknown(app_client: TestClient, api_key: str):
    created = add(app_client, api_key)
    url = f"/v1/webhook/endpoint.delete?endpoint_id={created['endpoint_id']}"
    response = app_client.delete(url, headers={"x-api-key": api_key})
    assert response.status_code == 200
    assert response.json() == {"code": 100, "data": None, "msg": None, "message": None}
    again = app_client.delete(url, headers={"x-api-key": api_key})
    assert again.status_code == 404
    assert again.json()["code"] == 400131  # HeyGen's v1 "webhook endpoint not found"


def test_event_types_and_callback_secret(app_client: TestClient, api_key: str, other_key: str):
    headers = {"x-api-key": api_key}
    types = app_client.get("/v1/webhook/webhook.list", headers=headers).json()
    assert types == {"code": 100, "data": list(EVENT_TYPES), "msg": None, "message": None}
    mine = app_client.get("/v1/webhook/callback_secret", headers=headers).json()["data"]["secret"]
    theirs = app_client.get("/v1/webhook/callback_secret", headers={"x-api-key": other_key}).json()[
        "data"
    ]["secret"]
    assert mine.startswith("whsec_") and mine != theirs
    assert app_client.get("/v1/webhook/webhook.list").status_code == 401


def test_another_tenants_endpoint_answers_like_an_unknown_one(
    app_client: TestClient, api_key: str, other_key: str
):
    theirs = add(app_client, other_key)["endpoint_id"]
    headers = {"x-api-key": api_key}
    unknown = "0" * 32
    for endpoint_id in (theirs, unknown):
        update = app_client.patch(
            "/v1/webhook/endpoint.update",
            json={"endpoint_id": endpoint_id, "status": "disabled"},
            headers=headers,
        )
        delete = app_client.delete(
            f"/v1/webhook/endpoint.delete?endpoint_id={endpoint_id}", headers=headers
        )
        log = app_client.get(
            f"/v1/webhook/delivery.list?endpoint_id={endpoint_id}", headers=headers
        )
        assert (update.status_code, delete.status_code, log.status_code) == (404, 404, 404)
        assert update.json()["message"] == f"endpoint {endpoint_id} not found"
    listed = app_client.get("/v1/webhook/endpoint.list", headers=headers).json()["data"]
    assert listed == []


@pytest.mark.parametrize(
    ("body", "param", "reason"),
    [
        ({"url": "http://127.0.0.1:9000/hook"}, "url", "loopback"),
        ({"url": "http://10.0.0.8/hook"}, "url", "private"),
        ({"url": "http://192.168.1.1/hook"}, "url", "private"),
        ({"url": "http://169.254.169.254/"}, "url", "link-local"),
        ({"url": "http://[::1]/hook"}, "url", "loopback"),
        ({"url": "http://localhost/hook"}, "url", "loopback"),
        ({"url": "ftp://93.184.216.34/hook"}, "url", "http or https"),
        ({"url": "https://unresolvable.invalid/hook"}, "url", "does not resolve"),
        ({"url": "   "}, "url", "is required"),
        ({}, "url", "is required"),
        ({"url": PUBLIC_URL, "events": ["video.success"]}, "events", "unknown event type"),
        ({"url": PUBLIC_URL, "events": []}, "events", "non-empty"),
        ({"url": PUBLIC_URL, "events": "all"}, "events", "list"),
    ],
)
def test_bad_endpoints_are_400_naming_the_field(
    app_client: TestClient, api_key: str, body: dict[str, Any], param: str, reason: str
):
    response = app_client.post(
        "/v1/webhook/endpoint.add", json=body, headers={"x-api-key": api_key}
    )
    assert response.status_code == 400, response.text
    error = response.json()
    assert isinstance(error["code"], int)  # v1 routes answer HeyGen's v1 error form
    assert error["message"].startswith(f"{param}: ")
    assert reason in error["message"]


def test_update_refuses_a_private_url_and_a_bad_status(app_client: TestClient, api_key: str):
    endpoint_id = add(app_client, api_key)["endpoint_id"]
    headers = {"x-api-key": api_key}
    for change, param in (({"url": "http://10.1.1.1/"}, "url"), ({"status": "paused"}, "status")):
        response = app_client.patch(
            "/v1/webhook/endpoint.update",
            json={"endpoint_id": endpoint_id, **change},
            headers=headers,
        )
        assert response.status_code == 400, response.text
        assert response.json()["message"].startswith(f"{param}: ")


# The outbox.


def test_record_inserts_one_row_per_matching_enabled_endpoint_and_the_callback(
    kit: Kit, api_key: str, other_key: str
):
    tenant = tenant_of(kit.parts, api_key)
    every = kit.service.add_endpoint(tenant_id=tenant, url=PUBLIC_URL, events=None)
    kit.service.add_endpoint(tenant_id=tenant, url=OTHER_URL, events=["photo_avatar_train.fail"])
    off = kit.service.add_endpoint(tenant_id=tenant, url=OTHER_URL, events=None)
    kit.service.update_endpoint(
        tenant_id=tenant, endpoint_id=off.id, changes={"status": "disabled"}
    )
    other_tenant = tenant_of(kit.parts, other_key)
    kit.service.add_endpoint(tenant_id=other_tenant, url=PUBLIC_URL, events=None)

    generation_id = finished_generation(kit, api_key, callback_url="https://8.8.4.4/cb")
    kit.dispatcher.record(success(kit, api_key, generation_id))

    rows = deliveries(kit, api_key)
    assert sorted((row.endpoint_id or "", row.url) for row in rows) == sorted(
        [(every.id, PUBLIC_URL), ("", "https://8.8.4.4/cb")]
    )
    for row in rows:
        assert row.state is DeliveryState.PENDING
        assert row.next_attempt_at == kit.clock.now()
        assert row.event_type == "photo_avatar_generation.success"
    assert deliveries(kit, other_key) == []


def test_changes_that_are_not_events_record_nothing(kit: Kit, api_key: str):
    tenant = tenant_of(kit.parts, api_key)
    kit.service.add_endpoint(tenant_id=tenant, url=PUBLIC_URL, events=None)
    generation_id = finished_generation(kit, api_key)
    kit.dispatcher.record(StatusChange("generation", generation_id, tenant, "rendering"))
    kit.dispatcher.record(StatusChange("look", generation_id, tenant, "completed"))
    assert deliveries(kit, api_key) == []


def test_delivery_body_is_signed_and_carries_fresh_image_links(kit: Kit, api_key: str):
    tenant = tenant_of(kit.parts, api_key)
    endpoint = kit.service.add_endpoint(tenant_id=tenant, url=PUBLIC_URL, events=None)
    generation_id = finished_generation(kit, api_key)
    kit.dispatcher.record(success(kit, api_key, generation_id))

    assert kit.deliverer.run_once(kit.clock.now()) == 1

    (sent,) = kit.sender.sent
    assert sent["secret"] == endpoint.secret
    body = json.loads(sent["body"])
    assert body["event_type"] == "photo_avatar_generation.success"
    data = body["event_data"]
    assert set(data) == {
        "generation_id", "status", "image_url_list", "image_key_list", "msg", "callback_id",
    }  # fmt: skip
    assert (data["generation_id"], data["status"], data["callback_id"]) == (
        generation_id,
        "success",
        "cb-1",
    )
    assert len(data["image_url_list"]) == len(data["image_key_list"]) == 4
    for key, url in zip(data["image_key_list"], data["image_url_list"], strict=True):
        assert url.startswith(f"http://testserver/{key}?Expires=")
    signature = spec_signature(endpoint.secret, sent["id"], sent["timestamp"], sent["body"])
    assert signature.startswith("v1,")
    (row,) = deliveries(kit, api_key)
    assert sent["id"] == row.id
    assert (row.state, row.attempts, row.last_status) == (DeliveryState.DELIVERED, 1, 200)
    assert row.delivered_at == kit.clock.now()


def test_callback_deliveries_use_the_tenants_callback_secret(kit: Kit, api_key: str):
    tenant = tenant_of(kit.parts, api_key)
    generation_id = finished_generation(kit, api_key, callback_url="https://8.8.4.4/cb")
    kit.dispatcher.record(success(kit, api_key, generation_id))
    kit.deliverer.run_once(kit.clock.now())
    (sent,) = kit.sender.sent
    assert sent["url"] == "https://8.8.4.4/cb"
    assert sent["secret"] == kit.service.callback_secret(tenant_id=tenant)


def test_a_callback_to_a_refused_address_is_failed_without_failing_the_generation(
    kit: Kit, api_key: str
):
    generation_id = finished_generation(kit, api_key, callback_url="http://127.0.0.1:9/cb")
    kit.dispatcher.record(success(kit, api_key, generation_id))
    (row,) = deliveries(kit, api_key)
    assert row.state is DeliveryState.FAILED
    assert row.last_error is not None and "loopback" in row.last_error
    assert kit.deliverer.run_once(kit.clock.now()) == 0
    tenant = tenant_of(kit.parts, api_key)
    generation = kit.parts.services.generations.get(tenant_id=tenant, generation_id=generation_id)
    assert generation.status.value == "success"


def test_training_events_carry_group_status_and_error(kit: Kit, api_key: str):
    tenant = tenant_of(kit.parts, api_key)
    kit.service.add_endpoint(tenant_id=tenant, url=PUBLIC_URL, events=["photo_avatar_train.fail"])
    group = AvatarGroup(
        id="a" * 32,
        tenant_id=tenant,
        name="Eileen",
        created_at=0.0,
        train_status=TrainStatus.FAILED,
        train_error="no look with a face is left in the group",
    )
    kit.groups[group.id] = group
    kit.dispatcher.record(StatusChange("training", group.id, tenant, "ready"))  # not wanted
    kit.dispatcher.record(StatusChange("training", group.id, tenant, "failed"))
    kit.deliverer.run_once(kit.clock.now())
    (sent,) = kit.sender.sent
    body = json.loads(sent["body"])
    assert {name: body[name] for name in ("event_type", "event_data")} == {
        "event_type": "photo_avatar_train.fail",
        "event_data": {
            "group_id": group.id,
            "status": "failed",
            "error_msg": "no look with a face is left in the group",
        },
    }


# Retries.


def test_failures_back_off_exponentially_up_to_an_hour_and_give_up_after_a_day(
    kit: Kit, api_key: str
):
    tenant = tenant_of(kit.parts, api_key)
    kit.service.add_endpoint(tenant_id=tenant, url=PUBLIC_URL, events=None)
    kit.dispatcher.record(success(kit, api_key, finished_generation(kit, api_key)))
    kit.sender.answers = [500] * 1000
    created = kit.clock.now()

    waits = []
    while True:
        assert kit.deliverer.run_once(kit.clock.now()) == 1
        (row,) = deliveries(kit, api_key)
        if row.state is not DeliveryState.PENDING:
            break
        assert kit.deliverer.run_once(kit.clock.now()) == 0  # not due again yet
        waits.append(row.next_attempt_at - kit.clock.now())
        kit.clock.advance(row.next_attempt_at - kit.clock.now())

    assert waits[:6] == [5, 10, 20, 40, 80, 160]
    assert max(waits) == 3600
    assert row.state is DeliveryState.FAILED
    assert row.last_status == 500 and row.last_error == "HTTP 500"
    assert kit.clock.now() == pytest.approx(created + DAY)
    assert row.attempts == len(waits) + 1 == len(kit.sender.sent)


def test_full_jitter_waits_anywhere_up_to_the_ceiling(kit: Kit, api_key: str):
    jittery = WebhookDispatcher(
        store=kit.store,
        generations=SqlGenerationRepository(kit.parts.adapters.database),
        groups=StubGroups({}),  # type: ignore[arg-type]
        images=kit.parts.services.images,
        sender=FakeSender(answers=[None] * 50),
        guard=AddressGuard(resolver=no_dns),
        clock=kit.clock,
        install_secret=b"s" * 32,
    )
    tenant = tenant_of(kit.parts, api_key)
    kit.service.add_endpoint(tenant_id=tenant, url=PUBLIC_URL, events=None)
    for _ in range(20):
        jittery.record(success(kit, api_key, finished_generation(kit, api_key)))
    now = kit.clock.now()
    while (claimed := jittery.claim_due(now=now, lease_seconds=60)) is not None:
        jittery.attempt(claimed, now=now)
    waits = [row.next_attempt_at - now for row in deliveries(kit, api_key)]
    assert all(0 <= wait <= 5 for wait in waits)
    assert len(set(waits)) > 1
    assert all("ConnectError" in (row.last_error or "") for row in deliveries(kit, api_key))


def test_a_leased_delivery_is_not_claimed_twice_until_its_lease_runs_out(kit: Kit, api_key: str):
    tenant = tenant_of(kit.parts, api_key)
    kit.service.add_endpoint(tenant_id=tenant, url=PUBLIC_URL, events=None)
    kit.dispatcher.record(success(kit, api_key, finished_generation(kit, api_key)))
    now = kit.clock.now()
    first = kit.dispatcher.claim_due(now=now, lease_seconds=60)
    assert first is not None and first.attempts == 1
    assert kit.dispatcher.claim_due(now=now + 59, lease_seconds=60) is None
    again = kit.dispatcher.claim_due(now=now + 61, lease_seconds=60)  # its holder died
    assert again is not None and again.id == first.id and again.attempts == 2


def test_deliveries_of_a_deleted_endpoint_are_given_up(kit: Kit, api_key: str):
    tenant = tenant_of(kit.parts, api_key)
    endpoint = kit.service.add_endpoint(tenant_id=tenant, url=PUBLIC_URL, events=None)
    kit.dispatcher.record(success(kit, api_key, finished_generation(kit, api_key)))
    kit.service.delete_endpoint(tenant_id=tenant, endpoint_id=endpoint.id)
    kit.deliverer.run_once(kit.clock.now())
    (row,) = deliveries(kit, api_key)
    assert row.state is DeliveryState.FAILED and "deleted" in (row.last_error or "")
    assert kit.sender.sent == []


# The delivery log and redelivery.


def test_delivery_log_and_redelivery_through_the_api(
    kit: Kit, app_client: TestClient, api_key: str, other_key: str
):
    endpoint_id = add(app_client, api_key)["endpoint_id"]
    for _ in range(3):
        kit.dispatcher.record(success(kit, api_key, finished_generation(kit, api_key)))
        kit.clock.advance(1)
    kit.sender.answers = [200, 503, 200]
    while kit.deliverer.run_once(kit.clock.now()):  # two at a time
        pass
    headers = {"x-api-key": api_key}

    log = app_client.get(
        f"/v1/webhook/delivery.list?endpoint_id={endpoint_id}&limit=2", headers=headers
    ).json()
    assert log["code"] == 100
    assert len(log["data"]) == 2
    newest, older = log["data"]
    assert newest["created_at"] > older["created_at"]
    assert set(newest) == {
        "id", "endpoint_id", "event_type", "state", "attempts", "last_status", "last_error",
        "created_at", "delivered_at",
    }  # fmt: skip
    all_rows = app_client.get("/v1/webhook/delivery.list", headers=headers).json()["data"]
    assert len(all_rows) == 3
    pending = next(row for row in all_rows if row["state"] == "pending")
    assert (pending["last_status"], pending["attempts"]) == (503, 1)

    delivered = next(row for row in all_rows if row["state"] == "delivered")
    response = app_client.post(
        "/v1/webhook/delivery.redeliver", json={"delivery_id": delivered["id"]}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["state"] == "pending"
    sent_before = len(kit.sender.sent)
    assert kit.deliverer.run_once(kit.clock.now()) == 1  # only the redelivered one is due now
    assert kit.sender.sent[-1]["id"] == delivered["id"]
    assert len(kit.sender.sent) == sent_before + 1
    again = kit.store.get_delivery(delivered["id"], tenant_id=tenant_of(kit.parts, api_key))
    assert again is not None and (again.state, again.attempts) == (DeliveryState.DELIVERED, 2)

    theirs = app_client.post(
        "/v1/webhook/delivery.redeliver",
        json={"delivery_id": delivered["id"]},
        headers={"x-api-key": other_key},
    )
    assert theirs.status_code == 404
    assert (
        app_client.get("/v1/webhook/delivery.list", headers={"x-api-key": other_key}).json()["data"]
        == []
    )


def test_delivery_list_limit_is_checked(app_client: TestClient, api_key: str):
    response = app_client.get(
        "/v1/webhook/delivery.list?limit=1000", headers={"x-api-key": api_key}
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("limit: ")


def test_the_deliverer_thread_sends_in_the_background(kit: Kit, api_key: str):
    tenant = tenant_of(kit.parts, api_key)
    kit.service.add_endpoint(tenant_id=tenant, url=PUBLIC_URL, events=None)
    kit.dispatcher.record(success(kit, api_key, finished_generation(kit, api_key)))
    threaded = WebhookDeliverer(service=kit.dispatcher, clock=kit.clock, poll_seconds=0.01)
    threaded.start()
    try:
        assert threaded.is_alive()
        deadline = time.monotonic() + 10
        while not kit.sender.sent and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        threaded.stop()
    assert not threaded.is_alive()
    assert len(kit.sender.sent) == 1
