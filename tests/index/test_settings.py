"""Engine settings from the environment: the fetch deadline and its neighbours."""

from __future__ import annotations

import pytest

from index import Settings, SettingsError

VARIABLES = ["NEWSBOT_FETCH_TIMEOUT", "NEWSBOT_FETCH_DEADLINE", "NEWSBOT_DATA_DIR"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


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
    from pathlib import Path

    example = (Path(__file__).parents[2] / ".env.example").read_text()
    assert "\nNEWSBOT_FETCH_DEADLINE=30\n" in example
