"""`python -m bot` without a token: one clear sentence and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    clean.update(HF_HUB_OFFLINE="1", **env)
    # cwd is an empty directory, so no .env file is read.
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_token_it_explains_how_to_get_one(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    message = result.stderr.strip()
    assert message.startswith("TELEGRAM_BOT_TOKEN is not set")
    assert "@BotFather" in message and ".env" in message
    assert len(message.splitlines()) == 1


def test_a_malformed_setting_is_one_sentence_too(tmp_path: Path) -> None:
    result = run_bot(
        tmp_path,
        TELEGRAM_BOT_TOKEN="123456789:AAF-fake-token-for-tests-0123456789abc",
        NEWSBOT_ADMIN_IDS="ada",
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("NEWSBOT_ADMIN_IDS must be Telegram user ids")
