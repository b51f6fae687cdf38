"""Logs never contain the bot token, not even in tracebacks of failed requests."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import RedactingFormatter, configure_logging

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
