"""The bot's pure modules stay light: importing them never loads FAISS, torch or the engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ["faiss", "torch", "sentence_transformers", "index.engine", "bot.app"]


@pytest.mark.parametrize("module", ["bot", "bot.render", "bot.render_feeds", "bot.messages"])
def test_a_pure_module_loads_nothing_heavy(module: str) -> None:
    check = (
        f"import sys, {module}\nprint(','.join(name for name in {HEAVY!r} if name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""


def test_the_public_names_still_resolve() -> None:
    import bot
    from bot.app import build_application
    from bot.config import BotSettings

    assert bot.build_application is build_application
    assert bot.BotSettings is BotSettings


def test_the_bot_starts_polling_without_loading_the_search_libraries(tmp_path: Path) -> None:
    # `python -m bot` polls at once and builds and opens the engine in a thread: FAISS, the
    # model's runtime, numpy and the engine's own modules and (on the embedded store) the
    # PostgreSQL driver load there, not before the first poll.
    late = [
        "faiss",
        "torch",
        "sentence_transformers",
        "onnxruntime",
        "tantivy",
        "psycopg",
        "numpy",
        "index.engine",
        "index.search",
        "index.answer",
    ]
    check = (
        "import sys, bot.__main__\n"
        "from bot.config import BotSettings\n"
        "application = bot.__main__.build_application(BotSettings.from_env())\n"
        "assert application.bot_data.engine.data_dir.name == 'data'\n"
        f"print(','.join(n for n in {late!r} if n in sys.modules))"
    )
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123456789:" + "A" * 35,
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("NEWSBOT_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", check],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
