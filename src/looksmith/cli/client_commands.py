"""The client's commands: photos, status, uploads, groups and looks, over ``looksmith_client``.

They talk to a server over HTTP only (``LOOKSMITH_BASE_URL``, ``LOOKSMITH_API_KEY``), so they
work against any server of the API. Exit codes: 0 success, 1 the job failed, 2 usage (including
a local file or folder that cannot be read or written, e.g. ``--out`` naming a file), 3 server or
network error (an error answer, an unreachable server, or a wait that ran out of time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from looksmith.cli import _render as render
from looksmith.cli._client_options import client_command, current_options
from looksmith_client import (
    Age,
    Asset,
    Client,
    Ethnicity,
    Gender,
    Generation,
    Look,
    LooksmithError,
    Orientation,
    Pose,
    ResponseError,
    Style,
)

T = TypeVar("T")

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_SERVER = 3

Wait = Annotated[bool, typer.Option("--wait", help="wait until the job is over")]
Timeout = Annotated[float, typer.Option(help="seconds to wait at most")]
Out = Annotated[
    Path | None,
    typer.Option(help="save the images into this folder (implies --wait)", file_okay=False),
]


photo = typer.Typer(help="generate photos of a new person", no_args_is_help=True)
group = typer.Typer(
    help="groups: one person's identity, its looks and training", no_args_is_help=True
)
look = typer.Typer(help="looks of a trained group", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the client's commands to ``app``."""
    app.add_typer(photo, name="photo")
    app.command("status", help="a generation's status (photos or looks)")(status)
    app.command("upload", help="upload a photo (JPEG, PNG or WebP); prints its image key")(upload)
    app.add_typer(group, name="group")
    app.add_typer(look, name="look")


@contextmanager
def _client() -> Iterator[Client]:
    """A client for the shared options, with errors turned into messages and exit codes."""
    options = current_options()
    try:
        with Client(options.base_url, options.api_key) as client:
            if not client.has_key:
                render.err.print("error: no API key: set LOOKSMITH_API_KEY or pass --api-key")
                raise typer.Exit(EXIT_USAGE)
            yield client
    except LooksmithError as exc:
        render.err.print(f"error: {exc}")
        raise typer.Exit(EXIT_SERVER) from None
    except BrokenPipeError:
        raise  # the reader went away: ``main`` ends quietly
    except OSError as exc:  # a local path: the photo to upload, the folder to save into
        where = f"{exc.filename}: " if exc.filename else ""
        render.err.print(f"error: {where}{exc.strerror or exc}")
        raise typer.Exit(EXIT_USAGE) from None


def _finish(failed: bool) -> None:
    if failed:
        raise typer.Exit(EXIT_FAILED)


def _wait_generation(client: Client, generation_id: str, timeout: float, quiet: bool) -> Generation:
    with render.waiting(f"generation {generation_id[:8]}", quiet=quiet) as report:
        return client.wait(generation_id, timeout=timeout, on_progress=report)


def _show_generation(client: Client, result: Generation, out: Path | None, as_json: bool) -> None:
    files = client.download(result, out) if out is not None and result.succeeded else []
    if as_json:
        render.emit_json(
            {**render.dump(result), **({"files": [str(f) for f in files]} if out else {})}
        )
    else:
        render.generation(result, files)
    _finish(result.failed)


def _accepted(generation_id: str, as_json: bool) -> None:
    if as_json:
        render.emit_json({"generation_id": generation_id})
    else:
        render.out.print(f"generation {generation_id} accepted")
        render.out.print(f"follow it with: looksmith status {generation_id} --wait")


# -- photos ----------------------------------------------------------------------------------


@photo.command("generate")
@client_command
def photo_generate(
    name: Annotated[str, typer.Option(help="display name of the avatar")],
    appearance: Annotated[str, typer.Option(help="free text, at most 1000 characters")],
    age: Annotated[Age, typer.Option()] = Age.UNSPECIFIED,
    gender: Annotated[Gender, typer.Option()] = Gender.UNSPECIFIED,
    ethnicity: Annotated[Ethnicity, typer.Option()] = Ethnicity.UNSPECIFIED,
    orientation: Annotated[Orientation, typer.Option()] = Orientation.SQUARE,
    pose: Annotated[Pose, typer.Option()] = Pose.HALF_BODY,
    style: Annotated[Style, typer.Option()] = Style.REALISTIC,
    wait: Wait = False,
    out: Out = None,
    timeout: Timeout = 600.0,
) -> None:
    """Generate four photos of a new person from the eight attributes."""
    as_json = current_options().as_json
    with _client() as client:
        accepted = client.generate_photos(
            name=name, age=age, gender=gender, ethnicity=ethnicity, orientation=orientation,
            pose=pose, style=style, appearance=appearance,
        )  # fmt: skip
        if not (wait or out):
            _accepted(accepted.generation_id, as_json)
            return
        result = _wait_generation(client, accepted.generation_id, timeout, as_json)
        _show_generation(client, result, out, as_json)


