"""The client through ``httpx.MockTransport``: answers, errors, retries, waits, settings."""

from __future__ import annotations

import asyncio
import email.utils
import inspect
import json
import math
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import looksmith_client as client_package
from looksmith.domain import specs
from looksmith_client import (
    ApiError,
    AsyncClient,
    BadRequest,
    Client,
    Conflict,
    NotFound,
    RateLimited,
    ResponseError,
    RetryPolicy,
    ServerError,
    Timeout,
    TransportError,
    Unauthorized,
    WaitTimeout,
)
from looksmith_client._core import Image, save
from looksmith_client._flow import WAIT_MARGIN
from looksmith_client._models import Generation

GEN_ID = "51be01eda38e4c2b9836f06957f66b7d"
Handler = Callable[[httpx.Request], httpx.Response]


class FakeTime:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def clock(self) -> float:
        return self.now


def make(handler: Handler, fake: FakeTime | None = None, **options: object) -> Client:
    fake = fake or FakeTime()
    return Client(
        "http://api.test",
        "key-1",
        transport=httpx.MockTransport(handler),
        sleep=fake.sleep,
        clock=fake.clock,
        **options,  # type: ignore[arg-type]
    )


def ok(data: object, **headers: str) -> httpx.Response:
    return httpx.Response(200, json={"error": None, "data": data}, headers=headers)


def status(state: str, **extra: object) -> dict[str, object]:
    done = state == "success"
    return {
        "id": GEN_ID,
        "status": state,
        "msg": None,
        "image_url_list": [f"http://cdn.test/image/{i}?Signature=s" for i in range(4)]
        if done
        else None,
        "image_key_list": [f"image/{i}/original" for i in range(4)] if done else None,
        **extra,
    }


def test_the_old_import_path_gives_the_same_objects():
    import looksmith.client as old_path

    assert old_path.__all__ == client_package.__all__
    for name in client_package.__all__:
        assert getattr(old_path, name) is getattr(client_package, name), name


def test_public_api_is_pinned():
    assert sorted(client_package.__all__) == [
        "Accepted",
        "Age",
        "ApiError",
        "Asset",
        "AsyncClient",
        "BadRequest",
        "Client",
        "Conflict",
        "Ethnicity",
        "Gender",
        "Generation",
        "Group",
        "GroupList",
        "Look",
        "LookList",
        "LooksmithError",
        "NewLook",
        "NotFound",
        "Orientation",
        "Pose",
        "RateLimited",
        "ResponseError",
        "RetryPolicy",
        "ServerError",
        "SoundEffectStarted",
        "Style",
        "Timeout",
        "Training",
        "TrainingStarted",
        "TransportError",
        "Unauthorized",
        "UpscaleAvailability",
        "WaitTimeout",
    ]
    for name in client_package.__all__:
        assert getattr(client_package, name).__doc__, name
    public = {m for m in dir(Client) if not m.startswith("_")}
    async_public = {m for m in dir(AsyncClient) if not m.startswith("_")}
    assert public - {"close"} == async_public - {"aclose"}
    assert {
        "generate_photos",
        "generation",
        "upload",
        "create_group",
        "add_looks",
        "train",
        "training",
        "generate_looks",
        "look",
        "groups",
        "looks",
        "delete_look",
        "delete_group",
        "wait",
        "wait_training",
        "download",
    } <= public
    for method in public:
        assert getattr(Client, method).__doc__, method
    for method in async_public - {"base_url", "has_key"}:
        assert inspect.iscoroutinefunction(getattr(AsyncClient, method)), method
        assert getattr(AsyncClient, method).__doc__, method


