"""Look details and training status answer If-None-Match with 304 while their state holds."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.api import create_group, upload, wait_for
from tests.support.photos import astronaut_jpeg


def test_look_details_and_training_status_are_conditional(client: TestClient, api_key: str):
    headers = {"x-api-key": api_key}
    asset = upload(client, api_key, astronaut_jpeg())["data"]
    look = create_group(client, api_key, asset["image_key"])
    path = f"/v2/photo_avatar/{look['id']}"
    pending_tag = client.get(path, headers=headers).headers["etag"]
    wait_for(client, api_key, path, "status", "pending")
    done = client.get(path, headers=headers)
    assert done.headers["etag"] != pending_tag  # pending -> completed changed what is visible
    again = client.get(path, headers={**headers, "if-none-match": done.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")

    client.post("/v2/photo_avatar/train", json={"group_id": look["group_id"]}, headers=headers)
    status_path = f"/v2/photo_avatar/train/status/{look['group_id']}"
    wait_for(client, api_key, status_path, "status", "pending")
    ready = client.get(status_path, headers=headers)
    assert ready.json()["data"]["status"] == "ready"
    cached = client.get(status_path, headers={**headers, "if-none-match": ready.headers["etag"]})
    assert cached.status_code == 304
    stale = client.get(status_path, headers={**headers, "if-none-match": '"stale"'})
    assert stale.status_code == 200
