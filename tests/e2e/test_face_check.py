"""The face check in a real server's workers: real faces pass, two people and a cat do not."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from PIL import Image
from skimage import data

from tests.support.deployment import Deployment
from tests.support.photos import encode
from tests.support.polling import until_not

pytestmark = pytest.mark.e2e


def test_looks_pass_or_fail_by_the_faces_in_their_photos(server: Deployment):
    astronaut = data.astronaut()
    photos = {
        "cameraman": encode(Image.fromarray(data.camera())),  # grey: the Haar cascade missed it
        "two astronauts": encode(Image.fromarray(np.hstack([astronaut, astronaut[:, ::-1]]))),
        "cat": encode(Image.fromarray(data.chelsea())),
    }
    expected = {
        "cameraman": ("completed", None),
        "two astronauts": ("failed", "Multiple faces detected, please try another photo."),
        "cat": ("failed", "No face detected, please try another photo."),
    }
    key = server.create_key("faces")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=30) as client:
        looks = {}
        for name, photo in photos.items():
            upload = client.post("/v1/asset", content=photo, headers={"content-type": "image/jpeg"})
            assert upload.status_code == 200, upload.text
            created = client.post(
                "/v2/photo_avatar/avatar_group/create",
                json={"name": name, "image_key": upload.json()["data"]["image_key"]},
            )
            assert created.status_code == 200, created.text
            looks[name] = created.json()["data"]["id"]
        for name, look_id in looks.items():
            done = until_not(client, f"/v2/photo_avatar/{look_id}", "status", "pending")
            assert (done["status"], done["moderation_msg"]) == expected[name], name
