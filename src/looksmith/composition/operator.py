"""What the operator's commands need: the schema brought up to date, keys, limits, the sheet.

Each builds only the adapters it uses; keys and limits on a migrated schema.
"""

from __future__ import annotations

from looksmith.clock import SystemClock
from looksmith.composition.services import build_limit_service
from looksmith.config import Settings
from looksmith.db.engine import build_engine
from looksmith.db.limits import SqlTenantLimits
from looksmith.db.migrate import upgrade
from looksmith.db.repositories import SqlTenantRepository
from looksmith.services.keys import KeyService
from looksmith.services.limits import LimitService


def migrate(settings: Settings) -> None:
    """Bring the database schema up to date."""
    upgrade(settings.sqlalchemy_url)


def key_service(settings: Settings) -> KeyService:
    """Tenants and their keys, on a migrated database."""
    migrate(settings)
    database = build_engine(settings.sqlalchemy_url)
    return KeyService(tenants=SqlTenantRepository(database), clock=SystemClock())


def limit_service(settings: Settings) -> LimitService:
    """Per-tenant limits, on a migrated database."""
    migrate(settings)
    database = build_engine(settings.sqlalchemy_url)
    return build_limit_service(settings, SqlTenantLimits(database), SystemClock())


def contact_sheet_png() -> bytes:
    """The styles x poses contact sheet of the procedural engine, as a PNG."""
    from looksmith.engines.procedural import ProceduralEngine
    from looksmith.engines.procedural.contact_sheet import contact_sheet

    return contact_sheet(ProceduralEngine())
