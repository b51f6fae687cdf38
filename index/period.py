"""The stretch of time a question asks about ("today", "this week", "last month", "in the past
3 days"), read relative to now, and whether nothing but time is asked ("what happened today?").

A relative period is a filter: "what did Apple announce this week" is answered only from
articles published this week, and declined, naming the dates held, when there are none. A
month by name ("in November") is not read here: it may be when something happened rather than
when it was reported, so search only boosts it (`index.cues`). A year later than every article
held, in a question about how something went ("who won the 2026 election"), is read too: no
source can answer it (`settled_after`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from index.text import terms

__all__ = ["Period", "asks_only_for_news", "read_period", "settled_after"]


@dataclass(frozen=True)
class Period:
    """Publication times from `start` (inclusive) to `end` (exclusive), in UTC."""

    start: datetime
    end: datetime
    # How the question said it ("this week"), for a decline to repeat.
    label: str
    # Where in the question it was said, so its words are not searched for as the topic.
    span: tuple[int, int]

    def holds(self, moment: datetime) -> bool:
        return self.start <= _utc(moment) < self.end


_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_COUNT = r"(?P<count>\d{1,3}|a|one|two|three|four|five|six|seven|few|couple(?:\s+of)?)"
_UNIT = r"(?P<unit>day|week|month|year|hour)s?"
_ROLLING = re.compile(
    rf"\b(?:in|over|during|for|from|within)?\s*(?:the\s+)?(?:past|last|previous)\s+(?:{_COUNT}\s+)?"
    rf"{_UNIT}\b",
    re.I,
)
_CALENDAR = re.compile(
    r"\b(?P<which>this|last|previous)\s+(?P<unit>week|month|year)\b"
    r"|\b(?P<day>today|tonight|this\s+(?:morning|afternoon|evening)|yesterday|last\s+night)\b",
    re.I,
)


def read_period(text: str, now: datetime) -> Period | None:
    """The period `text` names relative to `now`, or None."""
    now = _utc(now)
    rolling = _ROLLING.search(text)
    # "the past week", "in the last 3 days": a rolling window ending now. "last week" alone is
    # the calendar week before this one.
    if rolling and (
        rolling.group("count") or re.search(r"\b(?:the|past)\b", rolling.group(), re.I)
    ):
        count = _count(rolling.group("count"))
        unit = rolling.group("unit").lower()
        length = {
            "hour": timedelta(hours=count),
            "day": timedelta(days=count),
            "week": timedelta(weeks=count),
            "month": timedelta(days=30 * count),
            "year": timedelta(days=365 * count),
        }[unit]
        label = re.sub(
            r"^(?:in|over|during|for|from|within)\s+", "", rolling.group().strip(), flags=re.I
        )
        return Period(now - length, now, label, rolling.span())
    found = _CALENDAR.search(text)
    if found is None:
        return None
    label = " ".join(found.group().lower().split())
    today = datetime.combine(now.date(), time.min, tzinfo=UTC)
    if found.group("day"):
        if label in ("yesterday", "last night"):
            return Period(today - timedelta(days=1), today, label, found.span())
        return Period(today, today + timedelta(days=1), label, found.span())
    which, unit = found.group("which").lower(), found.group("unit").lower()
    previous = which != "this"
    if unit == "week":
        start = today - timedelta(days=today.weekday())
        if previous:
            return Period(start - timedelta(weeks=1), start, label, found.span())
        return Period(start, start + timedelta(weeks=1), label, found.span())
    if unit == "month":
        start = today.replace(day=1)
        if previous:
            before = (start - timedelta(days=1)).replace(day=1)
            return Period(before, start, label, found.span())
        following = (start + timedelta(days=32)).replace(day=1)
        return Period(start, following, label, found.span())
    start = today.replace(month=1, day=1)
    if previous:
        return Period(start.replace(year=start.year - 1), start, label, found.span())
    return Period(start, start.replace(year=start.year + 1), label, found.span())


# Words that ask for news in general rather than name a topic ("what's new", "any news").
_GENERAL = terms(
    "news happened happening going new latest newest recent recently headlines headline "
    "stories story update updates events event anything something interesting important "
    "world going on today week month year tell show give me top big major"
)


def asks_only_for_news(wanted: frozenset[str]) -> bool:
    """Whether a question's words (without its period) ask only for news, naming no topic."""
    return not (wanted - _GENERAL)


