"""Fixtures for end-to-end tests: the fake Bot API, a local article server, and the real bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import NewsbotApp, build_application
from bot.config import BotSettings
from index import Engine, HashingEncoder, Settings
from tests.e2e.article_server import ArticleServer
from tests.e2e.harness import ADMIN, StartBot, running
from tests.support.fake_telegram import TOKEN, FakeTelegram


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def web() -> Iterator[ArticleServer]:
    with ArticleServer() as server:
        yield server


@pytest.fixture
def engine_settings(tmp_path: Path) -> Settings:
    # The article server is on loopback, which the fetch guard refuses unless told otherwise.
    return Settings(data_dir=tmp_path / "data", allow_private_urls=True, fetch_timeout=5.0)


@pytest.fixture
def engine(engine_settings: Settings) -> Engine:
    return Engine(engine_settings, encoder=HashingEncoder())


@pytest.fixture
async def start_bot(telegram: FakeTelegram, engine: Engine) -> AsyncIterator[StartBot]:
    """Start the real bot against the fake Bot API; keyword arguments override settings."""
    async with AsyncExitStack() as stack:

        async def start(engine: Engine = engine, **overrides: Any) -> NewsbotApp:
            settings = BotSettings(
                token=SecretStr(TOKEN),
                admin_ids=frozenset({ADMIN["id"]}),
                api_base_url=telegram.base_url,
                api_base_file_url=telegram.base_file_url,
                rate_limit_questions=1000,
                progress_interval=0.0,
                engine=engine.settings,
            )
            settings = replace(settings, **overrides)
            return await stack.enter_async_context(running(build_application(settings, engine)))

        yield start


@pytest.fixture
async def bot(start_bot: StartBot) -> NewsbotApp:
    """The bot with the default test settings (admin ADMIN, fast HashingEncoder engine)."""
    return await start_bot()