def test_generate_sends_the_body_key_and_an_idempotency_key():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok({"generation_id": GEN_ID})

    with make(handler) as client:
        accepted = client.generate_photos(
            name="Ada",
            age=client_package.Age.YOUNG_ADULT,
            gender="Woman",
            ethnicity="East Asian",
            orientation="square",
            pose="half_body",
            style="Realistic",
            appearance="red hoodie",
        )
    assert accepted.generation_id == GEN_ID
    [request] = seen
    assert request.url == "http://api.test/v2/photo_avatar/photo/generate"
    assert request.headers["x-api-key"] == "key-1"
    assert len(request.headers["idempotency-key"]) == 32
    assert json.loads(request.content) == {
        "name": "Ada",
        "age": "Young Adult",
        "gender": "Woman",
        "ethnicity": "East Asian",
        "orientation": "square",
        "pose": "half_body",
        "style": "Realistic",
        "appearance": "red hoodie",
    }


def test_results_are_typed_and_tolerate_extra_fields():
    look = {"id": "l1", "status": "completed", "group_id": "g1", "new_field": [1, 2]}

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/asset":
            assert request.headers["content-type"] == "image/png"
            assert request.content.startswith(b"\x89PNG")
            return httpx.Response(
                200,
                json={
                    "code": 100,
                    "msg": None,
                    "message": None,
                    "data": {"id": "a1", "image_key": "image/a1/original", "url": "http://x"},
                },
            )
        if path == "/v2/avatar_group.list":
            assert request.url.params["page"] == "2"
            return ok({"total_count": 3, "avatar_group_list": [{"id": "g1", "num_looks": 2}]})
        if path == "/v2/avatar_group/g1/avatars":
            return ok({"total_count": 1, "avatar_list": [look]})
        if path == "/v2/photo_avatar/avatar_group/add":
            return ok({"photo_avatar_list": [look, look]})
        if path == "/v2/photo_avatar/train":
            return ok(None)  # some servers answer a null data
        if path.startswith("/v2/photo_avatar/train/status/"):
            return ok({"status": "ready", "error_msg": None, "created_at": 1, "updated_at": 2})
        if request.method == "DELETE":
            return httpx.Response(200, json={"code": 100, "data": None})
        return ok(look)

    with make(handler) as client:
        assert client.upload(b"\x89PNG\r\n\x1a\nrest").image_key == "image/a1/original"
        groups = client.groups(page=2)
        assert groups.total_count == 3
        assert groups.groups[0].num_looks == 2
        assert [item.id for item in client.looks("g1").looks] == ["l1"]
        assert len(client.add_looks(group_id="g1", image_keys=["k"], name="n")) == 2
        assert client.train("g1").flow_id is None
        assert client.training("g1").succeeded
        fetched = client.look("l1")
        assert fetched.succeeded
        assert fetched.model_extra == {"new_field": [1, 2]}
        assert client.delete_look("l1") is None


@pytest.mark.parametrize(
    ("status_code", "error_class"),
    [
        (400, BadRequest),
        (401, Unauthorized),
        (403, Unauthorized),
        (404, NotFound),
        (409, Conflict),
        (413, BadRequest),
        (500, ServerError),
        (418, ApiError),
    ],
)
def test_string_form_errors_map_to_classes(status_code: int, error_class: type[ApiError]):
    def handler(request: httpx.Request) -> httpx.Response:
        body = {
            "error": "appearance: at most 1000 characters",
            "code": "invalid_parameter",
            "data": None,
        }
        return httpx.Response(status_code, json=body, headers={"x-request-id": "r-1"})

    with make(handler) as client, pytest.raises(error_class) as raised:
        client.generation(GEN_ID)
    assert type(raised.value) is error_class
    assert raised.value.status_code == status_code
    assert raised.value.message == "appearance: at most 1000 characters"
    assert raised.value.code == "invalid_parameter"
    assert raised.value.request_id == "r-1"


def test_object_form_error_carries_code_and_param():
    def handler(request: httpx.Request) -> httpx.Response:
        error = {"code": "invalid_parameter", "message": "not an allowed value", "param": "age"}
        return httpx.Response(400, json={"error": error, "data": None})

    with make(handler) as client, pytest.raises(BadRequest) as raised:
        client.generation(GEN_ID)
    assert (raised.value.code, raised.value.param) == ("invalid_parameter", "age")
    assert raised.value.message == "not an allowed value"


