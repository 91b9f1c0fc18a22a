"""The operator's command line: serve, migrate, keys, contact-sheet."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from looksmith.clock import SystemClock
from looksmith.config import QueueKind, Settings
from looksmith.db.engine import build_engine
from looksmith.db.migrate import upgrade
from looksmith.db.repositories import SqlTenantRepository
from looksmith.errors import LooksmithError
from looksmith.logs import configure_logging
from looksmith.services.keys import KeyService
from looksmith.services.limits import LimitService, LimitsView, TenantLimits

DEFAULT_KEY_FILE = "default-api-key"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        for error in exc.errors():
            print(f"configuration error: {error['msg']}", file=sys.stderr)
        return 2
    handler: Callable[[Settings, argparse.Namespace], int] = args.handler
    try:
        return handler(settings, args)
    except LooksmithError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="looksmith", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate, then serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.add_argument(
        "--processes",
        type=int,
        default=1,
        help="API processes (needs LOOKSMITH_QUEUE__KIND=celery and a public base URL)",
    )
    serve.set_defaults(handler=_serve)

    worker = commands.add_parser(
        "worker", help="run a Celery worker (LOOKSMITH_QUEUE__KIND=celery)"
    )
    worker.add_argument(
        "--concurrency", type=int, default=None, help="jobs at once (default: workers)"
    )
    worker.set_defaults(handler=_worker)

    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(
        handler=_migrate
    )

    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(
        required=True, metavar="ACTION"
    )
    create = keys.add_parser("create", help="create a tenant with one key; prints the key last")
    create.add_argument("--name", required=True)
    create.set_defaults(handler=_keys_create)
    keys.add_parser("list", help="list keys by prefix").set_defaults(handler=_keys_list)
    revoke = keys.add_parser("revoke", help="revoke the keys starting with KEY_PREFIX")
    revoke.add_argument("prefix", metavar="KEY_PREFIX")
    revoke.set_defaults(handler=_keys_revoke)
    default = keys.add_parser(
        "default", help="print the local default key, creating it if needed (for make run)"
    )
    default.set_defaults(handler=_keys_default)

    limits = commands.add_parser("limits", help="per-tenant rate limits and quotas")
    limit_actions = limits.add_subparsers(required=True, metavar="ACTION")
    show = limit_actions.add_parser("show", help="a tenant's limits and usage")
    show.add_argument("--tenant", required=True, metavar="NAME_OR_ID")
    show.set_defaults(handler=_limits_show)
    change = limit_actions.add_parser("set", help="override a tenant's limits")
    change.add_argument("--tenant", required=True, metavar="NAME_OR_ID")
    change.add_argument("--rps", type=float, help="write requests per second")
    change.add_argument("--burst", type=int, help="write requests in a burst")
    change.add_argument("--max-running", type=int, help="jobs running at once")
    change.add_argument("--max-queued", type=int, help="queued plus running jobs")
    change.add_argument("--max-images", type=int, help="stored images")
    change.add_argument("--reset", action="store_true", help="drop earlier overrides first")
    change.set_defaults(handler=_limits_set)

    sheet = commands.add_parser("contact-sheet", help="render the styles x poses contact sheet")
    sheet.add_argument("--out", type=Path, default=Path("docs/contact-sheet.png"))
    sheet.set_defaults(handler=_contact_sheet)
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from looksmith.api.app import create_app
    from looksmith.container import build_container

    configure_logging()
    upgrade(settings.sqlalchemy_url)
    options: dict[str, Any] = {
        "log_config": None,  # our JSON logging, set up above
        "host": args.host,
        "port": args.port,
        "access_log": args.access_log,
        "log_level": "info",
        "timeout_graceful_shutdown": 10,
    }
    if args.processes > 1:
        if settings.queue.kind is not QueueKind.CELERY or not settings.public_base_url:
            print(
                "error: --processes needs LOOKSMITH_QUEUE__KIND=celery (in-process workers would "
                "compete for jobs) and LOOKSMITH_PUBLIC_BASE_URL",
                file=sys.stderr,
            )
            return 2
        target = "looksmith.api.asgi:create_from_env"
        uvicorn.run(target, factory=True, workers=args.processes, **options)
        return 0
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    container = build_container(settings, default_base_url=f"http://{shown_host}:{args.port}")
    uvicorn.run(create_app(settings, container=container), **options)
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from looksmith.container import build_container
    from looksmith.db.workers import SqlWorkerRegistry
    from looksmith.queue.celery_worker import CeleryJobWorker

    if settings.queue.kind is not QueueKind.CELERY:
        print(
            "error: set LOOKSMITH_QUEUE__KIND=celery and LOOKSMITH_QUEUE__BROKER_URL",
            file=sys.stderr,
        )
        return 2
    upgrade(settings.sqlalchemy_url)
    container = build_container(settings)
    assert container.celery is not None
    worker = CeleryJobWorker(
        app=container.celery,
        jobs=container.jobs,
        runner=container.runner,
        registry=SqlWorkerRegistry(container.database),
        clock=container.clock,
        lease_seconds=settings.job_lease_seconds,
        sweep_seconds=settings.queue.sweep_seconds,
        redeliver_seconds=settings.queue.redispatch_seconds,
    )
    # Each worker process also sends webhooks; leases keep two workers off the same delivery.
    container.deliverer.start()
    try:
        worker.main(concurrency=args.concurrency or settings.workers)
    finally:
        container.deliverer.stop()
    return 0


def _migrate(settings: Settings, _: argparse.Namespace) -> int:
    upgrade(settings.sqlalchemy_url)
    print("database is up to date")
    return 0


def _key_service(settings: Settings) -> KeyService:
    upgrade(settings.sqlalchemy_url)
    return KeyService(
        tenants=SqlTenantRepository(build_engine(settings.sqlalchemy_url)), clock=SystemClock()
    )


def _keys_create(settings: Settings, args: argparse.Namespace) -> int:
    created = _key_service(settings).create_tenant(name=args.name)
    print(f"created tenant {created.tenant.name!r} ({created.tenant.id})")
    print("store this key now; it is not shown again:")
    print(created.key)
    return 0


def _keys_list(settings: Settings, _: argparse.Namespace) -> int:
    rows = _key_service(settings).list_keys()
    print(f"{'PREFIX':<12} {'TENANT':<24} {'CREATED':<20} REVOKED")
    for record, tenant in rows:
        revoked = _when(record.revoked_at) if record.revoked_at else "-"
        print(
            f"{record.prefix:<12} {tenant.name[:24]:<24} {_when(record.created_at):<20} {revoked}"
        )
    return 0


def _keys_revoke(settings: Settings, args: argparse.Namespace) -> int:
    count = _key_service(settings).revoke(prefix=args.prefix)
    print(f"revoked {count} key(s)")
    return 0 if count else 1


def _keys_default(settings: Settings, _: argparse.Namespace) -> int:
    # Keys are stored hashed, so the local convenience key is also kept in plain text, in the
    # data folder, readable by its owner only.
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
    return 0


def _limit_service(settings: Settings) -> LimitService:
    from looksmith.container import build_limit_service

    upgrade(settings.sqlalchemy_url)
    return build_limit_service(settings, build_engine(settings.sqlalchemy_url), SystemClock())


def _limits_show(settings: Settings, args: argparse.Namespace) -> int:
    _print_limits(_limit_service(settings).view(tenant=args.tenant))
    return 0


def _limits_set(settings: Settings, args: argparse.Namespace) -> int:
    changes = TenantLimits(
        requests_per_second=args.rps,
        burst=args.burst,
        max_running_jobs=args.max_running,
        max_queued_jobs=args.max_queued,
        max_images=args.max_images,
    )
    view = _limit_service(settings).set_limits(
        tenant=args.tenant, changes=changes, reset=args.reset
    )
    _print_limits(view)
    return 0


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


def _contact_sheet(_: Settings, args: argparse.Namespace) -> int:
    from looksmith.engines.procedural import ProceduralEngine
    from looksmith.engines.procedural.contact_sheet import contact_sheet

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(contact_sheet(ProceduralEngine()))
    print(f"wrote {args.out}")
    return 0


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
