"""Bot settings: the token, admins, Bot API server and limits, read with the engine's in one go.

`BotEnv` extends the engine's loader (`index.settings.EngineEnv`) with the bot's variables, so
the environment and `.env` are read once and both layers see the same values, without `.env`
ever being copied into the process environment.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from index import Settings, SettingsError
from index.settings import EngineEnv

__all__ = ["NO_TOKEN_MESSAGE", "BotEnv", "BotSettings", "file_url_for", "parse_admin_ids"]

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


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _url(name: str, value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if not re.match(r"^https?://[^\s/]+", text):
        raise SettingsError(f"{name} must be an http(s) URL like http://127.0.0.1:8081/bot.")
    return text.rstrip("/")


def file_url_for(api_base_url: str) -> str:
    """The file URL of a Bot API server whose method URL is `…/bot`, as the server lays them out."""
    if api_base_url.endswith("/bot"):
        return api_base_url[: -len("bot")] + "file/bot"
    return api_base_url + "/file/bot"


@dataclass(frozen=True)
class BotSettings:
    """Everything `build_application` needs; see `.env.example` for each variable."""

    # A SecretStr: printing the settings (or a traceback showing them) never shows the token.
    token: SecretStr
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
    # Questions answered at once (about one per core) and how many may wait behind them; past
    # that a question gets "please ask again" rather than queueing unbounded work.
    max_running_questions: int = 2
    max_waiting_questions: int = 100
    # Webhook mode (None = long polling): Telegram posts updates to `webhook_url`, whose path
    # this process serves on `webhook_listen` (host, port), checking `webhook_secret` on each.
    # Several workers behind one reverse proxy share the work through NEWSBOT_DATABASE_URL.
    webhook_url: str | None = None
    webhook_listen: tuple[str, int] = ("0.0.0.0", 8080)
    webhook_secret: SecretStr | None = None
    engine: Settings = field(default_factory=Settings)

    @classmethod
    def from_env(cls, env_file: str | os.PathLike[str] | None = ".env") -> BotSettings:
        """Settings from the environment, with `.env` filling in what the environment lacks."""
        return BotEnv.load(env_file).bot_settings()

    @property
    def data_dir(self) -> Path:
        return self.engine.data_dir


class BotEnv(EngineEnv):
    """The engine's variables plus the bot's; None = not set. Field order = checking order."""

    token: SecretStr | None = Field(
        None, validation_alias="TELEGRAM_BOT_TOKEN", validate_default=True
    )
    api_base_url: str | None = Field(None, validation_alias="TELEGRAM_API_BASE_URL")
    api_base_file_url: str | None = Field(None, validation_alias="TELEGRAM_API_BASE_FILE_URL")
    rate_limit_questions: int | None = Field(None, validation_alias="NEWSBOT_RATE_LIMIT_QUESTIONS")
    rate_limit_seconds: float | None = Field(None, validation_alias="NEWSBOT_RATE_LIMIT_SECONDS")
    log_level: str | None = Field(None, validation_alias="NEWSBOT_LOG_LEVEL")
    # NoDecode: a comma-separated list, not the JSON pydantic-settings expects for sets.
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), validation_alias="NEWSBOT_ADMIN_IDS"
    )
    webhook_url: str | None = Field(None, validation_alias="NEWSBOT_WEBHOOK_URL")
    webhook_listen: tuple[str, int] | None = Field(None, validation_alias="NEWSBOT_WEBHOOK_LISTEN")
    webhook_secret: SecretStr | None = Field(None, validation_alias="NEWSBOT_WEBHOOK_SECRET")

    def bot_settings(self) -> BotSettings:
        """The bot's settings, with the engine's inside; unset variables keep their defaults."""
        assert self.token is not None  # the validator refuses a missing token
        engine = self.engine_settings()
        if engine.encoder_threads is None:
            # One torch thread: an ingest and a question encoding at once on all cores slow
            # each other down badly, and a question must stay fast while an article is added.
            engine = replace(engine, encoder_threads=1)
        settings = BotSettings(token=self.token, admin_ids=self.admin_ids, engine=engine)
        file_url = self.api_base_file_url
        if self.api_base_url is not None:
            file_url = file_url or file_url_for(self.api_base_url)
        optional: dict[str, Any] = {
            "api_base_url": self.api_base_url,
            "api_base_file_url": file_url,
            "rate_limit_questions": self.rate_limit_questions,
            "rate_limit_seconds": self.rate_limit_seconds,
            "log_level": self.log_level,
            "webhook_url": self.webhook_url,
            "webhook_listen": self.webhook_listen,
            "webhook_secret": self.webhook_secret,
        }
        if self.webhook_url and self.webhook_secret is None:
            raise SettingsError(
                "NEWSBOT_WEBHOOK_URL needs NEWSBOT_WEBHOOK_SECRET: 1-256 letters, digits, _ or - "
                "that Telegram sends with every update, so nobody else can post to the bot."
            )
        return replace(settings, **{k: v for k, v in optional.items() if v is not None})

    @field_validator("token", mode="before")
    @classmethod
    def _token(cls, value: object) -> SecretStr:
        text = _text(value.get_secret_value() if isinstance(value, SecretStr) else value)
        if text is None:
            raise SettingsError(NO_TOKEN_MESSAGE)
        if not _TOKEN_SHAPE.match(text):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (it should look like "
                "123456789:AAE…, about 46 characters); copy it again from @BotFather."
            )
        return SecretStr(text)

    @field_validator("api_base_url", mode="before")
    @classmethod
    def _api_base_url(cls, value: object) -> str | None:
        return _url("TELEGRAM_API_BASE_URL", value)

    @field_validator("api_base_file_url", mode="before")
    @classmethod
    def _api_base_file_url(cls, value: object) -> str | None:
        return _url("TELEGRAM_API_BASE_FILE_URL", value)

    @field_validator("rate_limit_questions", mode="before")
    @classmethod
    def _rate_limit_questions(cls, value: object) -> int | None:
        text = _text(value)
        if text is not None and (not text.isdigit() or int(text) <= 0):
            raise SettingsError(
                f"NEWSBOT_RATE_LIMIT_QUESTIONS must be a positive whole number, not {text!r}."
            )
        return int(text) if text else None

    @field_validator("rate_limit_seconds", mode="before")
    @classmethod
    def _rate_limit_seconds(cls, value: object) -> float | None:
        text = _text(value)
        if text is None:
            return None
        try:
            number = float(text)
        except ValueError:
            raise SettingsError(
                f"NEWSBOT_RATE_LIMIT_SECONDS must be a number, not {text!r}."
            ) from None
        if number <= 0:
            raise SettingsError(f"NEWSBOT_RATE_LIMIT_SECONDS must be positive, not {text!r}.")
        return number

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> str | None:
        text = _text(value)
        if text is not None and text.upper() not in _LOG_LEVELS:
            raise SettingsError(
                f"NEWSBOT_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {text!r}."
            )
        return text.upper() if text else None

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        return parse_admin_ids(value) if isinstance(value, str) else value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url(cls, value: object) -> str | None:
        text = _text(value)
        if text is not None and not re.match(r"^https?://[^\s/]+/[^\s]*$", text):
            raise SettingsError(
                "NEWSBOT_WEBHOOK_URL must be the public URL Telegram posts updates to, with a "
                f"path, like https://bot.example.com/telegram; {text!r} is not one."
            )
        return text

    @field_validator("webhook_listen", mode="before")
    @classmethod
    def _webhook_listen(cls, value: object) -> tuple[str, int] | None:
        text = _text(value)
        if text is None:
            return None
        host, _, port = text.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise SettingsError(
                f"NEWSBOT_WEBHOOK_LISTEN must be HOST:PORT, like 0.0.0.0:8080; not {text!r}."
            )
        return host.strip("[]"), int(port)

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> SecretStr | None:
        text = _text(value.get_secret_value() if isinstance(value, SecretStr) else value)
        if text is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", text):
            raise SettingsError(
                "NEWSBOT_WEBHOOK_SECRET must be 1-256 letters, digits, _ or - (Telegram's rule)."
            )
        return SecretStr(text) if text else None
