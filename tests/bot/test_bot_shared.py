"""What bot workers share through PostgreSQL: updates taken once, one job runner, rate limits.

Each `SharedState` is its own connection, as each worker process has; a real PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bot.config import BotEnv
from bot.shared import SharedRateLimiter, SharedState
from index import SettingsError


@pytest.fixture
def workers(database_url: str) -> Iterator[list[SharedState]]:
    states = [SharedState(database_url, worker=f"host:{100 + n}:w") for n in range(3)]
    yield states
    for state in states:
        state.close()


def test_an_update_delivered_to_every_worker_is_taken_by_exactly_one(
    workers: list[SharedState],
) -> None:
    taken: list[str] = []
    start = threading.Barrier(len(workers))

    def deliver(state: SharedState) -> None:
        start.wait()
        if state.take_update(4242):
            taken.append(state.worker)

    threads = [threading.Thread(target=deliver, args=(s,)) for s in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 1
    assert not any(state.take_update(4242) for state in workers)  # a later retry too
    assert workers[0].take_update(4243)


def test_the_jobs_lease_has_one_holder_until_it_lapses_or_is_released(
    workers: list[SharedState],
) -> None:
    first, second, third = workers
    assert first.hold_lease("jobs", 1.0)
    assert not second.hold_lease("jobs", 1.0)
    assert first.hold_lease("jobs", 1.0)  # renewing
    time.sleep(1.2)  # the holder stopped renewing (killed)
    assert second.hold_lease("jobs", 30.0)
    assert not first.hold_lease("jobs", 30.0)
    second.release_lease("jobs")  # a clean stop hands over at once
    assert third.hold_lease("jobs", 30.0)


def test_a_readers_rate_limit_is_one_bucket_across_workers(workers: list[SharedState]) -> None:
    limiters = [SharedRateLimiter(state, capacity=3, period=3600) for state in workers]
    decisions = [limiters[n % 3].check(777) for n in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert decisions[3].warn and not decisions[4].warn  # one "slow down" message, not two
    assert decisions[3].retry_after > 0
    assert limiters[2].check(888).allowed  # another reader has their own bucket


def test_an_unreachable_database_fails_open_for_readers_and_closed_for_jobs(
    database_url: str,
) -> None:
    state = SharedState(database_url, worker="host:1:w")
    state.url = "postgresql://nobody@/nowhere?host=/nonexistent"  # the server went away
    try:
        assert state.take_update(1)  # better answered twice than never
        assert state.take_token("reader", 1, 60).allowed
        assert not state.hold_lease("jobs", 5)  # nobody runs the jobs blind
    finally:
        state.close()


def test_webhook_settings_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "123456789:AAF-fake-token-for-tests-0123456789abc"

    def load(**variables: str) -> object:
        for name in ("NEWSBOT_WEBHOOK_URL", "NEWSBOT_WEBHOOK_SECRET", "NEWSBOT_WEBHOOK_LISTEN"):
            monkeypatch.delenv(name, raising=False)
        for name, value in {"TELEGRAM_BOT_TOKEN": token, **variables}.items():
            monkeypatch.setenv(name, value)
        return BotEnv.load(None).bot_settings()

    settings = load(
        NEWSBOT_WEBHOOK_URL="https://bot.example.com/telegram",
        NEWSBOT_WEBHOOK_SECRET="s3cret_-x",
        NEWSBOT_WEBHOOK_LISTEN="127.0.0.1:8443",
    )
    assert settings.webhook_listen == ("127.0.0.1", 8443)  # type: ignore[attr-defined]
    with pytest.raises(SettingsError, match="NEWSBOT_WEBHOOK_SECRET"):
        load(NEWSBOT_WEBHOOK_URL="https://bot.example.com/telegram")
    with pytest.raises(SettingsError, match="NEWSBOT_WEBHOOK_URL"):
        load(NEWSBOT_WEBHOOK_URL="bot.example.com", NEWSBOT_WEBHOOK_SECRET="x")
    with pytest.raises(SettingsError, match="NEWSBOT_WEBHOOK_SECRET"):
        load(NEWSBOT_WEBHOOK_URL="https://b.example/t", NEWSBOT_WEBHOOK_SECRET="no spaces!")
    with pytest.raises(SettingsError, match="NEWSBOT_WEBHOOK_LISTEN"):
        load(NEWSBOT_WEBHOOK_LISTEN="8080")
