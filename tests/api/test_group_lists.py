"""Group and look listings: everything without paging, pages on request, one query per page, and
a preview link for every group, even one whose looks are all gone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from looksmith.api.app import create_app
from looksmith.composition.api import ApiParts
from looksmith.config import Settings
from looksmith.db.groups import SqlGroupRepository
from looksmith.db.tables import images
from looksmith.domain.models import (
    AvatarGroup,
    BusinessType,
    ImageSource,
    Look,
    LookStatus,
    StoredImage,
    image_key,
    new_id,
)
from tests.support.photos import astronaut_jpeg


@pytest.fixture
def manual(settings: Settings, parts: ApiParts) -> TestClient:
    """A client whose jobs only run when the test says so."""
    return TestClient(create_app(settings, parts=parts))


def _look(tenant_id: str, group_id: str, look_id: str, at: float) -> tuple[Look, StoredImage]:
    look = Look(
        id=look_id, tenant_id=tenant_id, group_id=group_id, name="seeded",
        status=LookStatus.COMPLETED, message=None, business_type=BusinessType.USER_UPLOAD,
        face=None, created_at=at, updated_at=at,
    )  # fmt: skip
    image = StoredImage(
        id=look_id, tenant_id=tenant_id, generation_id=None, content_type="image/jpeg",
        size=0, etag="", created_at=at, source=ImageSource.LOOK,
    )  # fmt: skip
    return look, image


def seed_group(parts: ApiParts, tenant_id: str, looks: int, at: float = 1_000.0) -> str:
    """A group with ``looks`` looks (its first one included), straight into the database."""
    repo = SqlGroupRepository(parts.adapters.database)
    group = AvatarGroup(id=new_id(), tenant_id=tenant_id, name="seeded", created_at=at)
    repo.add_group(group, *_look(tenant_id, group.id, group.id, at))
    more = [_look(tenant_id, group.id, new_id(), at + i) for i in range(1, looks)]
    for start in range(0, len(more), 500):
        repo.add_looks(more[start : start + 500])
    return group.id


def tenant_of(parts: ApiParts, key: str) -> str:
    return parts.services.keys.authenticate(key=key)


def get(client: TestClient, key: str, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params, headers={"x-api-key": key})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def test_without_paging_every_look_of_a_group_is_listed_in_order(manual, parts, api_key):
    group_id = seed_group(parts, tenant_of(parts, api_key), looks=61)
    listed = get(manual, api_key, f"/v2/avatar_group/{group_id}/avatars")
    assert listed["total_count"] == 61
    ids = [look["id"] for look in listed["avatar_list"]]
    assert len(ids) == 61 and ids[0] == group_id  # oldest first, none lost
    paged = [
        look["id"]
        for page in (1, 2)
        for look in get(
            manual, api_key, f"/v2/avatar_group/{group_id}/avatars", page=page, limit=50
        )["avatar_list"]
    ]
    assert paged == ids


def test_page_limit_and_page_size_page_as_asked_and_a_big_limit_reads_as_100(
    manual, parts, api_key
):
    group_id = seed_group(parts, tenant_of(parts, api_key), looks=120)
    path = f"/v2/avatar_group/{group_id}/avatars"

    def sizes(**params: Any) -> tuple[int, int]:
        data = get(manual, api_key, path, **params)
        return data["total_count"], len(data["avatar_list"])

    assert sizes(page=2) == (120, 50)  # a page alone: pages of 50, as before
    assert sizes(limit=7) == (120, 7)  # a size alone: the first page
    assert sizes(page_size=30, page=4) == (120, 30)
    assert sizes(page_size=30, page=5) == (120, 0)  # past the end: still the total
    assert sizes(limit=10, page_size=30) == (120, 10)  # limit wins
    assert sizes(limit=1000) == (120, 100)
    assert sizes(limit=101, page=2) == (120, 20)
    assert sizes(page_size=10**12) == (120, 100)


def test_without_paging_every_group_is_listed(manual, parts, api_key):
    tenant_id = tenant_of(parts, api_key)
    made = [seed_group(parts, tenant_id, looks=1, at=1_000.0 + i) for i in range(53)]
    listed = get(manual, api_key, "/v2/avatar_group.list")
    assert listed["total_count"] == 53
    assert [group["id"] for group in listed["avatar_group_list"]] == made[::-1]  # newest first
    assert len(get(manual, api_key, "/v2/avatar_group.list", page=2)["avatar_group_list"]) == 3
    big = get(manual, api_key, "/v2/avatar_group.list", limit=500)
    assert len(big["avatar_group_list"]) == 53
    past = get(manual, api_key, "/v2/avatar_group.list", page=3, page_size=50)
    assert (past["total_count"], past["avatar_group_list"]) == (53, [])


@pytest.fixture
def statements(parts: ApiParts) -> Iterator[list[str]]:
    """The SQL statements the API parts' engine runs while the test holds the list."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(parts.adapters.database, "before_cursor_execute", record)
    yield seen
    event.remove(parts.adapters.database, "before_cursor_execute", record)


