"""The ``looksmith`` command line: the operator's commands and the client's, one Typer app.

Operator commands (serve, worker, migrate, keys, limits, contact-sheet) run on the server's
machine against its settings; client commands (photo, status, upload, group, look) talk to a
server over HTTP through ``looksmith.client``. Exit codes: 0 success, 1 the job failed, 2 usage
or configuration, 3 server or network error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

from looksmith.cli import client_commands, operator


def build_app() -> typer.Typer:
    """The whole command tree."""
    app = typer.Typer(
        name="looksmith",
        help=__doc__.split("\n\n")[0] if __doc__ else None,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    operator.register(app)
    client_commands.register(app)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit status."""
    from looksmith.errors import LooksmithError

    command = typer.main.get_command(build_app())
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = command.main(args=args, prog_name="looksmith", standalone_mode=False)
    except typer.TyperException as exc:  # usage errors (exit 2) and the like
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            print(f"error: {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except typer.Abort:
        print("aborted", file=sys.stderr)
        return 1
    except LooksmithError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return result if isinstance(result, int) else 0
