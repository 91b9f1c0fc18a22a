"""Voice-overs and videos through ``POST /v1/asset``, and ``GET /v1/asset/list``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from looksmith.api.app import create_app
from looksmith.clock import ManualClock
from looksmith.composition.api import ApiParts, build_api
from looksmith.config import Settings
from looksmith.db.migrate import upgrade
from tests.support.api import MEDIA, blob_count, counts, post_upload, uploaded

ASSET_FIELDS = {
    "id", "asset_id", "name", "file_type", "folder_id", "meta", "created_ts", "url", "image_key"
}  # fmt: skip


@pytest.fixture
def manual(settings: Settings, parts: ApiParts) -> TestClient:
    """A client whose jobs only run when the test says so."""
    return TestClient(create_app(settings, parts=parts))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=2_000_000_000.25)


@pytest.fixture
def timed(settings: Settings, clock: ManualClock) -> Iterator[tuple[TestClient, ApiParts]]:
    """A client and the API parts whose services read ``clock``."""
    upgrade(settings.sqlalchemy_url)
    parts = build_api(settings, default_base_url="http://testserver", clock=clock)
    yield TestClient(create_app(settings, parts=parts)), parts
    parts.adapters.database.dispose()


def error_of(response: Any) -> str:
    """The message of an error body, in the v1 form (``message``) or the v2 one (``error``)."""
    body = response.json()
    message: str = body.get("error") or body.get("message")
    return message


@pytest.mark.parametrize(
    ("media", "declared", "stored"),
    [
        ("mp3", "audio/mpeg", "audio/mpeg"),
        ("mp3-frame", "audio/mp3", "audio/mpeg"),
        ("wav", "audio/wav", "audio/wav"),
        ("wav", "audio/x-wav", "audio/wav"),
        ("wav", "audio/mpeg", "audio/wav"),  # the bytes decide, within the declared family
        ("mp4", "video/mp4", "video/mp4"),
        ("webm", "video/webm; codecs=vp8", "video/webm"),
    ],
)
def test_audio_and_video_are_stored_as_assets_of_their_type(
    manual: TestClient, api_key: str, media: str, declared: str, stored: str
):
    asset = uploaded(manual, api_key, media, declared)
    assert set(asset) == ASSET_FIELDS
    assert asset["file_type"] == stored.split("/")[0]
    assert asset["image_key"] is None and asset["name"] == asset["id"]
    fetched = manual.get(asset["url"])
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == stored
    assert fetched.content == MEDIA[media]()
    ranged = manual.get(asset["url"], headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged.content == MEDIA[media]()[:10]
    unsigned = manual.get(asset["url"].split("?")[0])
    assert unsigned.status_code == 403  # the signature covers it like any image


@pytest.mark.parametrize(
    ("media", "declared", "message"),
    [
        ("jpeg", "audio/mpeg", "body: is not an MP3 or WAV audio file (Content-Type says "
                               "audio/mpeg)"),
        ("mp4", "audio/wav", "body: is not an MP3 or WAV audio file (Content-Type says audio/wav)"),
        ("mp3", "video/mp4", "body: is not an MP4 or WebM video (Content-Type says video/mp4)"),
        ("wav", "video/webm", "body: is not an MP4 or WebM video (Content-Type says video/webm)"),
        ("mp3", "image/jpeg", "body: is not a JPEG, PNG or WebP image"),
    ],
)  # fmt: skip
def test_bytes_of_another_family_than_declared_are_refused(
    manual: TestClient, parts: ApiParts, api_key: str, media: str, declared: str, message: str
):
    before = counts(parts), blob_count(parts)
    response = post_upload(manual, api_key, MEDIA[media](), declared)
    assert response.status_code == 400
    assert error_of(response) == message
    assert (counts(parts), blob_count(parts)) == before


def test_empty_and_oversized_audio_are_refused(manual: TestClient, parts: ApiParts, api_key: str):
    empty = post_upload(manual, api_key, b"", "audio/mpeg")
    assert (empty.status_code, error_of(empty)) == (
        400, "body: is empty; send the file's bytes as the request body",
    )  # fmt: skip
    too_big = b"ID3" + b"\0" * parts.adapters.settings.max_upload_bytes
    assert post_upload(manual, api_key, too_big, "audio/mpeg").status_code == 413
    assert counts(parts) == [0, 0, 0, 0, 0]


@pytest.mark.parametrize(("media", "kind"), [("mp3", "an audio"), ("webm", "a video")])
def test_an_audio_or_video_asset_is_no_group_image(
    manual: TestClient, parts: ApiParts, api_key: str, media: str, kind: str
):
    asset = uploaded(manual, api_key, media, f"{'audio/mpeg' if media == 'mp3' else 'video/webm'}")
    photo = uploaded(manual, api_key, "jpeg", "image/jpeg")
    group = manual.post(
        "/v2/photo_avatar/avatar_group/create",
        json={"name": "g", "image_key": photo["image_key"]},
        headers={"x-api-key": api_key},
    ).json()["data"]
    before = counts(parts), blob_count(parts)
    for key in (asset["id"], f"image/{asset['id']}/original"):
        created = manual.post(
            "/v2/photo_avatar/avatar_group/create",
            json={"name": "g", "image_key": key},
            headers={"x-api-key": api_key},
        )
        assert created.status_code == 400
        assert error_of(created) == f"image_key: {key} is {kind} asset, not an image"
        added = manual.post(
            "/v2/photo_avatar/avatar_group/add",
            json={"group_id": group["group_id"], "image_keys": [photo["image_key"], key],
                  "name": "x"},
            headers={"x-api-key": api_key},
        )  # fmt: skip
        assert added.status_code == 400
        assert error_of(added) == f"image_keys.1: {key} is {kind} asset, not an image"
    assert (counts(parts), blob_count(parts)) == before


def listing(client: TestClient, key: str, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/asset/list", params=params, headers={"x-api-key": key})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert (body["code"], body["msg"], body["message"], body["error"]) == (100, None, None, None)
    data: dict[str, Any] = body["data"]
    return data


def test_the_list_pages_newest_first_by_token(
    timed: tuple[TestClient, ApiParts], clock: ManualClock
):
    client, parts = timed
    key = parts.services.keys.create_tenant(name="lister").key
    other = parts.services.keys.create_tenant(name="other").key
    ids = []
    for media, declared, step in [
        ("jpeg", "image/jpeg", 0.1), ("mp3", "audio/mpeg", 0.0), ("wav", "audio/wav", 1.7),
        ("mp4", "video/mp4", 0.0), ("jpeg", "image/jpeg", 3.3),
    ]:  # fmt: skip
        clock.advance(step)  # two pairs share an upload time: the id breaks the tie
        ids.append((clock.now(), uploaded(client, key, media, declared)["id"]))
    uploaded(client, other, "mp3", "audio/mpeg")
    newest_first = [asset_id for _, asset_id in sorted(ids, reverse=True)]

    everything = listing(client, key)
    assert [a["id"] for a in everything["assets"]] == newest_first
    assert (everything["total"], everything["token"]) == (5, None)
    assert set(everything["assets"][0]) == ASSET_FIELDS

    pages, token = [], None
    while True:
        page = listing(client, key, limit=2, **({"token": token} if token else {}))
        assert page["total"] == 5
        pages.append([a["id"] for a in page["assets"]])
        token = page["token"]
        if token is None:
            break
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:]]

    audio = listing(client, key, file_type="audio")
    assert [a["file_type"] for a in audio["assets"]] == ["audio", "audio"]
    assert audio["total"] == 2 and all(a["image_key"] is None for a in audio["assets"])
    assert listing(client, key, file_type="video", limit=0)["total"] == 1
    assert listing(client, key, folder_id="f" * 32) == {"assets": [], "total": 0, "token": None}
    assert listing(client, key, folder_id="")["total"] == 5
    assert [a["id"] for a in listing(client, key, limit=500)["assets"]] == newest_first
    theirs = listing(client, other)
    assert theirs["total"] == 1 and theirs["assets"][0]["file_type"] == "audio"


def test_a_page_is_one_query_and_an_empty_page_still_has_its_total(
    timed: tuple[TestClient, ApiParts],
):
    client, parts = timed
    key = parts.services.keys.create_tenant(name="lister").key
    tenant_id = parts.services.keys.authenticate(key=key)
    uploaded(client, key, "mp3", "audio/mpeg")
    statements: list[str] = []
    event.listen(
        parts.adapters.database, "before_cursor_execute", lambda *a: statements.append(a[2])
    )
    first = parts.services.assets.list_assets(tenant_id=tenant_id, limit=1)
    assert (first.total, len(first.assets), first.next_token) == (1, 1, None)
    assert len(statements) == 1
    empty = parts.services.assets.list_assets(tenant_id=tenant_id, file_type="video")
    assert (empty.total, list(empty.assets), empty.next_token) == (0, [], None)
    assert len(statements) == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"file_type": "document"}, "file_type: must be one of: image, video, audio"),
        ({"token": "not-a-token"}, "token: is not a token from a previous page of this list"),
        ({"token": "bmFuLzEyMw"}, "token: is not a token from a previous page of this list"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
)
def test_bad_list_parameters_are_400_naming_them(
    manual: TestClient, api_key: str, params: dict[str, str], message: str
):
    response = manual.get("/v1/asset/list", params=params, headers={"x-api-key": api_key})
    assert response.status_code == 400
    assert error_of(response).startswith(message), response.json()


def test_the_list_needs_a_key(manual: TestClient):
    assert manual.get("/v1/asset/list").status_code == 401
