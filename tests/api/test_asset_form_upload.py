"""``POST /v1/asset`` with the file as a multipart form part, as some HeyGen clients send it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from looksmith.composition.api import ApiParts
from tests.support.api import MEDIA, UPLOAD, blob_count


@pytest.mark.parametrize(
    ("media", "part_type", "stored"),
    [
        ("jpeg", "image/jpeg", "image/jpeg"),
        ("jpeg", "application/octet-stream", "image/jpeg"),
        ("mp3", "audio/mpeg", "audio/mpeg"),
        ("wav", "application/octet-stream", "audio/wav"),
        ("mp4", "video/mp4", "video/mp4"),
    ],
)
def test_a_form_part_named_file_is_stored_byte_for_byte(
    client: TestClient, api_key: str, media: str, part_type: str, stored: str
) -> None:
    data = MEDIA[media]()
    response = client.post(
        UPLOAD, headers={"x-api-key": api_key}, files={"file": ("clip.bin", data, part_type)}
    )
    assert response.status_code == 200, response.text
    asset = response.json()["data"]
    assert asset["asset_id"] == asset["id"]
    assert asset["file_type"] == stored.split("/")[0]
    served = client.get(asset["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == stored
    assert served.content == data


def test_a_form_without_a_file_part_is_a_400_naming_file_and_stores_nothing(
    client: TestClient, api_key: str, parts: ApiParts
) -> None:
    before = blob_count(parts)
    response = client.post(
        UPLOAD,
        headers={"x-api-key": api_key},
        files={"photo": ("photo.jpg", MEDIA["jpeg"](), "image/jpeg")},
    )
    assert response.status_code == 400
    assert "file" in response.json()["message"]
    assert blob_count(parts) == before


def test_a_form_file_that_is_no_image_is_a_400(client: TestClient, api_key: str) -> None:
    response = client.post(
        UPLOAD,
        headers={"x-api-key": api_key},
        files={"file": ("notes.txt", b"just some text, no picture", "image/png")},
    )
    assert response.status_code == 400
    assert response.json()["code"] != 100


def _nested_form(depth: int) -> bytes:
    """A form whose only part is a form, and so on ``depth`` times, with a file at the bottom."""
    opening = b"".join(
        b"--B%d\r\nContent-Type: multipart/mixed; boundary=B%d\r\n\r\n" % (i, i + 1)
        for i in range(depth)
    )
    innermost = (
        b'--B%d\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\nnot a picture\r\n--B%d--\r\n" % (depth, depth)
    )
    closing = b"".join(b"\r\n--B%d--\r\n" % i for i in reversed(range(depth)))
    return opening + innermost + closing


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (_nested_form(1200), "multipart/form-data; boundary=B0"),  # parsed recursively: a 500
        (b"--X\r\n\r\n" * 5000 + b"--X--\r\n", "multipart/form-data; boundary=X"),
        (
            b"--X\r\n" + b"A: b\r\n" * 2000 + b"\r\nx\r\n--X--\r\n",
            "multipart/form-data; boundary=X",
        ),
        (b"anything", "multipart/form-data"),  # no boundary
    ],
    ids=["nested-forms", "many-parts", "huge-part-header", "no-boundary"],
)
def test_a_hostile_form_is_a_400_and_stores_nothing(
    client: TestClient, api_key: str, parts: ApiParts, body: bytes, content_type: str
) -> None:
    before = blob_count(parts)
    response = client.post(
        UPLOAD, headers={"x-api-key": api_key, "content-type": content_type}, content=body
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == 400175
    assert blob_count(parts) == before
