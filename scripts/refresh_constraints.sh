#!/usr/bin/env bash
# Re-resolve every dependency from pyproject.toml's ranges in a throwaway venv and write the
# exact versions to constraints.txt, which `make` and CI install with (`make constraints`).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$PYTHON" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --upgrade pip
# torch is the one exact pin: a newer or unpinned one pulls a multi-gigabyte CUDA build.
"$scratch/venv/bin/python" -m pip install --quiet 'torch==2.13.0'
"$scratch/venv/bin/python" -m pip install --quiet -e clients/python -e '.[dev,diffusers]' 'torch==2.13.0'
{
    echo "# Exact versions that make and CI install with (pip install -c constraints.txt ...)."
    echo "# Written by scripts/refresh_constraints.sh (make constraints); edit pyproject.toml's"
    echo "# ranges, not this file. torch's local label (+cpu, +cu128) is dropped so that any"
    echo "# build of the pinned release satisfies it."
    "$scratch/venv/bin/python" -m pip freeze --exclude-editable | sed -E 's/^(torch==[^+]+)\+.*/\1/'
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) pins"
