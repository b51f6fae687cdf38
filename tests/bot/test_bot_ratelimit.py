"""The per-user token bucket, driven by a fake clock, and the gate on questions in the engine."""

from __future__ import annotations

import asyncio

import pytest

from bot.ratelimit import QuestionGate, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_refused_until_a_token_refills() -> None:
    clock = Clock()
    limiter = RateLimiter(capacity=3, period=60, clock=clock)  # one token every 20 s
    assert [limiter.check("ann").allowed for _ in range(3)] == [True, True, True]

    refused = limiter.check("ann")
    assert not refused.allowed
    assert refused.retry_after == pytest.approx(20.0)

    clock.now += 19.0
    assert not limiter.check("ann").allowed
    clock.now += 1.0
    assert limiter.check("ann").allowed
    assert not limiter.check("ann").allowed


def test_only_the_first_refusal_of_a_flood_asks_for_a_warning() -> None:
    clock = Clock()
    limiter = RateLimiter(capacity=1, period=10, clock=clock)
    assert limiter.check(1).allowed
    assert [limiter.check(1).warn for _ in range(3)] == [True, False, False]
    clock.now += 10
    assert limiter.check(1).allowed
    assert limiter.check(1).warn  # a new flood gets its own warning


def test_users_have_separate_buckets() -> None:
    limiter = RateLimiter(capacity=1, period=60, clock=Clock())
    assert limiter.check(1).allowed
    assert not limiter.check(1).allowed
    assert limiter.check(2).allowed


def test_tokens_never_exceed_the_capacity() -> None:
    clock = Clock()
    limiter = RateLimiter(capacity=2, period=10, clock=clock)
    limiter.check("x")
    clock.now += 10_000
    assert [limiter.check("x").allowed for _ in range(3)] == [True, True, False]


def test_idle_users_are_forgotten_so_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(capacity=2, period=10, clock=clock, max_keys=100)
    for user in range(100):
        limiter.check(user)
    clock.now += 10  # everyone has refilled
    limiter.check("newcomer")
    assert len(limiter) == 1
    for user in range(500):
        limiter.check(user)  # all active at once: still bounded
    assert len(limiter) <= 100


def test_nonsense_limits_are_rejected() -> None:
    with pytest.raises(ValueError):
        RateLimiter(capacity=0, period=10)


async def test_the_gate_lets_a_few_run_queues_some_and_turns_the_rest_away() -> None:
    gate = QuestionGate(running=2, waiting=1)
    release = asyncio.Event()
    running = 0
    most = 0

    async def question() -> None:
        nonlocal running, most
        async with gate.slot():
            running += 1
            most = max(most, running)
            await release.wait()
            running -= 1

    tasks = [asyncio.create_task(question()) for _ in range(3)]
    await asyncio.sleep(0)
    assert len(gate) == 3 and most == 2  # two run, one waits its turn
    assert gate.full  # a fourth would be turned away
    release.set()
    await asyncio.gather(*tasks)
    assert len(gate) == 0 and not gate.full


def test_a_gate_needs_room_to_run() -> None:
    with pytest.raises(ValueError):
        QuestionGate(running=0)
