"""Logging set-up that never writes the bot token (httpx and the Bot API put it in every URL)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

__all__ = ["RedactingFormatter", "configure_logging", "redact"]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[REDACTED]"


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` without the secrets; a bot token's secret half goes too, however its
    `id:` prefix was written (file URLs percent-encode the colon)."""
    for secret in secrets:
        if not secret:
            continue
        text = text.replace(secret, REDACTED)
        _, colon, half = secret.partition(":")
        if colon and half:
            text = text.replace(half, REDACTED)
    return text


class RedactingFormatter(logging.Formatter):
    """A formatter that replaces secrets in the whole record, tracebacks included."""

    def __init__(self, secrets: list[str], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets)


def configure_logging(token: str, level: str = "INFO") -> None:
    """Log to stderr at `level`, with the token redacted and httpx's per-request lines muted."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter([token]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token; the formatter
    # would redact it, but a line per long-poll is noise anyway.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
