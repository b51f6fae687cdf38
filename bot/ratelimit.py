"""Flood limits: a per-user token bucket, and a gate bounding the questions in the engine at once.

The bucket keeps one person from flooding the bot; the gate keeps everyone together from queueing
unbounded work: a few questions run in worker threads at a time, a bounded number wait their
turn in order, and beyond that a question is turned away at once with a sentence.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Decision", "Limiter", "QuestionGate", "RateLimiter"]


@dataclass(frozen=True)
class Decision:
    """Whether a request may go ahead; if not, when to retry and whether to say so."""

    allowed: bool
    retry_after: float = 0.0
    # True only for the first refusal after an allowed request, so the polite
    # "slow down" message is not itself repeated for every message of a flood.
    warn: bool = False


class Limiter(Protocol):
    """What the handlers ask of a rate limiter (this process's, or `bot.shared`'s)."""

    def check(self, key: Hashable) -> Decision: ...


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class RateLimiter:
    """`capacity` requests at once per key, refilled evenly: one more every `period / capacity` s.

    Used from the event loop only, so it needs no lock. `clock` is injectable for tests.
    """

    def __init__(
        self,
        capacity: int,
        period: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        if capacity <= 0 or period <= 0:
            raise ValueError("capacity and period must be positive")
        self.capacity = capacity
        self.period = period
        self._rate = capacity / period
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: dict[Hashable, _Bucket] = {}

    def check(self, key: Hashable) -> Decision:
        """Take one token for `key` if there is one."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_keys:
                self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(float(self.capacity), now)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(float(self.capacity), bucket.tokens + elapsed * self._rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Decision(True)
        retry_after = (1.0 - bucket.tokens) / self._rate
        warn = not bucket.warned
        bucket.warned = True
        return Decision(False, retry_after=retry_after, warn=warn)

    def _forget_idle(self, now: float) -> None:
        """Drop buckets that have refilled completely: they hold no state worth keeping."""
        full = [
            key
            for key, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.updated) * self._rate >= self.capacity
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self._max_keys:
            # Everyone is active: forget the oldest half rather than grow without bound.
            ordered = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            for key in ordered[: math.ceil(len(ordered) / 2)]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class QuestionGate:
    """At most `running` questions in the engine at once and `waiting` more queued behind them.

    Without it every question goes straight to a worker thread, and a crowd (or many accounts)
    could queue any amount of work ahead of everyone, an admin's /add included. Used from the
    event loop only.
    """

    def __init__(self, running: int = 2, waiting: int = 100) -> None:
        if running <= 0 or waiting < 0:
            raise ValueError("running must be positive and waiting not negative")
        self.running = running
        self.waiting = waiting
        self._slots = asyncio.Semaphore(running)
        self._inside = 0
        self.turned_away = 0

    @property
    def full(self) -> bool:
        """Whether a new question would be turned away now."""
        return self._inside >= self.running + self.waiting

    def __len__(self) -> int:
        """Questions running or waiting."""
        return self._inside

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for a turn (first come, first served); the caller checks `full` first."""
        self._inside += 1
        try:
            async with self._slots:
                yield
        finally:
            self._inside -= 1
