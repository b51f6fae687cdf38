"""The Telegram front end of newsbot: readers ask, admins add articles, answers are quotes.

`build_application` and `BotSettings` are imported on first use, so importing a pure module such
as `bot.render` or `bot.messages` never loads the engine (FAISS, torch) or the settings loader.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.app import build_application
    from bot.config import BotSettings

__all__ = ["BotSettings", "build_application"]

_LAZY = {"BotSettings": "bot.config", "build_application": "bot.app"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
