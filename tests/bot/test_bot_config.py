"""Reading the bot's settings from the environment and `.env`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from dotenv import dotenv_values
from pydantic_settings.sources.providers import dotenv as dotenv_provider

from bot.config import NO_TOKEN_MESSAGE, BotEnv, BotSettings, parse_admin_ids
from bot.services import BotData
from index import Settings, SettingsError
from index.fetch import FetchClient

TOKEN = "123456789:AAF-fake-token-for-tests-0123456789abc"
VARIABLES = [
    "TELEGRAM_BOT_TOKEN",
    "NEWSBOT_ADMIN_IDS",
    "TELEGRAM_API_BASE_URL",
    "TELEGRAM_API_BASE_FILE_URL",
    "NEWSBOT_RATE_LIMIT_QUESTIONS",
    "NEWSBOT_RATE_LIMIT_SECONDS",
    "NEWSBOT_LOG_LEVEL",
    "NEWSBOT_DATA_DIR",
    "NEWSBOT_ENCODER_THREADS",
    "NEWSBOT_EMBEDDING_MODEL",
    "NEWSBOT_ALLOW_PRIVATE_URLS",
    "NEWSBOT_FETCH_TIMEOUT",
    "NEWSBOT_FETCH_DEADLINE",
    "NEWSBOT_MAX_RESPONSE_BYTES",
    "NEWSBOT_FEEDS",
    "NEWSBOT_FEED_INTERVAL",
    "NEWSBOT_FEED_MIN_INTERVAL",
    "NEWSBOT_ENCODER",
    "NEWSBOT_CACHE_DIR",
    "NEWSBOT_LEXICAL",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        # Set then delete, so monkeypatch also removes what a .env file may add later.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def test_token_and_admins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("NEWSBOT_ADMIN_IDS", " 12345, 67890 ,")
    settings = BotSettings.from_env(env_file=None)
    assert settings.token.get_secret_value() == TOKEN
    assert settings.admin_ids == {12345, 67890}
    assert settings.api_base_url is None
    assert settings.rate_limit_questions == 5
    assert settings.engine.encoder_threads == 1  # the bot's default, unlike the CLI's


def test_encoder_threads_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("NEWSBOT_ENCODER_THREADS", "2")
    assert BotSettings.from_env(env_file=None).engine.encoder_threads == 2


def test_a_dotenv_file_fills_in_what_the_environment_lacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\n"
        "NEWSBOT_ADMIN_IDS=1,2\n"
        f"NEWSBOT_DATA_DIR={tmp_path / 'data'}\n"
        "NEWSBOT_RATE_LIMIT_QUESTIONS=9\n"
        "NEWSBOT_RATE_LIMIT_SECONDS=30\n"
        "NEWSBOT_LOG_LEVEL=debug\n"
    )
    monkeypatch.setenv("NEWSBOT_ADMIN_IDS", "3")  # the environment wins over the file
    settings = BotSettings.from_env(env_file)
    assert settings.token.get_secret_value() == TOKEN
    assert settings.admin_ids == {3}
    assert settings.data_dir == tmp_path / "data"
    assert (settings.rate_limit_questions, settings.rate_limit_seconds) == (9, 30.0)
    assert settings.log_level == "DEBUG"


def test_no_token_says_how_to_get_one() -> None:
    with pytest.raises(SettingsError) as raised:
        BotSettings.from_env(env_file=None)
    assert str(raised.value) == NO_TOKEN_MESSAGE
    assert "@BotFather" in NO_TOKEN_MESSAGE and ".env" in NO_TOKEN_MESSAGE


def test_a_mangled_token_is_caught_before_telegram_sees_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "12345:short")
    with pytest.raises(SettingsError, match="does not look like a bot token"):
        BotSettings.from_env(env_file=None)


@pytest.mark.parametrize("value", ["abc", "12,x3", "-5", "1.5", "0"])
def test_malformed_admin_ids_are_refused_clearly(value: str) -> None:
    with pytest.raises(SettingsError, match="NEWSBOT_ADMIN_IDS must be Telegram user ids"):
        parse_admin_ids(value)


def test_no_admins_is_allowed() -> None:
    assert parse_admin_ids("") == frozenset()


def test_a_self_hosted_bot_api_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    settings = BotSettings.from_env(env_file=None)
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.api_base_file_url == "http://127.0.0.1:8081/file/bot"

    monkeypatch.setenv("TELEGRAM_API_BASE_FILE_URL", "http://files.example/file/bot")
    assert BotSettings.from_env(env_file=None).api_base_file_url == "http://files.example/file/bot"

    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "127.0.0.1:8081")
    with pytest.raises(SettingsError, match="TELEGRAM_API_BASE_URL must be an http"):
        BotSettings.from_env(env_file=None)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEWSBOT_RATE_LIMIT_QUESTIONS", "many"),
        ("NEWSBOT_RATE_LIMIT_QUESTIONS", "0"),
        ("NEWSBOT_RATE_LIMIT_SECONDS", "-1"),
        ("NEWSBOT_LOG_LEVEL", "LOUD"),
    ],
)
def test_malformed_limits_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        BotSettings.from_env(env_file=None)


def test_the_token_never_shows_in_a_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = BotSettings.from_env(env_file=None)
    secret = TOKEN.split(":")[1]
    for shown in (repr(settings), str(settings), repr(BotEnv.load(env_file=None))):
        assert secret not in shown
    assert settings.token.get_secret_value() == TOKEN


def test_a_malformed_token_is_not_repeated_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:secret-but-cut")
    with pytest.raises(SettingsError) as raised:
        BotSettings.from_env(env_file=None)
    assert "secret-but-cut" not in str(raised.value)


def test_dotenv_is_read_once_and_not_copied_into_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nNEWSBOT_DATA_DIR={tmp_path / 'd'}\n")
    reads: list[object] = []

    def counting(*args: Any, **kwargs: Any) -> dict[str, str | None]:
        reads.append(args[0])
        return dotenv_values(*args, **kwargs)

    # pydantic-settings' own reader of `.env` files, spied on to count the reads.
    monkeypatch.setattr(dotenv_provider, "dotenv_values", counting)
    settings = BotSettings.from_env(env_file)
    assert reads == [env_file]
    assert settings.data_dir == tmp_path / "d"  # the engine's part came from the same read
    assert "TELEGRAM_BOT_TOKEN" not in os.environ
    assert "NEWSBOT_DATA_DIR" not in os.environ


def test_blank_variables_keep_their_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f"  {TOKEN} ")
    for name in VARIABLES[1:]:
        monkeypatch.setenv(name, "  ")
    settings = BotSettings.from_env(env_file=None)
    assert settings.token.get_secret_value() == TOKEN
    assert settings == BotSettings(token=settings.token, engine=settings.engine)
    assert settings.engine == Settings(encoder_threads=1)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "TELEGRAM_BOT_TOKEN",
            "12345:short",
            "TELEGRAM_BOT_TOKEN does not look like a bot token (it should look like "
            "123456789:AAE…, about 46 characters); copy it again from @BotFather.",
        ),
        (
            "NEWSBOT_ADMIN_IDS",
            "1,ada",
            "NEWSBOT_ADMIN_IDS must be Telegram user ids (whole numbers) separated by commas, "
            "like 123456789,987654321; 'ada' is not one.",
        ),
        (
            "TELEGRAM_API_BASE_URL",
            "localhost:8081",
            "TELEGRAM_API_BASE_URL must be an http(s) URL like http://127.0.0.1:8081/bot.",
        ),
        (
            "TELEGRAM_API_BASE_FILE_URL",
            "ftp://files",
            "TELEGRAM_API_BASE_FILE_URL must be an http(s) URL like http://127.0.0.1:8081/bot.",
        ),
        (
            "NEWSBOT_RATE_LIMIT_QUESTIONS",
            "many",
            "NEWSBOT_RATE_LIMIT_QUESTIONS must be a positive whole number, not 'many'.",
        ),
        (
            "NEWSBOT_RATE_LIMIT_SECONDS",
            "soon",
            "NEWSBOT_RATE_LIMIT_SECONDS must be a number, not 'soon'.",
        ),
        (
            "NEWSBOT_RATE_LIMIT_SECONDS",
            "-1",
            "NEWSBOT_RATE_LIMIT_SECONDS must be positive, not '-1'.",
        ),
        (
            "NEWSBOT_LOG_LEVEL",
            "LOUD",
            "NEWSBOT_LOG_LEVEL must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG, not 'LOUD'.",
        ),
        (
            "NEWSBOT_ENCODER_THREADS",
            "two",
            "NEWSBOT_ENCODER_THREADS must be a whole number, not 'two'.",
        ),
    ],
)
def test_each_malformed_variable_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        BotSettings.from_env(env_file=None)
    assert str(raised.value) == message


def test_a_missing_token_is_reported_before_other_bot_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSBOT_ADMIN_IDS", "ada")
    with pytest.raises(SettingsError) as raised:
        BotSettings.from_env(env_file=None)
    assert str(raised.value) == NO_TOKEN_MESSAGE


async def test_the_fetch_deadline_reaches_the_shared_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("NEWSBOT_FETCH_DEADLINE", "7")
    data = BotData()
    data.settings = BotSettings.from_env(env_file=None)
    client = data.http
    try:
        assert isinstance(client, FetchClient) and client.deadline == 7.0
    finally:
        await client.aclose()


def test_env_example_lists_every_variable() -> None:
    from bot.config import BotEnv

    example = (Path(__file__).parents[2] / ".env.example").read_text()
    names = {field.validation_alias for field in BotEnv.model_fields.values()}
    missing = [name for name in names if f"\n{name}=" not in example]
    assert not missing, f".env.example does not list {missing}"
