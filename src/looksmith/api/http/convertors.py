"""Path convertors: an object id in a path is 32 lowercase hex characters or no match at all."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class HexIdConvertor(Convertor[str]):
    """Matches object ids only, so ``/v2/photo_avatar/upload`` stays an unknown route (404)."""

    regex = "[0-9a-f]{32}"

    def convert(self, value: str) -> str:
        """The id as it came."""
        return value

    def to_string(self, value: str) -> str:
        """The id as it goes into a URL."""
        return value


register_url_convertor("hex32", HexIdConvertor())