def _count(word: str | None) -> int:
    if word is None:
        return 1
    word = word.lower()
    if word.isdigit():
        return max(1, int(word))
    if word.startswith(("few", "couple")):
        return 3 if word == "few" else 2
    return _COUNTS.get(word, 1)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# "the 2024 election", "euro 2024", "march 2024": a year naming when something happens. After
# "in", "for", "about"… it is more often a forecast ("rate cuts in 2024"), which older articles
# do discuss; so is a year's budget, plan or schedule, made before it ("how did the house vote
# on the 2024 budget").
_EVENT_YEAR = re.compile(
    r"(?<!\bin )(?<!\bfor )(?<!\babout )(?<!\bby )(?<!\buntil )(?<!\bthrough )(?<!\binto )"
    # The same in Russian and Ukrainian: "в 2024", "на 2024", "до 2024", "у 2024", "к 2024".
    r"(?<!\bв )(?<!\bна )(?<!\bдо )(?<!\bу )(?<!\bк )"
    r"\b(?P<year>(?:19|20)\d\d)\b"
    r"(?!\s+(?:[\w-]+\s+)?(?:budgets?|forecasts?|outlook|guidance|plans?"
    r"|targets?|schedules?|calendar|spending|appropriations?|бюджета?|бюджет[уі]?|план)\b)",
    re.IGNORECASE,
)
# Words that ask how something turned out, rather than what is expected of it (English,
# Russian, Ukrainian: "who won", "кто выиграл", "хто виграв", "чем закончился").
_SETTLED = re.compile(
    r"\b(won|winners?|results?|happened|announced|was|were|did|lost|beat|ended"
    r"|выиграл[аи]?|победил[аи]?|победител[ьи]|проиграл[аи]?|результаты?|итоги?|сч[её]т"
    r"|закончил(?:ся|ась|ось|ись)|кончил(?:ся|ась|ось|ись)|случилось|прош[её]л|прошл[аио]"
    r"|виграв|виграла|виграли|переміг|перемогла|перемогли|переможц?[ьяі]|програв|програла"
    r"|програли|результати?|підсумки?|рахунок|закінчив(?:ся)?|закінчила(?:ся)?|закінчил[оа]ся"
    r"|сталося|пройшов|пройшла|пройшли)\b",
    re.IGNORECASE,
)


# Who won or lost, asked without a word of the future: then "in 2026" is when it was decided
# too ("did the harbour team win the cup in 2026"), not a forecast.
_WON = re.compile(r"\b(?:won|win|wins|winners?|beat|lost|lose)\b", re.I)
_NOT_YET = re.compile(r"\b(?:will|gonna|going\s+to|predict\w*|odds|chances?|could|can)\b", re.I)
_ANY_YEAR = re.compile(r"\b(?P<year>(?:19|20)\d\d)\b")


# Where a question of two parts turns to the second ("…, and which …", "… + …", "…? also …"):
# the outcome asked in one part is not of the year named in the other ("why are the 2024
# season tickets an issue, and who won the derby"). A topic before its question ("2024
# election, who won") stays one clause.
_CLAUSES = re.compile(
    r"\s*[,;]\s*(?:and|also|plus|&)\s+|\s+\+\s+|\?+\s+(?=\S)|\s+and\s+also\s+", re.I
)


def settled_after(text: str, newest: Callable[[], datetime | None]) -> int | None:
    """The year of an event the question asks the outcome of ("who won the 2024 election",
    "what did Apple announce at WWDC 2024") when it is later than the newest article (`newest`
    is asked only when the question names a year): no source can say how it went. None
    otherwise (forecasts and plans of a later year are left to search: older articles discuss
    them)."""
    years = [
        int(m.group("year"))
        for clause in _CLAUSES.split(text)
        if _SETTLED.search(clause)
        for m in (_ANY_YEAR if _won(clause) else _EVENT_YEAR).finditer(clause)
    ]
    last = newest() if years else None
    later = [y for y in years if last is not None and y > last.year]
    return min(later) if later else None


def _won(clause: str) -> bool:
    """Whether `clause` asks who won or lost, not who will."""
    return bool(_WON.search(clause)) and not _NOT_YET.search(clause)
