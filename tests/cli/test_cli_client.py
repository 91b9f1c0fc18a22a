"""The installed ``looksmith`` command against a real server process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from looksmith.cli import EXIT_BROKEN_PIPE
from looksmith_client import Age, Ethnicity, Gender, Orientation, Pose, Style
from tests.support.deployment import Deployment, embedded
from tests.support.photos import astronaut_jpeg, coffee_jpeg

pytestmark = pytest.mark.e2e

INSTALLED = Path(sys.executable).with_name("looksmith")
COMMAND = [str(INSTALLED)] if INSTALLED.exists() else [sys.executable, "-m", "looksmith"]
PHOTO = ["--name", "Ada", "--appearance", "red hoodie, glasses", "--age", "Young Adult",
         "--gender", "Woman", "--ethnicity", "East Asian"]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """One embedded deployment for the module."""
    with embedded(tmp_path_factory.mktemp("cli") / "data") as deployment:
        yield deployment


@pytest.fixture(scope="module")
def env(server: Deployment) -> dict[str, str]:
    """The client's settings, as a user exports them."""
    return {"LOOKSMITH_BASE_URL": server.url, "LOOKSMITH_API_KEY": server.create_key("cli")}


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LOOKSMITH_")}
    return subprocess.run(
        [*COMMAND, *args],
        env={**clean, "COLUMNS": "200", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def ok_json(*args: str, env: dict[str, str]) -> Any:
    result = run(*args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def decodes(path: Path) -> bool:
    with Image.open(path) as image:
        image.load()
        return image.width > 0


def test_generate_wait_out_saves_images_that_decode(env: dict[str, str], tmp_path: Path):
    result = run("photo", "generate", *PHOTO, "--wait", "--out", str(tmp_path), env=env)
    assert result.returncode == 0, result.stderr
    files = sorted(tmp_path.iterdir())
    assert len(files) == 4
    assert all(path.suffix == ".jpg" and decodes(path) for path in files)
    assert "success" in result.stdout
    assert all(path.name in result.stdout for path in files)


def test_json_output_parses_and_status_follows_it(env: dict[str, str], tmp_path: Path):
    accepted = ok_json("photo", "generate", *PHOTO, "--style", "Pixar", env=env)
    generation_id = accepted["generation_id"]
    done = ok_json("status", generation_id, "--wait", "--out", str(tmp_path), env=env)
    assert done["id"] == generation_id
    assert done["status"] == "success"
    assert len(done["image_url_list"]) == 4
    assert [Path(f).parent for f in done["files"]] == [tmp_path] * 4
    again = ok_json("status", generation_id, env=env)
    assert again["image_key_list"] == done["image_key_list"]


def test_group_workflow(env: dict[str, str], tmp_path: Path):
    photo = tmp_path / "eileen.jpg"
    photo.write_bytes(astronaut_jpeg())
    asset = ok_json("upload", str(photo), env=env)
    assert asset["image_key"]
    look = ok_json("group", "create", "Eileen", "--image-key", asset["image_key"], "--wait",
                   env=env)  # fmt: skip
    group_id = look["group_id"]
    assert look["status"] == "completed"
    added = ok_json("group", "add", group_id, "--image-key", asset["image_key"], "--wait", env=env)
    assert [item["status"] for item in added] == ["completed"]
    assert ok_json("group", "train", group_id, "--wait", env=env)["status"] == "ready"

    out = tmp_path / "looks"
    result = run("look", "generate", group_id, "--prompt", "green dress", "--pose", "full_body",
                 "--style", "Vintage", "--wait", "--out", str(out), env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len([path for path in out.iterdir() if decodes(path)]) == 4

    groups = ok_json("group", "list", env=env)
    assert group_id in [item["id"] for item in groups["avatar_group_list"]]
    listing = ok_json("group", "looks", group_id, env=env)
    assert listing["total_count"] == 6
    human = run("group", "list", env=env)
    assert human.returncode == 0
    assert "Eileen" in human.stdout
    assert ok_json("group", "delete", group_id, env=env) == {"deleted": group_id}
    gone = run("look", "show", group_id, env=env)
    assert gone.returncode == 3
    assert "404" in gone.stderr


def test_a_failed_job_exits_1(env: dict[str, str], tmp_path: Path):
    cup = tmp_path / "coffee.jpg"
    cup.write_bytes(coffee_jpeg())
    result = run("group", "create", "Cup", "--photo", str(cup), "--wait", "--json", env=env)
    assert result.returncode == 1, result.stderr
    look = json.loads(result.stdout)
    assert look["status"] == "failed"
    assert look["moderation_msg"] == "No face detected, please try another photo."


@pytest.mark.parametrize(
    "args",
    [
        ["photo", "generate", *PHOTO, "--age", "young"],  # not an allowed value
        ["photo", "generate", "--appearance", "no name"],  # a required option missing
        ["photo", "frobnicate"],  # no such command
        ["upload", "/no/such/file.jpg"],
    ],
)
def test_usage_errors_exit_2(env: dict[str, str], args: list[str]):
    result = run(*args, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""


def test_a_missing_key_is_a_usage_error(server: Deployment):
    result = run("status", "0" * 32, env={"LOOKSMITH_BASE_URL": server.url})
    assert result.returncode == 2
    assert "LOOKSMITH_API_KEY" in result.stderr


def test_server_and_network_errors_exit_3(env: dict[str, str]):
    unknown = run("status", "0" * 32, env=env)
    assert unknown.returncode == 3
    assert "404" in unknown.stderr
    refused = run("photo", "generate", *PHOTO, "--base-url", "http://127.0.0.1:1", env=env)
    assert refused.returncode == 3
    assert "cannot reach" in refused.stderr
    wrong_key = run("group", "list", "--api-key", "lk_wrong", env=env)
    assert wrong_key.returncode == 3
    assert "401" in wrong_key.stderr
    assert "Traceback" not in unknown.stderr + refused.stderr + wrong_key.stderr


def test_help_lists_every_allowed_value():
    result = run("photo", "generate", "--help", env={"COLUMNS": "400"})  # no wrapping
    assert result.returncode == 0
    text = result.stdout
    for enum in (Age, Gender, Ethnicity, Orientation, Pose, Style):
        for value in enum:
            assert value.value in text, value


# -- review fixes (issue 7): local paths, odd names, pipes, long polls, last-resort errors ----


def generated(env: dict[str, str]) -> str:
    """The id of a finished photo generation."""
    accepted = ok_json("photo", "generate", *PHOTO, env=env)
    ok_json("status", accepted["generation_id"], "--wait", env=env)
    return str(accepted["generation_id"])


def test_an_unusable_out_folder_is_a_clean_usage_error(env: dict[str, str], tmp_path: Path):
    generation_id = generated(env)
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    result = run("status", generation_id, "--out", str(afile / "sub"), env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().startswith("error: ")
    assert str(afile / "sub") in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_an_unreadable_photo_is_a_clean_usage_error(env: dict[str, str]):
    # /proc/self/mem is a file that exists but cannot be read from the start, even by root.
    for args in (
        ["upload", "/proc/self/mem"],
        ["group", "create", "X", "--photo", "/proc/self/mem"],
    ):
        result = run(*args, env=env)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().startswith("error: /proc/self/mem: ")
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["bad [/x] name", "[bold]loud[/bold]", "../../etc", "ü [link=x]"])
def test_names_print_as_they_are(env: dict[str, str], tmp_path: Path, name: str):
    photo = tmp_path / "eileen.jpg"
    photo.write_bytes(astronaut_jpeg())
    created = run("group", "create", name, "--photo", str(photo), "--wait", env=env)
    assert created.returncode == 0, created.stderr
    assert name in created.stdout
    listing = run("group", "list", "--limit", "100", env=env)
    assert listing.returncode == 0, listing.stderr
    assert name in listing.stdout


def test_a_closed_pipe_ends_quietly(env: dict[str, str]):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LOOKSMITH_")}
    for args in (["group", "list"], ["group", "list", "--json"]):
        process = subprocess.Popen(
            [*COMMAND, *args],
            env={**clean, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before the command writes a byte
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=120) == EXIT_BROKEN_PIPE, stderr
        assert stderr == ""


def test_an_endless_timeout_is_accepted(env: dict[str, str]):
    generation_id = generated(env)
    result = run("status", generation_id, "--wait", "--timeout", "inf", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "success"
