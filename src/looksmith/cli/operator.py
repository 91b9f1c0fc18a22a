"""The operator's commands: serve, worker, migrate, keys, limits, contact-sheet.

They run on the server's machine, against its settings and database. Their output is read by
scripts (``keys create`` prints the key alone on the last line), so it stays exactly as it is.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError

if TYPE_CHECKING:
    from looksmith.config import Settings
    from looksmith.domain.models import ErrorFormat
    from looksmith.services.keys import KeyService
    from looksmith.services.limits import LimitService, LimitsView

DEFAULT_KEY_FILE = "default-api-key"


def register(app: typer.Typer) -> None:
    """Add the operator's commands to ``app``."""
    app.command(help="migrate, then serve the API")(serve)
    app.command(help="run a Celery worker (LOOKSMITH_QUEUE__KIND=celery)")(worker)
    app.command(help="bring the database schema up to date")(migrate)
    keys = typer.Typer(help="manage API keys", no_args_is_help=True)
    keys.command("create", help="create a tenant with one key; prints the key last")(keys_create)
    keys.command("list", help="list keys by prefix")(keys_list)
    keys.command("set", help="set the error format of the key's tenant")(keys_set)
    keys.command("revoke", help="revoke the keys starting with KEY_PREFIX")(keys_revoke)
    keys.command(
        "default", help="print the local default key, creating it if needed (for make run)"
    )(keys_default)
    app.add_typer(keys, name="keys")
    limits = typer.Typer(help="per-tenant rate limits and quotas", no_args_is_help=True)
    limits.command("show", help="a tenant's limits and usage")(limits_show)
    limits.command("set", help="override a tenant's limits")(limits_set)
    app.add_typer(limits, name="limits")
    app.command("contact-sheet", help="render the styles x poses contact sheet")(contact_sheet)


def _settings() -> Settings:
    from looksmith.config import Settings

    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            print(f"configuration error: {error['msg']}", file=sys.stderr)
        raise typer.Exit(2) from None


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    access_log: Annotated[bool, typer.Option(help="log every request")] = False,
    processes: Annotated[
        int,
        typer.Option(
            help="API processes (needs LOOKSMITH_QUEUE__KIND=celery and a public base URL)"
        ),
    ] = 1,
) -> None:
    """Migrate, then serve the API."""
    import uvicorn

    from looksmith.api.app import create_app
    from looksmith.composition.api import build_api
    from looksmith.composition.operator import migrate
    from looksmith.config import QueueKind
    from looksmith.logs import configure_logging

    settings = _settings()
    configure_logging()
    migrate(settings)
    options: dict[str, Any] = {
        "log_config": None,  # our JSON logging, set up above
        "host": host,
        "port": port,
        "access_log": access_log,
        "log_level": "info",
        "timeout_graceful_shutdown": 10,
    }
    if processes > 1:
        if settings.queue.kind is not QueueKind.CELERY or not settings.public_base_url:
            print(
                "error: --processes needs LOOKSMITH_QUEUE__KIND=celery (in-process workers would "
                "compete for jobs) and LOOKSMITH_PUBLIC_BASE_URL",
                file=sys.stderr,
            )
            raise typer.Exit(2)
        target = "looksmith.api.asgi:create_from_env"
        uvicorn.run(target, factory=True, workers=processes, **options)
        return
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    parts = build_api(settings, default_base_url=f"http://{shown_host}:{port}")
    app = create_app(settings, parts=parts)
    _serve_ending_streams_on_exit(uvicorn.Config(app, **options), app.state.hub.close_soon)


def _serve_ending_streams_on_exit(config: Any, on_exit: Callable[[], None]) -> None:
    """Run uvicorn's server; on SIGINT/SIGTERM first end open event streams and long polls.

    uvicorn waits for open connections before the app's lifespan hears of the shutdown, so a
    stream left open would hold the exit for the whole graceful-shutdown timeout.
    """
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            on_exit()
            super().handle_exit(sig, frame)

    # uvicorn re-raises the Ctrl-C it shut down on; uvicorn.run swallows it, and so do we.
    with contextlib.suppress(KeyboardInterrupt):
        Server(config).run()