@client_command
def status(
    generation_id: Annotated[str, typer.Argument(metavar="ID", help="a generation id")],
    wait: Wait = False,
    out: Out = None,
    timeout: Timeout = 600.0,
) -> None:
    """A generation's status; exits 1 if it failed."""
    as_json = current_options().as_json
    with _client() as client:
        if wait or out:
            result = _wait_generation(client, generation_id, timeout, as_json)
        else:
            result = client.generation(generation_id)
        _show_generation(client, result, out, as_json)


@client_command
def upload(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="the photo")],
) -> None:
    """Upload a photo; prints its image key, the start of a group."""
    as_json = current_options().as_json
    with _client() as client:
        asset = _upload(client, file)
    if as_json:
        render.emit_json(asset)
    else:
        render.fields(
            "asset", [("id", asset.id), ("image key", asset.image_key), ("url", asset.url)]
        )


# -- groups ----------------------------------------------------------------------------------


def _upload(client: Client, file: Path) -> Asset:
    """Upload ``file``; a read failure names the file (reads on an open file carry no name)."""
    try:
        return client.upload(file)
    except OSError as exc:
        if exc.filename:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(file)) from exc


def _image_key(client: Client, image_key: str | None, photo_file: Path | None) -> str:
    if (image_key is None) == (photo_file is None):
        render.err.print("error: give exactly one of --image-key and --photo")
        raise typer.Exit(EXIT_USAGE)
    if photo_file is not None:
        key = _upload(client, photo_file).image_key
        if not key:
            raise ResponseError("the server's upload answer has no image_key")
        return key
    assert image_key is not None  # checked above: exactly one of the two is given
    return image_key


def _waited(what: str, quiet: bool, wait: Callable[[Callable[[Any], None] | None], T]) -> T:
    with render.waiting(what, quiet=quiet) as report:
        return wait(report)


def _wait_look(client: Client, look_id: str, timeout: float, quiet: bool) -> Look:
    return _waited(
        f"face check {look_id[:8]}",
        quiet,
        lambda report: client.wait_look(look_id, timeout=timeout, on_progress=report),
    )


@group.command("create")
@client_command
def group_create(
    name: Annotated[str, typer.Argument(help="the group's name")],
    image_key: Annotated[
        str | None, typer.Option(help="an uploaded or generated image key")
    ] = None,
    photo_file: Annotated[
        Path | None,
        typer.Option("--photo", exists=True, dir_okay=False, help="upload this photo first"),
    ] = None,
    wait: Annotated[bool, typer.Option("--wait", help="wait for the face check")] = False,
    timeout: Timeout = 600.0,
) -> None:
    """Create a group from one photo; its first look's id is the group id."""
    as_json = current_options().as_json
    with _client() as client:
        created = client.create_group(
            name=name, image_key=_image_key(client, image_key, photo_file)
        )
        if wait:
            created = _wait_look(client, created.id, timeout, as_json)
    render.emit_json(created) if as_json else render.look(created)
    _finish(created.failed)


@group.command("add")
@client_command
def group_add(
    group_id: Annotated[str, typer.Argument(metavar="GROUP_ID")],
    image_key: Annotated[list[str], typer.Option(help="an image key; repeat for up to four")],
    name: Annotated[str, typer.Option(help="the new looks' name")] = "look",
    wait: Annotated[bool, typer.Option("--wait", help="wait for the face checks")] = False,
    timeout: Timeout = 600.0,
) -> None:
    """Add one to four images to a group as looks."""
    as_json = current_options().as_json
    with _client() as client:
        looks = client.add_looks(group_id=group_id, image_keys=image_key, name=name)
        if wait:
            looks = [_wait_look(client, item.id, timeout, as_json) for item in looks]
    if as_json:
        render.emit_json(looks)
    else:
        rows = [(x.id, render.badge(x.status), x.moderation_msg) for x in looks]
        render.listing("looks", ["id", "status", "message"], rows)
    _finish(any(item.failed for item in looks))