def test_html_error_pages_and_wrong_shapes_are_clean_errors():
    answers = iter(
        [
            httpx.Response(404, text="<html>Not Found</html>"),
            httpx.Response(200, text="<html>hello</html>"),
            httpx.Response(200, json={"error": None, "data": {"no_id": True}}),
            httpx.Response(200, json={"code": 401028, "message": "quota", "data": None}),
        ]
    )
    with make(lambda _: next(answers)) as client:
        with pytest.raises(NotFound, match="Not Found"):
            client.generation(GEN_ID)
        with pytest.raises(ResponseError, match="JSON"):
            client.generation(GEN_ID)
        with pytest.raises(ResponseError):
            client.generation(GEN_ID)
        with pytest.raises(ApiError, match="quota") as raised:
            client.upload(b"\xff\xd8\xffdata")
        assert raised.value.code == "401028"


@pytest.mark.parametrize("retry_status", [429, 503])
def test_retries_honour_retry_after(retry_status: int):
    fake = FakeTime()
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["idempotency-key"])
        if len(sent) < 3:
            return httpx.Response(
                retry_status, json={"error": "slow down"}, headers={"retry-after": "7"}
            )
        return ok({"generation_id": GEN_ID})

    with make(handler, fake) as client:
        accepted = client.generate_looks(
            group_id="g", prompt="p", orientation="square", pose="close_up", style="Noir"
        )
    assert accepted.generation_id == GEN_ID
    assert fake.sleeps == [7.0, 7.0]
    assert len(set(sent)) == 1, "every retry must repeat the same idempotency key"


def test_retries_back_off_without_retry_after_and_are_bounded():
    fake = FakeTime()
    busy = httpx.Response(503, json={"error": "busy"})
    with make(lambda _: busy, fake) as client, pytest.raises(ServerError):
        client.groups()
    assert fake.sleeps == [0.5, 1.0, 2.0]


def test_a_retry_after_beyond_the_bound_is_raised_at_once():
    fake = FakeTime()
    answer = httpx.Response(429, json={"error": "quota"}, headers={"retry-after": "3600"})
    with make(lambda _: answer, fake) as client, pytest.raises(RateLimited) as raised:
        client.groups()
    assert fake.sleeps == []
    assert raised.value.retry_after == 3600


def test_failed_connects_are_retried_then_raised():
    fake = FakeTime()

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = make(refuse, fake, retry=RetryPolicy(max_retries=2))
    with client, pytest.raises(TransportError, match="cannot reach"):
        client.groups()
    assert fake.sleeps == [0.5, 1.0]


def test_read_timeouts_are_not_retried():
    fake = FakeTime()

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with make(slow, fake) as client, pytest.raises(Timeout):
        client.generate_photos(
            name="n",
            age="Senior",
            gender="Man",
            ethnicity="White",
            orientation="square",
            pose="close_up",
            style="Noir",
            appearance="a",
        )
    assert fake.sleeps == []


