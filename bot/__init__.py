"""The Telegram front end of newsbot: readers ask, admins add articles, answers are quotes."""

from __future__ import annotations

from bot.app import build_application
from bot.config import BotSettings

__all__ = ["BotSettings", "build_application"]
