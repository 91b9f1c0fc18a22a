"""Running ``python -m looksmith`` as the operator does, on a data directory of the test's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COMMAND = [sys.executable, "-m", "looksmith"]


def run(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LOOKSMITH_")}
    return subprocess.run(
        [*COMMAND, *args],
        env={**clean, "LOOKSMITH_DATA_DIR": str(data_dir), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
