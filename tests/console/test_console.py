"""The web console in a real browser against a real server: key, photos, groups, looks."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from PIL import Image

from looksmith.domain.specs import Age, Ethnicity, Gender, Orientation, Pose, Style
from looksmith_client import Client
from tests.console.conftest import PHONE, Tab
from tests.support.deployment import Deployment
from tests.support.photos import astronaut_jpeg, encode

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Request, Route


def astronaut_png() -> bytes:
    from skimage import data

    return encode(Image.fromarray(data.astronaut()), "PNG")


expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (looksmith[test])"
).expect

GENERATE = {
    "name": "Ada",
    "age": "Young Adult",
    "gender": "Woman",
    "ethnicity": "East Asian",
    "orientation": "square",
    "pose": "half_body",
    "style": "Realistic",
    "appearance": "red hoodie, glasses",
}
LONG = 60_000  # ms: upper bound for background jobs to finish on a busy machine


def sign_in(tab: Tab, server: Deployment, key: str) -> None:
    tab.page.goto(f"{server.url}/console")
    tab.page.locator("#key-input").fill(key)
    tab.page.get_by_role("button", name="Connect").click()
    tab.page.locator("#photos-view").wait_for(state="visible")


def shoot(tab: Tab, folder: Path | None, name: str, *, full_page: bool = False) -> None:
    """Save a screenshot for the README when asked to (without a passing toast)."""
    if folder is not None:
        tab.page.evaluate("document.getElementById('toast').hidden = true")
        tab.page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def test_wrong_key_shows_a_clear_error_and_stores_nothing(tab: Tab, server: Deployment) -> None:
    tab.page.goto(f"{server.url}/console")
    tab.page.locator("#key-input").fill("ls_not-a-real-key")
    tab.page.get_by_role("button", name="Connect").click()

    error = tab.page.locator("#key-error")
    error.wait_for(state="visible")
    assert "not accepted" in error.inner_text()
    assert tab.page.locator("#photos-view").is_hidden()
    assert tab.page.evaluate("sessionStorage.length") == 0
    # The browser logs the refused request itself; nothing else may go wrong.
    assert [e for e in tab.errors if "401" not in e] == []


def test_form_offers_exactly_heygens_choices(tab: Tab, server: Deployment) -> None:
    sign_in(tab, server, server.create_key("choices"))
    enums = {
        "age": Age,
        "gender": Gender,
        "ethnicity": Ethnicity,
        "orientation": Orientation,
        "pose": Pose,
        "style": Style,
    }
    for field, enum in enums.items():
        offered = tab.page.eval_on_selector_all(
            f"#generate-form select[name={field}] option", "options => options.map(o => o.value)"
        )
        assert offered == [member.value for member in enum], field
    assert tab.errors == []


def test_generated_photos_appear_live_and_open_large(
    tab: Tab, server: Deployment, screenshots: Path | None
) -> None:
    key = server.create_key("photos")
    requests: list[tuple[str, dict[str, str]]] = []
    tab.page.on("request", lambda request: requests.append((request.url, request.headers)))
    tab.page.goto(f"{server.url}/console")
    tab.page.locator("#key-input").fill(key)
    shoot(tab, screenshots, "key-entry")
    tab.page.get_by_role("button", name="Connect").click()
    tab.page.locator("#generations-empty").wait_for(state="visible")
    tab.page.evaluate("window.stillTheSamePage = true")

    tab.page.locator("#gen-name").fill("Ada")
    tab.page.select_option("#generate-form select[name=style]", "Cyberpunk")
    tab.page.select_option("#generate-form select[name=pose]", "close_up")
    tab.page.locator("#gen-appearance").fill("red hoodie, glasses")
    tab.page.get_by_role("button", name="Generate 4 photos").click()

    thumbs = tab.page.locator(".gen-card[data-status=success] .thumb img")
    thumbs.nth(3).wait_for(state="visible", timeout=LONG)
    assert thumbs.count() == 4
    tab.wait_until(
        "[...document.querySelectorAll('.gen-card .thumb img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert "Ada" in tab.page.locator(".gen-card").first.inner_text()

    # A generation made elsewhere with the same key shows up too, still without a reload.
    made = httpx.post(
        f"{server.url}/v2/photo_avatar/photo/generate",
        headers={"x-api-key": key},
        json={**GENERATE, "name": "Grace"},
    ).json()["data"]["generation_id"]
    other = tab.page.locator(f"#gen-{made}[data-status=success] .thumb img")
    other.nth(3).wait_for(state="visible", timeout=LONG)
    assert tab.page.locator(".gen-card").count() == 2
    tab.wait_until(  # every thumbnail decoded, not only placed
        "[...document.querySelectorAll('.gen-card .thumb img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    shoot(tab, screenshots, "gallery")

    first = tab.page.locator(".gen-card .thumb").first
    src = first.locator("img").get_attribute("src")
    first.click()
    viewer = tab.page.locator("#viewer")
    viewer.wait_for(state="visible")
    assert tab.page.locator("#viewer-image").get_attribute("src") == src
    tab.wait_until("document.querySelector('#viewer-image').naturalWidth > 0")
    shoot(tab, screenshots, "image-large")
    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name="Download").click()
    saved = Path(download.value.path())
    assert Image.open(io.BytesIO(saved.read_bytes())).size == (1024, 1024)
    tab.page.get_by_role("button", name="Close").click()
    assert viewer.is_hidden()

    assert tab.page.evaluate("window.stillTheSamePage") is True  # never reloaded
    assert all(key not in url for url, _ in requests)
    api_calls = [headers for url, headers in requests if "/v2/" in url or "/v1/" in url]
    assert api_calls and all(headers.get("x-api-key") == key for headers in api_calls)
    assert tab.page.evaluate("localStorage.length") == 0
    assert tab.errors == []


def test_a_reload_keeps_the_session_and_its_generations(tab: Tab, server: Deployment) -> None:
    sign_in(tab, server, server.create_key("reload"))
    tab.page.locator("#gen-name").fill("Lin")
    tab.page.locator("#gen-appearance").fill("green scarf")
    tab.page.get_by_role("button", name="Generate 4 photos").click()
    done = tab.page.locator(".gen-card[data-status=success]")
    done.wait_for(state="visible", timeout=LONG)
    card_id = done.get_attribute("id")

    tab.page.reload()
    tab.page.locator(f"#{card_id}[data-status=success] .thumb img").nth(3).wait_for(state="visible")
    assert tab.page.locator("#key-screen").is_hidden()
    assert "Lin" in tab.page.locator(f"#{card_id}").inner_text()  # the name, kept by this tab

    tab.page.get_by_role("button", name="Sign out").click()
    tab.page.locator("#key-screen").wait_for(state="visible")
    assert tab.page.evaluate("sessionStorage.length") == 0
    assert tab.page.locator(".gen-card").count() == 0
    assert tab.errors == []


def test_upload_train_and_generate_looks(
    tab: Tab, server: Deployment, screenshots: Path | None
) -> None:
    sign_in(tab, server, server.create_key("groups"))
    tab.page.get_by_role("button", name="Avatar groups").click()
    tab.page.locator("#groups-empty").wait_for(state="visible")

    tab.page.set_input_files(
        "#upload-input",
        files=[{"name": "eileen.jpg", "mimeType": "image/jpeg", "buffer": astronaut_jpeg()}],
    )
    tab.page.locator("#upload-preview").wait_for(state="visible")
    tab.page.locator("#group-name").fill("Eileen")
    tab.page.get_by_role("button", name="Create group").click()

    detail = tab.page.locator("#group-detail")
    detail.wait_for(state="visible")
    assert tab.page.locator("#group-title").inner_text() == "Eileen"
    train = tab.page.locator("#train-button")
    tab.page.wait_for_selector("#train-button:enabled", timeout=LONG)  # the face check passed
    tab.page.set_input_files(
        "#add-photo-input",
        files=[{"name": "again.png", "mimeType": "image/png", "buffer": astronaut_png()}],
    )
    expect(tab.page.locator(".look-card[data-status=completed]")).to_have_count(2, timeout=LONG)
    train.click()
    tab.page.wait_for_selector("#train-badge[data-tone=ok]", timeout=LONG)
    assert tab.page.locator("#train-badge").inner_text() == "Trained"

    tab.page.locator("#look-prompt").fill("navy suit on a city street at dusk")
    tab.page.select_option("#looks-form select[name=style]", "Cinematic")
    tab.page.get_by_role("button", name="Generate 4 looks").click()
    looks = tab.page.locator(".look-card[data-status=completed]")
    looks.nth(5).wait_for(state="visible", timeout=LONG)
    assert looks.count() == 6  # two uploads and four generated looks
    tab.wait_until(
        "[...document.querySelectorAll('.look-card img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    shoot(tab, screenshots, "group-looks", full_page=True)

    tab.page.get_by_role("button", name="All groups").click()
    card = tab.page.locator(".group-card", has_text="Eileen")
    expect(card).to_contain_text("6 looks")  # the list is read again on the way back
    expect(card.locator(".badge")).to_have_text("Trained")
    assert tab.errors == []


def test_phone_width_fits_without_sideways_scrolling(
    tab: Tab, server: Deployment, screenshots: Path | None
) -> None:
    key = server.create_key("phone")
    made = httpx.post(
        f"{server.url}/v2/photo_avatar/photo/generate", headers={"x-api-key": key}, json=GENERATE
    ).json()["data"]["generation_id"]
    tab.page.set_viewport_size(PHONE)
    sign_in(tab, server, key)
    tab.page.locator(f"#gen-{made}[data-status=success] .thumb img").nth(3).wait_for(
        state="visible", timeout=LONG
    )
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    form = tab.page.locator("#generate-form").bounding_box()
    gallery = tab.page.locator("#generations").bounding_box()
    assert form is not None and gallery is not None
    assert gallery["y"] > form["y"]  # one column: the gallery comes below the form
    tab.page.evaluate("document.querySelector('#photos-view .content').scrollIntoView()")
    shoot(tab, screenshots, "phone")
    assert tab.errors == []


@pytest.mark.parametrize("path", ["/console", "/console/console.js", "/console/console.css"])
def test_console_responses_carry_a_strict_policy(server: Deployment, path: str) -> None:
    response = httpx.get(f"{server.url}{path}")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


# -- review fixes (issue 7): the key form, retries, a stream that is down, a group that fails --


def open_with(tab: Tab, server: Deployment, key: str, generation_ids: list[str]) -> None:
    """Open the console signed in, with these generations remembered by the tab."""
    tab.page.goto(f"{server.url}/console")
    saved = [{"id": g, "name": "Saved", "kind": "photo", "createdAt": 0} for g in generation_ids]
    tab.page.evaluate(
        """([key, saved]) => {
          sessionStorage.setItem("looksmith.key", key);
          sessionStorage.setItem("looksmith.generations", JSON.stringify(saved));
        }""",
        [key, saved],
    )
    tab.page.reload()
    tab.page.locator("#photos-view").wait_for(state="visible")


def test_without_its_script_the_key_form_is_not_offered(browser: Browser, server: Deployment):
    """Enter in a plain form would send GET /console?key=...: the form waits for console.js."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/console")
        assert page.locator("#key-form").is_hidden()
        assert page.locator("#key-form [name]").count() == 0
    finally:
        context.close()


