"""`python -m bot` as an operator runs it: polls the (fake) Bot API, answers, stops on Ctrl-C,
and never writes the token to its log, even at DEBUG level."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import READER, ask
from tests.support.fake_telegram import TOKEN, FakeTelegram


@pytest.mark.slow
async def test_python_m_bot_runs_answers_and_stops_cleanly(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    env.update(
        HF_HUB_OFFLINE="1",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=telegram.base_url,
        NEWSBOT_ADMIN_IDS="1001",
        NEWSBOT_DATA_DIR=str(tmp_path / "data"),
        NEWSBOT_LOG_LEVEL="DEBUG",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Polling starts at once, while the model is still loading in the background.
        await telegram.wait_for("getMe", timeout=30)
        await telegram.wait_for("setMyCommands", timeout=30)
        (welcome,) = await ask(telegram, READER, "/start")
        assert "exact quotes" in welcome.text
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Application started" in stderr  # the log is really there, at DEBUG level
    assert TOKEN not in stdout + stderr
    assert TOKEN.split(":")[1] not in stdout + stderr
