"""The engine's settings: defaults that ignore the environment, and one loader for `NEWSBOT_*`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index import Settings, SettingsError

ENGINE_VARIABLES = [
    "NEWSBOT_DATA_DIR",
    "NEWSBOT_EMBEDDING_MODEL",
    "NEWSBOT_ALLOW_PRIVATE_URLS",
    "NEWSBOT_FETCH_TIMEOUT",
    "NEWSBOT_FETCH_DEADLINE",
    "NEWSBOT_MAX_RESPONSE_BYTES",
    "NEWSBOT_ENCODER_THREADS",
    "NEWSBOT_FEEDS",
    "NEWSBOT_FEED_INTERVAL",
    "NEWSBOT_FEED_MIN_INTERVAL",
    "NEWSBOT_ENCODER",
    "NEWSBOT_CACHE_DIR",
    "NEWSBOT_LEXICAL",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENGINE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_never_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_DATA_DIR", "/elsewhere")
    assert Settings() == Settings(data_dir=Path("data"))
    assert Settings().fetch_timeout == 20.0 and Settings().encoder_threads is None


def test_every_variable_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSBOT_EMBEDDING_MODEL", "some/model")
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "yes")
    monkeypatch.setenv("NEWSBOT_FETCH_TIMEOUT", "2.5")
    monkeypatch.setenv("NEWSBOT_MAX_RESPONSE_BYTES", "1000")
    monkeypatch.setenv("NEWSBOT_ENCODER_THREADS", "2")
    assert Settings.from_env(env_file=None) == Settings(
        data_dir=tmp_path,
        embedding_model="some/model",
        allow_private_urls=True,
        fetch_timeout=2.5,
        max_response_bytes=1000,
        encoder_threads=2,
    )


def test_the_environment_beats_dotenv_and_dotenv_stays_out_of_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "NEWSBOT_DATA_DIR=~/news\nNEWSBOT_FETCH_TIMEOUT=3\nNEWSBOT_ENCODER_THREADS=\n"
        "SOMETHING_ELSE=ignored\n"
    )
    monkeypatch.setenv("NEWSBOT_FETCH_TIMEOUT", "7")
    settings = Settings.from_env(env_file)
    assert settings.data_dir == Path("~/news").expanduser()
    assert settings.fetch_timeout == 7.0
    assert settings.encoder_threads is None  # blank means unset
    assert "NEWSBOT_DATA_DIR" not in os.environ


def test_a_missing_dotenv_file_is_no_error() -> None:
    assert Settings.from_env("/nonexistent/.env") == Settings()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "NEWSBOT_ALLOW_PRIVATE_URLS",
            "maybe",
            "NEWSBOT_ALLOW_PRIVATE_URLS must be true or false, not 'maybe'.",
        ),
        (
            "NEWSBOT_FETCH_TIMEOUT",
            "soon",
            "NEWSBOT_FETCH_TIMEOUT must be a number of seconds, not 'soon'.",
        ),
        (
            "NEWSBOT_MAX_RESPONSE_BYTES",
            "5MB",
            "NEWSBOT_MAX_RESPONSE_BYTES must be a whole number, not '5MB'.",
        ),
        ("NEWSBOT_MAX_RESPONSE_BYTES", "0", "NEWSBOT_MAX_RESPONSE_BYTES must be positive, not 0."),
        ("NEWSBOT_ENCODER_THREADS", "-2", "NEWSBOT_ENCODER_THREADS must be positive, not -2."),
        (
            "NEWSBOT_FEEDS",
            "https://a.example/rss feed.example/atom",
            "NEWSBOT_FEEDS must be http(s) links separated by commas or spaces; "
            "'feed.example/atom' is not one.",
        ),
        (
            "NEWSBOT_FEED_INTERVAL",
            "hourly",
            "NEWSBOT_FEED_INTERVAL must be a number of minutes, not 'hourly'.",
        ),
        (
            "NEWSBOT_FEED_INTERVAL",
            "2",
            "NEWSBOT_FEED_INTERVAL (2 minutes) must not be below NEWSBOT_FEED_MIN_INTERVAL "
            "(5 minutes).",
        ),
        (
            "NEWSBOT_FEED_MIN_INTERVAL",
            "0",
            "NEWSBOT_FEED_MIN_INTERVAL must be a positive number of minutes, not '0'.",
        ),
        (
            "NEWSBOT_ENCODER",
            "gpu",
            "NEWSBOT_ENCODER must be one of auto, onnx, onnx-int8, torch, not 'gpu'.",
        ),
        (
            "NEWSBOT_LEXICAL",
            "lucene",
            "NEWSBOT_LEXICAL must be one of fts5, tantivy, not 'lucene'.",
        ),
    ],
)
def test_each_malformed_variable_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env_file=None)
    assert str(raised.value) == message


def test_the_backends_are_chosen_by_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    defaults = Settings.from_env(env_file=None)
    assert (defaults.encoder, defaults.lexical, defaults.cache_dir) == ("auto", "tantivy", None)
    monkeypatch.setenv("NEWSBOT_ENCODER", " ONNX ")
    monkeypatch.setenv("NEWSBOT_LEXICAL", "FTS5")
    monkeypatch.setenv("NEWSBOT_CACHE_DIR", str(tmp_path))
    settings = Settings.from_env(env_file=None)
    assert (settings.encoder, settings.lexical, settings.cache_dir) == ("onnx", "fts5", tmp_path)
    monkeypatch.setenv("NEWSBOT_ENCODER", "onnx-int8")
    assert Settings.from_env(env_file=None).encoder == "onnx-int8"


def test_every_fetch_has_a_deadline_by_default() -> None:
    settings = Settings.from_env(env_file=None)
    assert settings.fetch_deadline == 30.0 and settings.fetch_timeout == 20.0


def test_the_deadline_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_FETCH_DEADLINE", " 12.5 ")
    assert Settings.from_env(env_file=None).fetch_deadline == 12.5


@pytest.mark.parametrize("name", ["NEWSBOT_FETCH_DEADLINE", "NEWSBOT_FETCH_TIMEOUT"])
@pytest.mark.parametrize("value", ["soon", "0", "-3", "nan", "inf"])
def test_malformed_seconds_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(env_file=None)


def test_env_example_documents_the_deadline() -> None:
    example = (Path(__file__).parents[2] / ".env.example").read_text()
    assert "\nNEWSBOT_FETCH_DEADLINE=30\n" in example


def test_feeds_are_read_as_a_list_of_links(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "NEWSBOT_FEEDS",
        " https://a.example/rss.xml,https://b.example/atom\n https://a.example/rss.xml",
    )
    monkeypatch.setenv("NEWSBOT_FEED_INTERVAL", "30")
    monkeypatch.setenv("NEWSBOT_FEED_MIN_INTERVAL", "0.5")
    settings = Settings.from_env(env_file=None)
    assert settings.feeds == ("https://a.example/rss.xml", "https://b.example/atom")
    assert (settings.feed_interval, settings.feed_min_interval) == (30.0, 0.5)
    assert Settings().feeds == () and Settings().feed_interval == 15.0
