"""Choosing the engine: the default never imports torch; a missing extra is a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from looksmith.domain.specs import (
    Age,
    Ethnicity,
    Gender,
    LookSpec,
    Orientation,
    PhotoSpec,
    Pose,
    Style,
)
from looksmith.engines.diffusers import INSTALL_HINT
from looksmith.engines.diffusers.engine import adapter_metadata, image_seed
from looksmith.engines.diffusers.prompts import look_prompt, negative_prompt, photo_prompt
from looksmith.engines.procedural import ProceduralEngine
from looksmith.errors import PermanentJobError
from tests.diffusers.conftest import require_extra
from tests.support.photos import astronaut_jpeg


def run_python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "LOOKSMITH_DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_default_engine_never_imports_torch(tmp_path: Path):
    code = (
        "import sys\n"
        "from looksmith.api.app import create_app\n"
        "from looksmith.config import Settings\n"
        "from looksmith.db.migrate import upgrade\n"
        "settings = Settings()\n"
        "upgrade(settings.sqlalchemy_url)\n"
        "app = create_app(settings)\n"
        "assert app.title\n"
        "heavy = ('torch', 'diffusers', 'transformers', 'peft', 'accelerate', 'safetensors')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_diffusers_engine_without_the_extra_gives_the_install_hint(tmp_path: Path):
    # torch set to None in sys.modules: ``import torch`` fails as if it were not installed.
    code = (
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "from looksmith.cli import main\n"
        "sys.exit(main(['serve', '--port', '1']))\n"
    )
    result = run_python(
        code,
        tmp_path,
        LOOKSMITH_ENGINE="diffusers",
        LOOKSMITH_DIFFUSERS__MODEL=str(tmp_path / "model"),
    )
    assert result.returncode == 2
    assert INSTALL_HINT in result.stderr
    assert "torch" in result.stderr
    assert "Traceback" not in result.stderr


def test_diffusers_engine_without_a_model_is_a_configuration_error(tmp_path: Path):
    code = "import sys\nfrom looksmith.cli import main\nsys.exit(main(['serve', '--port', '1']))\n"
    result = run_python(code, tmp_path, LOOKSMITH_ENGINE="diffusers")
    assert result.returncode == 2
    assert "LOOKSMITH_DIFFUSERS__MODEL is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_engine_is_named_with_the_choices(tmp_path: Path):
    code = "import sys\nfrom looksmith.cli import main\nsys.exit(main(['serve', '--port', '1']))\n"
    result = run_python(code, tmp_path, LOOKSMITH_ENGINE="dalle")
    assert result.returncode == 2
    assert "unknown engine 'dalle'; available: procedural, diffusers" in result.stderr


def spec(**changes: object) -> PhotoSpec:
    values: dict[str, object] = {
        "age": Age.SENIOR,
        "gender": Gender.WOMAN,
        "ethnicity": Ethnicity.EAST_ASIAN,
        "orientation": Orientation.SQUARE,
        "pose": Pose.CLOSE_UP,
        "style": Style.NOIR,
        "appearance": "red hoodie, glasses",
    }
    values.update(changes)
    return PhotoSpec(**values)  # type: ignore[arg-type]


def test_photo_prompt_carries_every_attribute():
    prompt = photo_prompt(spec())
    assert prompt == (
        "black and white film noir photograph, close-up headshot, face filling the frame, "
        "senior east asian woman, red hoodie, glasses, high contrast, hard shadows"
    )
    unspecified = photo_prompt(
        spec(age=Age.UNSPECIFIED, gender=Gender.UNSPECIFIED, ethnicity=Ethnicity.UNSPECIFIED)
    )
    assert ", person, " in unspecified
    assert "full-body shot" in photo_prompt(spec(pose=Pose.FULL_BODY))


def test_look_prompt_names_the_identity_token_and_negative_prompt_follows_the_style():
    look = LookSpec(
        prompt="green dress",
        orientation=Orientation.VERTICAL,
        pose=Pose.HALF_BODY,
        style=Style.PIXAR,
    )
    assert look_prompt(look, "ohwx").startswith(
        "3d animated character render, pixar style, half-body portrait, from the waist up, "
        "photo of ohwx person, green dress"
    )
    assert negative_prompt(Style.PIXAR).endswith(", photograph")
    assert "cartoon" in negative_prompt(Style.REALISTIC)
    assert "cartoon" not in negative_prompt(Style.NOIR)


def test_image_seeds_are_stable_and_distinct():
    seeds = [image_seed(1234, i) for i in range(4)]
    assert seeds == [image_seed(1234, i) for i in range(4)]
    assert len(set(seeds)) == 4
    assert seeds != [image_seed(1235, i) for i in range(4)]
    assert all(0 <= seed < 2**31 for seed in seeds)


def test_an_identity_from_another_engine_is_refused():
    from looksmith.domain.specs import FaceBox, TrainingPhoto

    procedural = ProceduralEngine().train(
        [TrainingPhoto(astronaut_jpeg(), FaceBox(170, 40, 120, 150))], seed=1
    )
    for identity in (procedural, b"", b"\x05\x00\x00\x00\x00\x00\x00\x00{}"):
        with pytest.raises(PermanentJobError, match="train the group again"):
            adapter_metadata(identity)


def test_a_missing_model_folder_is_a_configuration_error(tmp_path: Path):
    require_extra()
    code = "import sys\nfrom looksmith.cli import main\nsys.exit(main(['serve', '--port', '1']))\n"
    result = run_python(
        code,
        tmp_path,
        LOOKSMITH_ENGINE="diffusers",
        LOOKSMITH_DIFFUSERS__MODEL=str(tmp_path / "no-such-model"),
    )
    assert result.returncode == 2
    assert "no model folder at" in result.stderr
    assert "Traceback" not in result.stderr