def test_each_listing_is_one_sql_query(parts, api_key, statements):
    tenant_id = tenant_of(parts, api_key)
    group_id = seed_group(parts, tenant_id, looks=130)
    repo = SqlGroupRepository(parts.adapters.database)
    for offset, limit, rows in ((0, None, 130), (100, 100, 30), (200, 50, 0)):
        statements.clear()
        total, found = repo.list_looks(group_id, offset=offset, limit=limit)
        assert (total, len(found)) == (130, rows)
        assert len(statements) == 1, statements
    for offset, limit, rows in ((0, None, 1), (0, 10, 1), (10, 10, 0)):
        statements.clear()
        total, summaries = repo.list_groups(tenant_id, offset=offset, limit=limit)
        assert (total, len(summaries)) == (1, rows)
        assert len(statements) == 1, statements


def test_a_group_whose_looks_are_gone_previews_the_picture_it_was_created_from(
    manual, parts, api_key
):
    headers = {"x-api-key": api_key}
    photo = astronaut_jpeg()
    upload = manual.post(
        "/v1/asset", content=photo, headers={**headers, "content-type": "image/jpeg"}
    )
    asset = upload.json()["data"]
    created = manual.post(
        "/v2/photo_avatar/avatar_group/create",
        json={"name": "Eileen", "image_key": asset["image_key"]},
        headers=headers,
    ).json()["data"]
    group_id = created["group_id"]
    added = manual.post(
        "/v2/photo_avatar/avatar_group/add",
        json={"group_id": group_id, "image_keys": [asset["image_key"]], "name": "second"},
        headers=headers,
    ).json()["data"]["photo_avatar_list"]

    def listed() -> dict[str, Any]:
        [group] = get(manual, api_key, "/v2/avatar_group.list")["avatar_group_list"]
        assert group["preview_image_url"] == group["preview_image"]
        return group

    def previews(image_id: str) -> bool:
        url: str = listed()["preview_image"]
        return url.startswith(f"http://testserver/image/{image_id}/original?")

    assert previews(group_id)
    assert manual.delete(f"/v2/photo_avatar/{group_id}", headers=headers).status_code == 200
    assert previews(added[0]["id"])
    assert manual.delete(f"/v2/photo_avatar/{added[0]['id']}", headers=headers).status_code == 200
    group = listed()
    assert group["num_looks"] == 0 and previews(group_id)
    assert manual.get(group["preview_image"]).content == photo  # a working link

    blob = parts.adapters.settings.blob_dir / image_key(group_id)
    assert blob.exists()
    assert manual.delete(f"/v2/avatar_group/{group_id}", headers=headers).status_code == 200
    assert not blob.exists()
    with parts.adapters.database.connect() as conn:
        left = conn.execute(select(func.count()).select_from(images)).scalar_one()
    assert left == 1  # only the upload
