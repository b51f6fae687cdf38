"""Logs never contain the bot token, not even in tracebacks of failed requests."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from telegram.error import NetworkError

import bot.__main__ as bot_main
from bot.config import BotSettings
from bot.logs import RedactingFormatter, configure_logging, redact

TOKEN = "123456789:AAF-fake-token-for-tests-0123456789abc"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    httpx_level = logging.getLogger("httpx").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(httpx_level)


def test_the_token_is_redacted_from_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter([TOKEN]))
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
        try:
            raise ConnectionError(f"https://api.telegram.org/bot{TOKEN}/sendMessage failed")
        except ConnectionError:
            log.exception("request failed")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output
    assert "/bot[REDACTED]/getUpdates" in output
    assert "ConnectionError: https://api.telegram.org/bot[REDACTED]/sendMessage failed" in output


@pytest.mark.usefixtures("restore_logging")
def test_configured_logging_mutes_per_request_lines() -> None:
    configure_logging(TOKEN, "INFO")
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    (handler,) = logging.getLogger().handlers
    assert isinstance(handler.formatter, RedactingFormatter)


def test_redact_removes_the_token_however_its_colon_is_written() -> None:
    encoded = TOKEN.replace(":", "%3A")
    text = f"GET http://127.0.0.1/file/bot{encoded}/a.txt and POST /bot{TOKEN}/getMe failed"
    redacted = redact(text, [TOKEN])
    assert TOKEN.split(":")[1] not in redacted
    assert redacted.count("[REDACTED]") == 2


def test_an_unreachable_api_is_reported_without_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The network error quotes the request URL, as httpx errors can; stderr must not.
    url = f"http://127.0.0.1:9/bot{TOKEN}/getMe"

    class Unreachable:
        def run_polling(self, **kwargs: object) -> None:
            raise NetworkError(f"httpx.ConnectError: cannot connect to {url}")

    settings = BotSettings(token=SecretStr(TOKEN), api_base_url="http://127.0.0.1:9/bot")
    monkeypatch.setattr(BotSettings, "from_env", lambda: settings)
    monkeypatch.setattr(bot_main, "build_application", lambda settings: Unreachable())
    monkeypatch.setattr(bot_main, "configure_logging", lambda token, level: None)

    assert bot_main.main() == 1
    err = capsys.readouterr().err
    assert err.startswith("Could not reach the Telegram Bot API at http://127.0.0.1:9/bot")
    assert TOKEN.split(":")[1] not in err and "[REDACTED]" in err