def test_enter_in_the_key_field_keeps_the_key_out_of_the_url(tab: Tab, server: Deployment):
    tab.page.goto(f"{server.url}/console")
    tab.page.locator("#key-input").fill("ls_typed-secret")
    tab.page.locator("#key-input").press("Enter")
    expect(tab.page.locator("#key-error")).to_contain_text("not accepted")
    assert "ls_typed-secret" not in tab.page.url
    assert "key=" not in tab.page.url


def test_a_read_refused_as_invalid_is_not_retried(tab: Tab, server: Deployment):
    reads: list[str] = []

    def refuse(route: Route) -> None:
        reads.append(route.request.url)
        body = {"error": {"code": "invalid_parameter", "message": "refused for the test"}}
        route.fulfill(status=400, content_type="application/json", body=json.dumps(body))

    tab.page.route("**/v2/photo_avatar/generation/**", refuse)
    tab.page.clock.install()
    gen_id = "0" * 32
    open_with(tab, server, server.create_key("refused-read"), [gen_id])
    card = tab.page.locator(f"#gen-{gen_id}")
    expect(card).to_contain_text("refused for the test")
    tab.page.clock.run_for(60_000)  # twenty retries' worth, had it kept retrying
    assert len(reads) == 1


def test_cards_keep_moving_while_the_event_stream_is_down(tab: Tab, server: Deployment):
    key = server.create_key("stream-down")
    with Client(server.url, key) as client:
        gen_id = client.generate_photos(**GENERATE).generation_id
    tab.page.route("**/v2/photo_avatar/events", lambda route: route.abort())
    open_with(tab, server, key, [gen_id])
    expect(tab.page.locator("#live")).to_have_text("Reconnecting…")
    expect(tab.page.locator(f"#gen-{gen_id} img")).to_have_count(4, timeout=LONG)