def test_wait_uses_long_poll_and_etags_when_offered():
    fake = FakeTime()
    seen: list[httpx.Request] = []
    answers = iter(
        [
            ok(status("in_progress"), etag='"a"', **{"preference-applied": "wait=30"}),
            httpx.Response(304, headers={"etag": '"a"', "preference-applied": "wait=30"}),
            ok(status("success"), etag='"b"', **{"preference-applied": "wait=30"}),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return next(answers)

    with make(handler, fake) as client:
        done = client.wait(GEN_ID)
    assert done.succeeded
    assert len(done.image_url_list or []) == 4
    assert fake.sleeps == [], "a server that holds polls is asked again at once"
    assert [r.headers.get("prefer") for r in seen] == ["wait=30"] * 3
    assert [r.headers.get("if-none-match") for r in seen] == [None, '"a"', '"a"']
    assert seen[0].extensions["timeout"]["read"] > 30


def test_wait_falls_back_to_plain_polling():
    fake = FakeTime()
    seen: list[httpx.Request] = []
    answers = iter([ok(status("in_progress")), ok(status("in_progress")), ok(status("failed"))])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return next(answers)

    with make(handler, fake) as client:
        done = client.wait(GEN_ID, poll_interval=2.5)
    assert done.failed
    assert fake.sleeps == [2.5, 2.5]
    assert seen[0].headers["prefer"] == "wait=30"
    assert "prefer" not in seen[1].headers, "a server that ignored it is not asked again"


def test_wait_times_out():
    fake = FakeTime()
    client = make(lambda _: ok(status("in_progress")), fake)
    with client, pytest.raises(WaitTimeout, match="in_progress"):
        client.wait(GEN_ID, timeout=5, poll_interval=2)
    assert sum(fake.sleeps) == pytest.approx(5)


def test_wait_reports_progress_and_asks_for_it():
    fake = FakeTime()
    answers = iter(
        [
            ok(status("in_progress", progress=0.25)),
            ok(status("in_progress", progress=0.75)),
            ok(status("success", progress=1.0)),
        ]
    )
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return next(answers)

    reported: list[float | None] = []
    with make(handler, fake) as client:
        client.wait(GEN_ID, on_progress=lambda g: reported.append(g.progress))
    assert reported == [0.25, 0.75, 1.0]
    assert seen[0].url.params["include"] == "progress"


def test_wait_training_polls_with_etags():
    fake = FakeTime()
    seen: list[httpx.Request] = []
    pending = {"status": "pending", "error_msg": None, "created_at": 1, "updated_at": None}
    answers = iter(
        [
            ok(pending, etag='"p"'),
            httpx.Response(304, headers={"etag": '"p"'}),
            ok({**pending, "status": "ready"}, etag='"r"'),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return next(answers)

    with make(handler, fake) as client:
        training = client.wait_training("g1", poll_interval=3)
    assert training.status == "ready"
    assert [r.headers.get("if-none-match") for r in seen] == [None, '"p"', '"p"']
    assert fake.sleeps == [3, 3]


def test_download_saves_the_images_without_the_key(tmp_path: Path):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "cdn.test":
            assert "x-api-key" not in request.headers, "signed links need no key"
            return httpx.Response(
                200,
                content=b"\xff\xd8\xff" + request.url.path.encode(),
                headers={"content-type": "image/jpeg"},
            )
        return ok(status("success"))

    with make(handler) as client:
        paths = client.download(client.generation(GEN_ID), tmp_path / "out")
    assert [p.name for p in paths] == [f"{GEN_ID}_{i}.jpg" for i in range(1, 5)]
    assert paths[0].read_bytes() == b"\xff\xd8\xff/image/0"
    assert not list((tmp_path / "out").glob("*.part"))


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LOOKSMITH_BASE_URL", "http://env.test:9000/")
    monkeypatch.setenv("LOOKSMITH_API_KEY", "env-key")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok(status("in_progress"))

    with Client(transport=httpx.MockTransport(handler)) as client:
        client.generation(GEN_ID)
    with Client("http://arg.test", "arg-key", transport=httpx.MockTransport(handler)) as client:
        client.generation(GEN_ID)
    assert str(seen[0].url).startswith("http://env.test:9000/v2/")
    assert seen[0].headers["x-api-key"] == "env-key"
    assert seen[1].url.host == "arg.test"
    assert seen[1].headers["x-api-key"] == "arg-key"


def test_ids_stay_one_path_segment():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"error": "not found"})

    with make(handler) as client, pytest.raises(NotFound):
        client.look("../train/status/x")
    assert seen[0].url.raw_path == b"/v2/photo_avatar/..%2Ftrain%2Fstatus%2Fx"


def test_async_client_shares_the_behaviour():
    fake = FakeTime()
    answers = iter(
        [
            httpx.Response(429, json={"error": "slow"}, headers={"retry-after": "2"}),
            ok(status("in_progress"), etag='"a"', **{"preference-applied": "wait=30"}),
            ok(status("success"), etag='"b"', **{"preference-applied": "wait=30"}),
        ]
    )

    async def handler(request: httpx.Request) -> httpx.Response:
        return next(answers)

    async def scenario() -> None:
        async with AsyncClient(
            "http://api.test",
            "k",
            transport=httpx.MockTransport(handler),
            sleep=fake.asleep,
            clock=fake.clock,
        ) as client:
            done = await client.wait(GEN_ID)
            assert done.succeeded
        async with AsyncClient(
            "http://api.test",
            "k",
            transport=httpx.MockTransport(
                lambda _: httpx.Response(401, json={"error": {"code": "x", "message": "no"}})
            ),
        ) as client:
            with pytest.raises(Unauthorized, match="no"):
                await client.groups()

    asyncio.run(scenario())
    assert fake.sleeps == [2.0]


def test_motion_sound_and_upscale_requests():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("add_sound_effect"):
            return ok({"sound_effect_id": "s1"})
        return ok({"id": "new1"})

    with make(handler) as client:
        assert client.add_motion("l1", prompt="waves", motion_type="expressive").id == "new1"
        assert client.add_sound_effect("new1").sound_effect_id == "s1"
        assert client.upscale("new1").id == "new1"
    assert [r.url.path.rsplit("/", 1)[1] for r in seen] == [
        "add_motion",
        "add_sound_effect",
        "upscale",
    ]
    assert [json.loads(r.content) for r in seen] == [
        {"id": "l1", "prompt": "waves", "motion_type": "expressive"},
        {"id": "new1"},
        {"id": "new1"},
    ]


# -- review fixes (issue 7): paths, deadlines, timeouts, images, retries ----------------------


def image_answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"\xff\xd8\xffjpeg", headers={"content-type": "image/jpeg"})


@pytest.mark.parametrize(
    "hostile_id", ["../escaped", "../../etc/passwd", "/tmp/abs", "a/b", "[/x] name", ".hidden"]
)
def test_download_never_writes_outside_the_folder(tmp_path: Path, hostile_id: str):
    generation = Generation.model_validate(
        {**status("success"), "id": hostile_id, "image_url_list": ["http://cdn.test/i/0?s=1"]}
    )
    folder = tmp_path / "out"
    with make(image_answer) as client:
        paths = client.download(generation, folder)
    assert len(paths) == 1
    assert paths[0].parent == folder
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.jpg", paths[0].name)
    assert not paths[0].name.startswith(".")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [paths[0].name]


def test_save_refuses_a_name_that_leaves_the_folder(tmp_path: Path):
    with pytest.raises(ResponseError, match="plain file name"):
        save(tmp_path / "out", Image(name="../x.jpg", content=b"x"))
    assert not (tmp_path / "x.jpg").exists()


def test_a_retry_delay_past_the_wait_deadline_raises_wait_timeout_at_once():
    fake = FakeTime()
    busy = httpx.Response(503, json={"error": "busy"}, headers={"retry-after": "60"})
    with make(lambda _: busy, fake) as client, pytest.raises(WaitTimeout):
        client.wait(GEN_ID, timeout=5)
    assert fake.sleeps == [], "60 s is past a 5 s wait: no sleep, no ServerError"


def test_retries_inside_a_wait_stop_at_the_deadline():
    fake = FakeTime()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, json={"error": "busy"}, headers={"retry-after": "2"})

    client = make(handler, fake, retry=RetryPolicy(max_retries=10))
    with client, pytest.raises(WaitTimeout):
        client.wait(GEN_ID, timeout=5)
    assert sum(fake.sleeps) <= 5
    assert fake.sleeps == [2.0, 2.0]


