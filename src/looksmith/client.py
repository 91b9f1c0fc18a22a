"""The client SDK under its old name: kept so ``from looksmith.client import ...`` keeps working;
new code imports ``looksmith_client`` (the ``looksmith-client`` distribution)."""

from looksmith_client import *  # noqa: F403
from looksmith_client import __all__ as __all__
