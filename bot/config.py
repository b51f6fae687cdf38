"""Bot settings read once from the environment and `.env`: the token, admins, API server, limits.

The engine's own `NEWSBOT_*` settings are read by `index.Settings` and carried along here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from index import Settings, SettingsError

__all__ = ["NO_TOKEN_MESSAGE", "BotSettings", "file_url_for", "parse_admin_ids"]

NO_TOKEN_MESSAGE = (
    "TELEGRAM_BOT_TOKEN is not set: create a bot by talking to @BotFather in Telegram (/newbot), "
    "then put the token it gives you in the .env file as TELEGRAM_BOT_TOKEN=123456789:AA… "
    "(or export it in the environment) and start the bot again."
)
# BotFather tokens are "<bot id>:<35 url-safe characters>"; checking the shape catches a
# truncated paste before Telegram answers with a bare "Unauthorized".
_TOKEN_SHAPE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


def parse_admin_ids(value: str) -> frozenset[int]:
    """Telegram user ids from a comma- (or space-) separated list; anything else is refused."""
    ids: set[int] = set()
    for part in re.split(r"[,\s]+", value.strip()):
        if not part:
            continue
        if not part.isdigit() or int(part) <= 0:
            raise SettingsError(
                "NEWSBOT_ADMIN_IDS must be Telegram user ids (whole numbers) separated by commas, "
                f"like 123456789,987654321; {part!r} is not one."
            )
        ids.add(int(part))
    return frozenset(ids)


def _positive_number(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {value!r}.") from None
    if number <= 0:
        raise SettingsError(f"{name} must be positive, not {value!r}.")
    return number


def _url(name: str, value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value):
        raise SettingsError(f"{name} must be an http(s) URL like http://127.0.0.1:8081/bot.")
    return value.rstrip("/")


def file_url_for(api_base_url: str) -> str:
    """The file URL of a Bot API server whose method URL is `…/bot`, as the server lays them out."""
    if api_base_url.endswith("/bot"):
        return api_base_url[: -len("bot")] + "file/bot"
    return api_base_url + "/file/bot"


@dataclass(frozen=True)
class BotSettings:
    """Everything `build_application` needs; see `.env.example` for each variable."""

    token: str
    admin_ids: frozenset[int] = frozenset()
    # A self-hosted Bot API server (`telegram-bot-api --local`) or a test double; None = Telegram.
    api_base_url: str | None = None
    api_base_file_url: str | None = None
    # Each user may ask `rate_limit_questions` questions at once, refilled over this many seconds.
    rate_limit_questions: int = 5
    rate_limit_seconds: float = 60.0
    log_level: str = "INFO"
    # Progress edits of a status message are spaced this far apart (Telegram limits edit rates).
    progress_interval: float = 1.0
    engine: Settings = field(default_factory=Settings)

    @classmethod
    def from_env(cls, env_file: str | os.PathLike[str] | None = ".env") -> BotSettings:
        """Settings from the environment, with `.env` filling in what the environment lacks."""
        # The engine loads `.env` into the environment first, so both layers see the same file.
        engine = Settings.from_env(env_file)
        if engine.encoder_threads is None:
            # One torch thread: an ingest and a question encoding at once on all cores slow
            # each other down badly, and a question must stay fast while an article is added.
            engine = replace(engine, encoder_threads=1)
        env = os.environ
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise SettingsError(NO_TOKEN_MESSAGE)
        if not _TOKEN_SHAPE.match(token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (it should look like "
                "123456789:AAE…, about 46 characters); copy it again from @BotFather."
            )
        api_base_url: str | None = None
        api_base_file_url: str | None = None
        if value := env.get("TELEGRAM_API_BASE_URL", "").strip():
            api_base_url = _url("TELEGRAM_API_BASE_URL", value)
            api_base_file_url = file_url_for(api_base_url)
        if value := env.get("TELEGRAM_API_BASE_FILE_URL", "").strip():
            api_base_file_url = _url("TELEGRAM_API_BASE_FILE_URL", value)
        questions = cls.rate_limit_questions
        if value := env.get("NEWSBOT_RATE_LIMIT_QUESTIONS", "").strip():
            if not value.isdigit() or int(value) <= 0:
                raise SettingsError(
                    f"NEWSBOT_RATE_LIMIT_QUESTIONS must be a positive whole number, not {value!r}."
                )
            questions = int(value)
        seconds = cls.rate_limit_seconds
        if value := env.get("NEWSBOT_RATE_LIMIT_SECONDS", "").strip():
            seconds = _positive_number("NEWSBOT_RATE_LIMIT_SECONDS", value)
        log_level = cls.log_level
        if value := env.get("NEWSBOT_LOG_LEVEL", "").strip():
            if value.upper() not in _LOG_LEVELS:
                raise SettingsError(
                    f"NEWSBOT_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {value!r}."
                )
            log_level = value.upper()
        return cls(
            token=token,
            admin_ids=parse_admin_ids(env.get("NEWSBOT_ADMIN_IDS", "")),
            api_base_url=api_base_url,
            api_base_file_url=api_base_file_url,
            rate_limit_questions=questions,
            rate_limit_seconds=seconds,
            log_level=log_level,
            engine=engine,
        )

    @property
    def data_dir(self) -> Path:
        return self.engine.data_dir
