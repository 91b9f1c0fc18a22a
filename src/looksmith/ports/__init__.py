"""The roles services depend on and adapters play, one module per role.

``repositories`` (durable records), ``jobs`` (the job queue and workers), ``media`` (blobs,
links, engines, image and face inspection), ``delivery`` (status events and webhooks), ``clock``
and ``limits`` (request rate counters). Ports import only ``looksmith.domain``; import them
from their module, e.g. ``from looksmith.ports.media import BlobStore``.
"""
