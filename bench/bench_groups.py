"""Group workflow timings on an idle server, with the astronaut photo from scikit-image.

(d) upload to ``completed``: ``POST /v1/asset``, create a group, poll until its face check ran.
(e) training a group of 4 photos: ``POST /v2/photo_avatar/train`` until status ``ready``.
(f) look generation: ``POST /v2/photo_avatar/look/generate`` until the generation is ``success``.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from skimage import data

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import looksmith_cli, running

POLL_SECONDS = 0.005


def _photo(crop: int) -> bytes:
    """The astronaut, cropped a little differently each time, as JPEG."""
    image = Image.fromarray(data.astronaut()).crop((crop, crop, 512 - crop, 512 - crop))
    buffer = io.BytesIO()
    image.resize((448, 448)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _until(client: httpx.Client, path: str, field: str, waiting: str) -> dict[str, Any]:
    while True:
        found: dict[str, Any] = client.get(path).json()["data"]
        if found[field] != waiting:
            return found
        time.sleep(POLL_SECONDS)


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _upload_and_group(client: httpx.Client, photo: bytes) -> str:
    asset = client.post("/v1/asset", content=photo, headers={"content-type": "image/jpeg"})
    image_key = asset.json()["data"]["image_key"]
    group = client.post(
        "/v2/photo_avatar/avatar_group/create", json={"name": "bench", "image_key": image_key}
    ).json()["data"]
    done = _until(client, f"/v2/photo_avatar/{group['id']}", "status", "pending")
    assert done["status"] == "completed", done
    return str(group["group_id"])


def _group_of_four(client: httpx.Client) -> str:
    group_id = _upload_and_group(client, _photo(0))
    keys = [
        client.post("/v1/asset", content=_photo(c), headers={"content-type": "image/jpeg"}).json()[
            "data"
        ]["image_key"]
        for c in (8, 16, 24)
    ]
    added = client.post(
        "/v2/photo_avatar/avatar_group/add",
        json={"group_id": group_id, "image_keys": keys, "name": "more"},
    ).json()["data"]["photo_avatar_list"]
    for look in added:
        _until(client, f"/v2/photo_avatar/{look['id']}", "status", "pending")
    return group_id


def _train(client: httpx.Client, group_id: str) -> None:
    client.post("/v2/photo_avatar/train", json={"group_id": group_id}).raise_for_status()
    done = _until(client, f"/v2/photo_avatar/train/status/{group_id}", "status", "pending")
    assert done["status"] == "ready", done


def _looks(client: httpx.Client, group_id: str) -> None:
    body = {"group_id": group_id, "prompt": "navy suit with red tie", "orientation": "square",
            "pose": "half_body", "style": "Realistic"}  # fmt: skip
    generation_id = client.post("/v2/photo_avatar/look/generate", json=body).json()["data"][
        "generation_id"
    ]
    done = _until(client, f"/v2/photo_avatar/generation/{generation_id}", "status", "in_progress")
    assert done["status"] == "success", done


def run() -> dict[str, float]:
    """Measure (d), (e) and (f) in milliseconds (medians)."""
    photo = _photo(0)
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "data"
        key = looksmith_cli("keys", "create", "--name", "bench", data_dir=data_dir).splitlines()[-1]
        env = {"LOOKSMITH_DATA_DIR": str(data_dir)}
        with (
            running(["-m", "looksmith", "serve", "--port"], "/healthz", env) as port,
            httpx.Client(
                base_url=f"http://127.0.0.1:{port}", headers={"x-api-key": key}, timeout=60
            ) as client,
        ):
            _upload_and_group(client, photo)  # warm-up
            uploads = [_timed(lambda: _upload_and_group(client, photo)) for _ in range(5)]
            groups = [_group_of_four(client) for _ in range(3)]
            trainings = [_timed(lambda g=g: _train(client, g)) for g in groups]
            looks = [_timed(lambda: _looks(client, groups[0])) for _ in range(5)]
    return {
        "upload_to_completed_ms": statistics.median(uploads) * 1000,
        "train_four_photos_ms": statistics.median(trainings) * 1000,
        "look_submit_to_success_ms": statistics.median(looks) * 1000,
    }


def report(figures: dict[str, float]) -> None:
    """Print the figures."""
    print("(d) upload to completed (upload, create group, face check), median of 5: "
          f"{figures['upload_to_completed_ms']:.0f} ms")  # fmt: skip
    print(
        f"(e) training a group of 4 photos, median of 3: {figures['train_four_photos_ms']:.0f} ms"
    )
    print("(f) look generation submit to success, median of 5: "
          f"{figures['look_submit_to_success_ms']:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    report(run())
