"""Which envelope an error answer takes: by route family first, then by the caller's tenant.

``/v1/*`` routes and the v1-envelope deletes always answer HeyGen's v1 form. Elsewhere a request
whose key checks out answers in its tenant's error format, if the tenant chose one, and every other
request (no key, an unknown key) in the server's ``LOOKSMITH_ERROR_FORMAT``. The rule is the same
wherever the error is raised: in a route, in the auth dependency (429), or in middleware that runs
before it (413, 409), which looks the key up itself.
"""

from __future__ import annotations

import logging
import re
from enum import StrEnum

from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from looksmith.api.http.headers import read_api_key
from looksmith.domain.models import ErrorFormat
from looksmith.services.keys import KeyService

log = logging.getLogger(__name__)

# Where the auth dependency leaves the caller's format on ``request.state`` (the scope's state).
STATE_KEY = "error_format"

# The deletes whose success is HeyGen's v1 envelope, so their errors are v1 bodies too.
_V1_DELETE = re.compile(r"/v2/(?:photo_avatar|photo_avatar_group|avatar_group)/[^/]+")


class Envelope(StrEnum):
    """The three error bodies: HeyGen's v1 form, and the two v2 forms (string or object)."""

    V1 = "v1"
    STRING = "string"
    OBJECT = "object"


def is_v1_route(method: str, path: str) -> bool:
    """Whether HeyGen answers this route in its v1 form: ``/v1/*`` and the v1-envelope deletes."""
    if path.startswith("/v1/"):
        return True
    return method == "DELETE" and _V1_DELETE.fullmatch(path) is not None


def record_error_format(scope: Scope, error_format: ErrorFormat | None) -> None:
    """Remember, for this request, that its tenant is known and which format it chose."""
    scope.setdefault("state", {})[STATE_KEY] = error_format


class ErrorEnvelopes:
    """Picks the envelope of each error answer."""

    def __init__(self, *, keys: KeyService, default: ErrorFormat) -> None:
        self._keys = keys
        self._default = default

    async def of(self, scope: Scope, *, ask_database: bool = True) -> Envelope:
        """The envelope for an error answered to this request.

        ``ask_database=False`` (the database is down, or a bug is being answered) settles for a
        key checked recently, so that answering an error never waits on the database.
        """
        if is_v1_route(scope["method"], scope["path"]):
            return Envelope.V1
        return Envelope(await self._error_format(scope, ask_database=ask_database))

    async def _error_format(self, scope: Scope, *, ask_database: bool) -> ErrorFormat:
        state = scope.get("state") or {}
        if STATE_KEY in state:  # the auth dependency already knows the tenant
            return state[STATE_KEY] or self._default
        key = read_api_key(scope)
        caller = self._keys.cached_caller(key)
        if caller is None and key and ask_database:
            try:
                caller = await run_in_threadpool(self._keys.caller, key=key)
            except Exception:  # an unknown key, or a database gone: the error itself matters more
                log.debug("no tenant for an error answer", exc_info=True)
        if caller is None:
            return self._default
        record_error_format(scope, caller.error_format)
        return caller.error_format or self._default
