"""What time it is, as a parameter: the engine asks its `Clock`, so tests and `--as-of` fix "now".

Every clock returns an aware datetime in UTC. Feeds schedule their polls by it; answers may rank
"latest" and "this week" by it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock", "as_of"]


class Clock(Protocol):
    """Tells the current time."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that stands still until told to move (tests, answering as of a past day)."""

    def __init__(self, at: datetime) -> None:
        self._at = _utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _utc(at)

    def advance(self, delta: timedelta) -> None:
        self._at += delta

    def __repr__(self) -> str:
        return f"FixedClock({self._at.isoformat()})"


def as_of(day: date) -> FixedClock:
    """A clock reading the last moment of `day` (UTC): everything published that day is past."""
    return FixedClock(datetime.combine(day, time.max, tzinfo=UTC))


def _utc(value: datetime) -> datetime:
    """`value` in UTC; a naive datetime is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
