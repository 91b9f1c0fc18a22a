"""The ``looksmith`` command line: the operator's commands and the client's, one Typer app.

Operator commands (serve, worker, migrate, keys, limits, contact-sheet) run on the server's
machine against its settings; client commands (photo, status, upload, group, look) talk to a
server over HTTP through ``looksmith_client``. Exit codes: 0 success, 1 the job failed, 2 usage
or configuration, 3 server or network error.
"""

from __future__ import annotations

import os
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
    """Parse ``argv`` and run the command; returns the exit status.

    No error ends in a traceback: a failure the commands did not foresee prints ``error: ...``
    and exits 3. When the reader of the output goes away (``looksmith group list | head -1``),
    the command stops quietly with 141, the status of a process ended by SIGPIPE, as other
    Unix tools do; it cannot be mistaken for 0-3.
    """
    from looksmith.errors import LooksmithError

    command = typer.main.get_command(build_app())
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        # Not ``command.main``: on a broken pipe it exits 1, which here means "the job failed".
        with command.make_context("looksmith", args) as context:
            result = command.invoke(context)
    except typer.Exit as exc:  # --help, and the commands' own exit codes
        return exc.exit_code
    except typer.TyperException as exc:  # usage errors (exit 2) and the like
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            print(f"error: {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except (typer.Abort, EOFError):
        print("aborted", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except LooksmithError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except Exception as exc:  # the last resort: a message, never a traceback
        print(f"error: {exc or type(exc).__name__}", file=sys.stderr)
        return 3
    return result if isinstance(result, int) else 0


EXIT_BROKEN_PIPE = 141


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit cannot fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
