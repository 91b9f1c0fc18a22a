"""The file of a ``multipart/form-data`` upload, read in one linear pass.

Some HeyGen clients post ``POST /v1/asset`` as a form with one part named ``file`` instead of the
raw bytes. Only the form's own parts are looked at (a part is never parsed as a form of its own),
their count and header size are capped, and only each part's short header block goes through the
standard library's header parser, so no body can make the parse deep or slow.
"""

from __future__ import annotations

from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import HTTP

from looksmith.domain.media import sniff_audio_video
from looksmith.errors import InvalidParameter

FORM_TYPE = "multipart/form-data"
MAX_PARTS = 16
MAX_PART_HEADER_BYTES = 4096
# Types a client's form library gives a file it cannot name; the bytes decide those.
_UNNAMED_TYPES = frozenset({"application/octet-stream", "text/plain"})


def is_form(content_type: str | None) -> bool:
    """Whether the request body is a multipart form."""
    return (content_type or "").split(";")[0].strip().lower() == FORM_TYPE


def file_from_form(body: bytes, content_type: str) -> tuple[bytes, str]:
    """The ``file`` part's bytes and media type; a part without a usable type (none, or
    ``application/octet-stream``) is typed by its bytes, and an image's decoder decides which."""
    delimiter = b"--" + _boundary(content_type)
    sections = body.split(delimiter)
    if len(sections) > MAX_PARTS + 2:
        raise InvalidParameter("file", f"the form has more than {MAX_PARTS} parts")
    for section in sections[1:]:
        if section.startswith(b"--"):  # the closing delimiter
            break
        head, found, data = section.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not found or len(head) > MAX_PART_HEADER_BYTES:
            raise InvalidParameter("file", "the form's parts could not be read")
        headers = _headers(head)
        if headers.get_param("name", header="content-disposition") == "file":
            data = data.removesuffix(b"\r\n")
            declared = headers.get_content_type()
            if "content-type" not in headers or declared in _UNNAMED_TYPES:
                declared = sniff_audio_video(data) or "image/jpeg"
            return data, declared
    raise InvalidParameter("file", "is required: send the file as the form part named file")


def _boundary(content_type: str) -> bytes:
    header = Message(policy=HTTP)
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not 1 <= len(boundary) <= 70:
        raise InvalidParameter("content-type", "a multipart form needs a boundary")
    return boundary.encode("latin-1", errors="replace")


def _headers(head: bytes) -> Message:
    return BytesHeaderParser(policy=HTTP).parsebytes(head + b"\r\n\r\n")
