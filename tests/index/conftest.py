"""Fixtures for engine tests: a fresh data directory and an engine on the fast fake encoder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index import Engine, HashingEncoder, Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_private_urls=True)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    with Engine(settings, encoder=HashingEncoder()) as opened:
        yield opened