@group.command("train")
@client_command
def group_train(
    group_id: Annotated[str, typer.Argument(metavar="GROUP_ID")],
    wait: Annotated[bool, typer.Option("--wait", help="wait until trained")] = False,
    timeout: Timeout = 1800.0,
) -> None:
    """Train a group, so it can generate looks; exits 1 if training failed."""
    as_json = current_options().as_json
    with _client() as client:
        client.train(group_id)
        if wait:
            result = _waited(
                f"training {group_id[:8]}",
                as_json,
                lambda report: client.wait_training(group_id, timeout=timeout, on_progress=report),
            )
        else:
            result = client.training(group_id)
    render.emit_json(result) if as_json else render.training(group_id, result)
    _finish(result.failed)


@group.command("list")
@client_command
def group_list(
    page: Annotated[int, typer.Option(min=1)] = 1,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 50,
) -> None:
    """The groups, newest first."""
    as_json = current_options().as_json
    with _client() as client:
        result = client.groups(page=page, limit=limit)
    if as_json:
        render.emit_json(result)
        return
    rows = [(g.id, g.name, g.num_looks, render.badge(g.train_status or "untrained"))
            for g in result.groups]  # fmt: skip
    render.listing(f"groups ({result.total_count})", ["id", "name", "looks", "training"], rows)


@group.command("looks")
@client_command
def group_looks(
    group_id: Annotated[str, typer.Argument(metavar="GROUP_ID")],
    page: Annotated[int, typer.Option(min=1)] = 1,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 50,
) -> None:
    """A group's looks, oldest first."""
    as_json = current_options().as_json
    with _client() as client:
        result = client.looks(group_id, page=page, limit=limit)
    if as_json:
        render.emit_json(result)
        return
    rows = [(x.id, x.name, x.business_type, render.badge(x.status)) for x in result.looks]
    render.listing(f"looks ({result.total_count})", ["id", "name", "kind", "status"], rows)


@group.command("delete")
@client_command
def group_delete(
    group_id: Annotated[str, typer.Argument(metavar="GROUP_ID")],
) -> None:
    """Delete a group with its looks and generated images."""
    as_json = current_options().as_json
    with _client() as client:
        client.delete_group(group_id)
    _deleted("group", group_id, as_json)


# -- looks -----------------------------------------------------------------------------------


@look.command("generate")
@client_command
def look_generate(
    group_id: Annotated[str, typer.Argument(metavar="GROUP_ID", help="a trained group")],
    prompt: Annotated[str, typer.Option(help="what the new looks show")],
    orientation: Annotated[Orientation, typer.Option()] = Orientation.SQUARE,
    pose: Annotated[Pose, typer.Option()] = Pose.HALF_BODY,
    style: Annotated[Style, typer.Option()] = Style.REALISTIC,
    wait: Wait = False,
    out: Out = None,
    timeout: Timeout = 600.0,
) -> None:
    """Generate four new looks of a trained group's person."""
    as_json = current_options().as_json
    with _client() as client:
        accepted = client.generate_looks(
            group_id=group_id, prompt=prompt, orientation=orientation, pose=pose, style=style
        )
        if not (wait or out):
            _accepted(accepted.generation_id, as_json)
            return
        result = _wait_generation(client, accepted.generation_id, timeout, as_json)
        _show_generation(client, result, out, as_json)


@look.command("show")
@client_command
def look_show(
    look_id: Annotated[str, typer.Argument(metavar="LOOK_ID")],
) -> None:
    """One look's details."""
    as_json = current_options().as_json
    with _client() as client:
        result = client.look(look_id)
    render.emit_json(result) if as_json else render.look(result)


@look.command("delete")
@client_command
def look_delete(
    look_id: Annotated[str, typer.Argument(metavar="LOOK_ID")],
) -> None:
    """Delete one look."""
    as_json = current_options().as_json
    with _client() as client:
        client.delete_look(look_id)
    _deleted("look", look_id, as_json)


def _deleted(kind: str, object_id: str, as_json: bool) -> None:
    """Say that the ``kind`` called ``object_id`` is gone."""
    if as_json:
        render.emit_json({"deleted": object_id})
    else:
        render.out.print(f"deleted {kind} {object_id}")
