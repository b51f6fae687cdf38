"""A deferred `AsyncEngine` builds its engine only when first used, so a bot can poll first."""

from __future__ import annotations

from pathlib import Path

from index import AsyncEngine, Engine, HashingEncoder, Settings


async def test_a_deferred_engine_is_built_on_first_use_and_not_by_closing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    engine = AsyncEngine.deferred(settings)
    # What the bot reads before the engine opens needs no engine.
    assert engine.data_dir == tmp_path / "data"
    assert engine.settings is settings
    await engine.close()  # shutting down before it was ever built: nothing to close or create
    assert not (tmp_path / "data").exists()


async def test_a_built_engine_is_wrapped_as_is(tmp_path: Path) -> None:
    sync = Engine(Settings(data_dir=tmp_path / "data"), HashingEncoder())
    engine = await AsyncEngine(sync).open()
    assert engine.sync is sync
    assert (await engine.stats()).articles == 0
    await engine.close()
    assert not sync.is_open
