"""Schemathesis over the whole OpenAPI document: no 5xx, every response matches its schema.

Bounded: a fixed number of examples per operation, derandomized, in-process over ASGI.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

from looksmith.api.app import create_app
from looksmith.config import Settings
from looksmith.db.migrate import upgrade


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    app_settings = Settings(data_dir=tmp_path_factory.mktemp("fuzz"))
    upgrade(app_settings.sqlalchemy_url)
    app = create_app(app_settings)
    yield app
    app.state.container.database.dispose()


@pytest.fixture(scope="module")
def fuzz_key(fuzz_app: FastAPI) -> str:
    return str(fuzz_app.state.container.keys.create_tenant(name="fuzz").key)


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_app: FastAPI) -> object:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_document(case, fuzz_key: str):
    case.call_and_validate(headers={"x-api-key": fuzz_key})