def test_a_group_that_cannot_be_loaded_says_so(tab: Tab, server: Deployment):
    key = server.create_key("group-refused")
    with Client(server.url, key) as client:
        image_key = client.upload(astronaut_jpeg()).image_key
        assert image_key
        client.create_group(name="Unloadable", image_key=image_key)
    body = {"error": {"code": "invalid_parameter", "message": "looks refused for the test"}}
    tab.page.route(
        "**/v2/avatar_group/*/avatars*",
        lambda route: route.fulfill(
            status=400, content_type="application/json", body=json.dumps(body)
        ),
    )
    sign_in(tab, server, key)
    tab.page.locator("#tab-groups").click()
    tab.page.locator(".group-card", has_text="Unloadable").click()
    expect(tab.page.locator("#group-error")).to_contain_text("looks refused for the test")
    expect(tab.page.locator("#train-hint")).to_have_text("The group could not be loaded.")


def test_a_second_start_ends_the_first_event_stream(tab: Tab, server: Deployment):
    """The saved key's check and a sign-in can both start the console: one stream stays open."""
    key = server.create_key("two-starts")
    held: list[Route] = []

    def hold_first_check(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # answered below, after the sign-in has started the console

    streams: list[Request] = []
    ended: list[Request] = []
    tab.page.on("request", lambda r: streams.append(r) if r.url.endswith("/events") else None)
    tab.page.on("requestfailed", lambda r: ended.append(r) if r.url.endswith("/events") else None)
    tab.page.goto(f"{server.url}/console")
    tab.page.evaluate("key => sessionStorage.setItem('looksmith.key', key)", key)
    tab.page.route("**/v2/avatar_group.list?limit=1", hold_first_check)
    tab.page.reload()
    tab.page.locator("#key-input").fill(key)
    tab.page.get_by_role("button", name="Connect").click()
    expect(tab.page.locator("#live")).to_have_text("Live")
    assert len(held) == 1 and len(streams) == 1
    held[0].continue_()  # the saved key's check succeeds: start() runs a second time
    deadline = time.monotonic() + 30
    while len(streams) < 2 or len(ended) < 1:
        assert time.monotonic() < deadline, f"{len(streams)} streams, {len(ended)} ended"
        tab.page.wait_for_timeout(100)
    assert ended == streams[:1], "the first stream was aborted, the second stays open"