def test_a_long_poll_reads_no_longer_than_the_wait_allows():
    fake = FakeTime()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok(status("success"), **{"preference-applied": "wait=3"})

    with make(handler, fake) as client:
        client.wait(GEN_ID, timeout=3)
    assert seen[0].headers["prefer"] == "wait=3"
    assert seen[0].extensions["timeout"]["read"] <= 3 + WAIT_MARGIN


def test_a_read_timeout_after_the_deadline_is_a_wait_timeout():
    fake = FakeTime()

    def slow(request: httpx.Request) -> httpx.Response:
        fake.now += 10  # the held poll outlived the 5 s wait
        raise httpx.ReadTimeout("slow", request=request)

    with make(slow, fake) as client, pytest.raises(WaitTimeout):
        client.wait(GEN_ID, timeout=5)


def test_wait_without_a_deadline_works():
    fake = FakeTime()
    seen: list[httpx.Request] = []
    answers = iter([ok(status("in_progress")), ok(status("success"))])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return next(answers)

    with make(handler, fake) as client:
        assert client.wait(GEN_ID, timeout=math.inf).succeeded
    assert seen[0].headers["prefer"] == "wait=30"


@pytest.mark.parametrize("kind", ["training", "look"])
def test_status_waits_read_long_enough_for_a_held_poll(kind: str):
    seen: list[httpx.Request] = []
    ready = (
        {"status": "ready", "error_msg": None, "created_at": 1, "updated_at": None}
        if kind == "training"
        else {"id": "l1", "group_id": "g1", "status": "completed"}
    )

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok(ready, **{"preference-applied": "wait=30"})

    with make(handler) as client:
        if kind == "training":
            client.wait_training("g1")
        else:
            client.wait_look("l1")
    assert seen[0].headers["prefer"] == "wait=30"
    assert seen[0].extensions["timeout"]["read"] > 30, "a 30 s hold needs a read beyond 30 s"


