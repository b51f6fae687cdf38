"""Logging set-up that never writes the bot token (httpx and the Bot API put it in every URL)."""

from __future__ import annotations

import logging

__all__ = ["RedactingFormatter", "configure_logging"]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """A formatter that replaces secrets in the whole record, tracebacks included."""

    def __init__(self, secrets: list[str], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        return text


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
