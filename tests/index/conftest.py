"""Fixtures for engine tests: a fresh data directory and an engine on the fast fake encoder.

In a module that sets `BOTH_BACKENDS = True`, every test using the engine (or its settings) runs
once on the embedded store and once on the shared PostgreSQL one, so the two cannot drift
apart (but for tests marked `embedded_only`: the index files of the embedded store);
elsewhere tests run on the embedded store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index import Engine, HashingEncoder, Settings

BACKENDS = ["embedded", "postgresql"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if (
        getattr(metafunc.module, "BOTH_BACKENDS", False)
        and "backend" in metafunc.fixturenames
        and metafunc.definition.get_closest_marker("embedded_only") is None
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "embedded"))


@pytest.fixture
def settings(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Settings:
    database_url = None
    if backend == "postgresql":
        database_url = str(request.getfixturevalue("database_url"))
    return Settings(data_dir=tmp_path / "data", allow_private_urls=True, database_url=database_url)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    with Engine(settings, encoder=HashingEncoder()) as opened:
        yield opened