def test_retry_after_as_an_http_date_is_honoured(monkeypatch: pytest.MonkeyPatch):
    fake = FakeTime()
    monkeypatch.setattr(time, "time", lambda: 1_700_000_000.0)
    when = email.utils.formatdate(1_700_000_000.0 + 9, usegmt=True)
    answers = iter(
        [httpx.Response(503, json={"error": "busy"}, headers={"retry-after": when}), ok({})]
    )
    with make(lambda _: next(answers), fake) as client:
        client.groups()
    assert fake.sleeps == [9.0]


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.Response(200, text="<html>login</html>", headers={"content-type": "text/html"}),
         ResponseError),
        (httpx.Response(204), ResponseError),
        (httpx.Response(302, headers={"location": "http://elsewhere.test/"}), ResponseError),
        (httpx.Response(200, content=b"\xff\xd8\xff"), ResponseError),  # no type at all
        (httpx.Response(404, json={"error": "gone"}), NotFound),
    ],
)  # fmt: skip
def test_only_2xx_images_are_saved(tmp_path: Path, answer: httpx.Response, error: type[Exception]):
    def handler(request: httpx.Request) -> httpx.Response:
        return answer if request.url.host == "cdn.test" else ok(status("success"))

    with make(handler) as client, pytest.raises(error):
        client.download(client.generation(GEN_ID), tmp_path / "out")
    assert not list(tmp_path.rglob("*.part"))
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_an_expired_image_link_is_refreshed_once(tmp_path: Path):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "cdn.test":
            return httpx.Response(403, json={"error": "expired"})
        if request.url.host == "fresh.test":
            return image_answer(request)
        fresh = [f"http://fresh.test/image/{i}?Signature=new" for i in range(4)]
        return ok({**status("success"), "image_url_list": fresh})

    stale = Generation.model_validate(status("success"))
    with make(handler) as client:
        paths = client.download(stale, tmp_path)
    assert len(paths) == 4
    assert [r.url.host for r in seen] == ["cdn.test", "api.test"] + ["fresh.test"] * 4


