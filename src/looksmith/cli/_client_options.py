"""The options every client command shares (server, key, output format), defined once.

``client_options`` declares them; ``client_command`` adds them after a command's own parameters,
where users have always typed them (``looksmith group list --api-key KEY``), and
``current_options`` gives the running command their values.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated, Any

import typer


@dataclass(frozen=True)
class ClientOptions:
    """The options every client command takes: the server, the key and the output format."""

    base_url: str | None
    api_key: str | None
    as_json: bool


def client_options(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for scripts")] = False,
    base_url: Annotated[
        str | None,
        typer.Option(help="the server (default: $LOOKSMITH_BASE_URL or http://127.0.0.1:8000)"),
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(help="the API key (default: $LOOKSMITH_API_KEY)")
    ] = None,
) -> ClientOptions:
    """The one definition of the shared options: Typer reads them from this signature."""
    return ClientOptions(base_url=base_url, api_key=api_key, as_json=as_json)


_running: ContextVar[ClientOptions] = ContextVar("client_options")


def client_command(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with the parameters of ``client_options`` after its own, as Typer reads it.

    Typer sees the joined signature, so the shared options are typed after the command as they
    always were (``looksmith group list --api-key KEY``) and listed in its help; ``command`` is
    called with its own parameters only, while ``current_options()`` gives it the shared ones.
    """
    shared = inspect.signature(client_options, eval_str=True).parameters
    own = inspect.signature(command, eval_str=True)

    @functools.wraps(command)
    def run(**values: Any) -> None:
        token = _running.set(client_options(**{name: values.pop(name) for name in shared}))
        try:
            command(**values)
        finally:
            _running.reset(token)

    joined = own.replace(parameters=[*own.parameters.values(), *shared.values()])
    run.__signature__ = joined  # type: ignore[attr-defined]
    return run


def current_options() -> ClientOptions:
    """The shared options of the client command that is running."""
    return _running.get()