def worker(
    concurrency: Annotated[int | None, typer.Option(help="jobs at once (default: workers)")] = None,
) -> None:
    """Run a Celery worker."""
    from looksmith.composition.operator import migrate
    from looksmith.composition.worker import build_celery_worker
    from looksmith.config import QueueKind

    settings = _settings()
    if settings.queue.kind is not QueueKind.CELERY:
        print(
            "error: set LOOKSMITH_QUEUE__KIND=celery and LOOKSMITH_QUEUE__BROKER_URL",
            file=sys.stderr,
        )
        raise typer.Exit(2)
    migrate(settings)
    build_celery_worker(settings).run(concurrency=concurrency or settings.workers)


def migrate() -> None:
    """Bring the database schema up to date."""
    from looksmith.composition import operator

    operator.migrate(_settings())
    print("database is up to date")


def _key_service(settings: Settings) -> KeyService:
    from looksmith.composition.operator import key_service

    return key_service(settings)


_FORMATS = ("object", "string")
_FORMAT_HELP = (
    "the tenant's v2 error bodies: 'object' {error: {code, message}} as live HeyGen sends, "
    "'string' {error: '...', code} as the seed documents"
)


def keys_create(
    name: Annotated[str, typer.Option(help="the tenant's name")],
    error_format: Annotated[
        str | None,
        typer.Option(
            metavar="object|string",
            help=_FORMAT_HELP + "; default: the server's LOOKSMITH_ERROR_FORMAT",
        ),
    ] = None,
) -> None:
    """Create a tenant with one key; prints the key last."""
    chosen = _error_format_given(error_format, _FORMATS) if error_format else None
    created = _key_service(_settings()).create_tenant(name=name, error_format=chosen)
    print(f"created tenant {created.tenant.name!r} ({created.tenant.id})")
    print("store this key now; it is not shown again:")
    print(created.key)


def keys_set(
    prefix: Annotated[str, typer.Argument(metavar="KEY_PREFIX")],
    error_format: Annotated[
        str,
        typer.Option(
            metavar="object|string|default",
            help=_FORMAT_HELP + "; 'default' follows the server's LOOKSMITH_ERROR_FORMAT",
        ),
    ],
) -> None:
    """Set the error format of the tenant whose key starts with KEY_PREFIX."""
    chosen = _error_format_given(error_format, (*_FORMATS, "default"))
    settings = _settings()
    tenant = _key_service(settings).set_error_format(prefix=prefix, error_format=chosen)
    shown = _error_format_shown(tenant.error_format, settings.error_format)
    print(f"tenant {tenant.name!r} ({tenant.id}): error format {shown}")


def keys_list() -> None:
    """List keys by prefix."""
    settings = _settings()
    rows = _key_service(settings).list_keys()
    print(f"{'PREFIX':<12} {'TENANT':<24} {'CREATED':<20} {'REVOKED':<20} ERRORS")
    for record, tenant in rows:
        revoked = _when(record.revoked_at) if record.revoked_at else "-"
        errors = _error_format_shown(tenant.error_format, settings.error_format)
        print(
            f"{record.prefix:<12} {tenant.name[:24]:<24} {_when(record.created_at):<20} "
            f"{revoked:<20} {errors}"
        )


def _error_format_given(value: str, allowed: tuple[str, ...]) -> ErrorFormat | None:
    """The format named on the command line ('default': none of its own); exit 2 otherwise."""
    from looksmith.domain.models import ErrorFormat

    if value not in allowed:
        print(f"error: --error-format must be one of: {', '.join(allowed)}", file=sys.stderr)
        raise typer.Exit(2)
    return None if value == "default" else ErrorFormat(value)