def test_a_refused_image_link_is_not_an_api_key_error(tmp_path: Path):
    refused = httpx.Response(403, json={"error": "signature"})

    def handler(request: httpx.Request) -> httpx.Response:
        return refused if request.url.host == "cdn.test" else ok(status("success"))

    with make(handler) as client, pytest.raises(ApiError) as raised:
        client.download(client.generation(GEN_ID), tmp_path)
    assert not isinstance(raised.value, Unauthorized)
    assert raised.value.code == "image_link_refused"
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.parametrize("broken", [httpx.ReadError, httpx.RemoteProtocolError])
def test_broken_reads_are_retried_for_gets_and_keyed_posts(broken: type[httpx.TransportError]):
    fake = FakeTime()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) % 2:
            raise broken("connection reset", request=request)
        return ok({"generation_id": GEN_ID} if request.method == "POST" else {})

    with make(handler, fake) as client:
        client.groups()
        client.generate_looks(
            group_id="g", prompt="p", orientation="square", pose="close_up", style="Noir"
        )
    assert [r.method for r in seen] == ["GET", "GET", "POST", "POST"]
    assert seen[2].headers["idempotency-key"] == seen[3].headers["idempotency-key"]


def test_broken_reads_are_bounded_and_unkeyed_deletes_are_not_retried():
    fake = FakeTime()
    seen: list[httpx.Request] = []

    def broken(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ReadError("reset", request=request)

    with make(broken, fake, retry=RetryPolicy(max_retries=2)) as client:
        with pytest.raises(TransportError):
            client.groups()
        assert len(seen) == 3
        with pytest.raises(TransportError):
            client.delete_look("l1")
    assert len(seen) == 4, "a DELETE without an idempotency key is sent once"


def test_async_upload_reads_the_file_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    photo = tmp_path / "me.jpg"
    photo.write_bytes(b"\xff\xd8\xffphoto")
    threads: list[bool] = []
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        threads.append(threading.current_thread() is threading.main_thread())
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)

    async def handler(request: httpx.Request) -> httpx.Response:
        assert request.content == b"\xff\xd8\xffphoto"
        return ok({"id": "a1", "image_key": "image/a1/original", "url": "http://x/a1"})

    async def scenario() -> None:
        async with AsyncClient(
            "http://api.test", "k", transport=httpx.MockTransport(handler)
        ) as client:
            assert (await client.upload(photo)).image_key == "image/a1/original"

    asyncio.run(scenario())
    assert threads == [False], "the file is read in a worker thread"


def test_both_clients_take_the_same_parameters():
    public = {m for m in dir(Client) if not m.startswith("_")} - {"close", "base_url", "has_key"}
    for method in sorted(public):
        sync_params = inspect.signature(getattr(Client, method)).parameters
        async_params = inspect.signature(getattr(AsyncClient, method)).parameters
        assert list(sync_params) == list(async_params), method
        for name, parameter in sync_params.items():
            other = async_params[name]
            assert (parameter.kind, parameter.default, parameter.annotation) == (
                other.kind,
                other.default,
                other.annotation,
            ), f"{method}({name})"
    constructor = set(inspect.signature(Client.__init__).parameters)
    assert constructor == set(inspect.signature(AsyncClient.__init__).parameters)


@pytest.mark.parametrize("name", ["Age", "Gender", "Ethnicity", "Orientation", "Pose", "Style"])
def test_client_enums_equal_the_servers(name: str):
    ours = getattr(client_package, name)
    theirs = getattr(specs, name)
    assert [(m.name, m.value) for m in ours] == [(m.name, m.value) for m in theirs]


def test_a_failed_save_leaves_no_part_file(tmp_path: Path):
    folder = tmp_path / "out"
    (folder / f"{GEN_ID}_1.jpg").mkdir(parents=True)  # the file's place is taken by a folder
    with make(image_answer) as client, pytest.raises(IsADirectoryError):
        client.download(Generation.model_validate(status("success")), folder)
    assert not list(tmp_path.rglob("*.part"))