def _error_format_shown(own: str | None, server: str) -> str:
    """The tenant's own error format, or the server's marked as such."""
    return own or f"{server} (server default)"


def keys_revoke(prefix: Annotated[str, typer.Argument(metavar="KEY_PREFIX")]) -> None:
    """Revoke the keys starting with KEY_PREFIX."""
    count = _key_service(_settings()).revoke(prefix=prefix)
    print(f"revoked {count} key(s)")
    if not count:
        raise typer.Exit(1)


def keys_default() -> None:
    """Print the local default key, creating it if needed (for make run)."""
    from looksmith.errors import LooksmithError

    # Keys are stored hashed, so the local convenience key is also kept in plain text, in the
    # data folder, readable by its owner only.
    settings = _settings()
    service = _key_service(settings)
    path = settings.data_dir / DEFAULT_KEY_FILE
    key = path.read_text().strip() if path.exists() else ""
    try:
        service.authenticate(key=key)
    except LooksmithError:
        key = service.create_tenant(name="default").key
        path.write_text(key + "\n")
        path.chmod(0o600)
    print(key)


def _limit_service(settings: Settings) -> LimitService:
    from looksmith.composition.operator import limit_service

    return limit_service(settings)


Tenant = Annotated[str, typer.Option(metavar="NAME_OR_ID", help="the tenant's name or id")]


def limits_show(tenant: Tenant) -> None:
    """A tenant's limits and usage."""
    _print_limits(_limit_service(_settings()).view(tenant=tenant))


def limits_set(
    tenant: Tenant,
    rps: Annotated[float | None, typer.Option(help="write requests per second")] = None,
    burst: Annotated[int | None, typer.Option(help="write requests in a burst")] = None,
    max_running: Annotated[int | None, typer.Option(help="jobs running at once")] = None,
    max_queued: Annotated[int | None, typer.Option(help="queued plus running jobs")] = None,
    max_images: Annotated[int | None, typer.Option(help="stored images")] = None,
    reset: Annotated[bool, typer.Option(help="drop earlier overrides first")] = False,
) -> None:
    """Override a tenant's limits."""
    from looksmith.domain.limits import TenantLimits

    changes = TenantLimits(
        requests_per_second=rps,
        burst=burst,
        max_running_jobs=max_running,
        max_queued_jobs=max_queued,
        max_images=max_images,
    )
    view = _limit_service(_settings()).set_limits(tenant=tenant, changes=changes, reset=reset)
    _print_limits(view)


def _print_limits(view: LimitsView) -> None:
    def shown(value: int | None) -> str:
        return "unlimited" if value is None else str(value)

    print(f"tenant {view.tenant.name!r} ({view.tenant.id})")
    for klass, rate in view.effective.rates.items():
        print(f"  {klass.value:<7} {rate.per_second:g}/s, burst {rate.burst}")
    limits, usage = view.effective, view.usage
    print(f"  running jobs  {usage.running_jobs} of {shown(limits.max_running_jobs)}")
    queued = usage.queued_jobs + usage.running_jobs
    print(f"  queued jobs   {queued} of {shown(limits.max_queued_jobs)} (queued + running)")
    images = usage.images + usage.pending_images
    print(f"  images        {images} of {shown(limits.max_images)} (stored + being generated)")
    overrides = {name: value for name, value in asdict(view.overrides).items() if value is not None}
    print(f"  overrides     {overrides or 'none'}")


def contact_sheet(
    out: Annotated[Path, typer.Option(help="where to write the PNG")] = Path(
        "docs/contact-sheet.png"
    ),
) -> None:
    """Render the styles x poses contact sheet."""
    from looksmith.composition.operator import contact_sheet_png

    _settings()  # as before: a broken configuration is reported, even here
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(contact_sheet_png())
    print(f"wrote {out}")


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
