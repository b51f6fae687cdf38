"""Figures a question states and whether the sources state them: amounts ("$700m", "1,900
jobs", "12%"), names with a number ("gpt-5", "ps5", "cop28") and sizes with a unit ("2tb"). A
near miss often names the right company with a figure or a model no article has ("google 700m
settlement", "when does gpt-5 drop", "price of the 2tb steam deck"), and an answer about
another figure or model would mislead. Digits and Latin names read the same in a question in
any language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from index.text import STOPWORDS

__all__ = ["Amount", "amounts_in", "missing_amounts", "stated_amounts"]

_SCALES = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "t": 1e12,
    "tn": 1e12,
    "trillion": 1e12,
}
# A number not glued to letters before it ("h200", "gpt-5", "ps5" are names), with an optional
# currency sign before and a scale or percent after ("$69bn", "700m", "1.5 million", "12%").
_AMOUNT = re.compile(
    r"(?<![\w.,-])(?P<sign>[$£€¥])?\s?(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?"
    r"(?:\s?(?P<scale>k|mn|mln|m|bn|b|tn|t|thousand|millions?|billions?|trillion)\b"
    r"|\s?(?P<percent>%|percent\b|per cent\b))?"
    r"(?![\w-])",
    re.I,
)
# A name with a number glued or hyphenated to it: "gpt-5", "ps5", "h200", "cop28", "q3" (not
# "game 3" or "iphone 16", which articles write with other words between as often).
_NUMBERED_NAME = re.compile(r"(?<![\w-])(?P<name>[^\W\d_]+)-?(?P<number>\d{1,4})(?![\w-])")
_NOT_NAMES = frozenset(
    "top post pre mid non anti sub over under ex age aged day days week weeks year years "
    "game games round rounds week no number".split()
)
# Chat words spelt with a digit for its sound ("how long was he there b4 chelsea", "gr8"):
# no names.
_SPELT_WITH_DIGITS = frozenset("b4 gr8 w8 m8 h8 str8".split())
# "over 800 yards", "up to $2000": a bound, which a story may meet with another figure.
_BOUND = re.compile(
    r"\b(?:over|above|under|below|more than|less than|fewer than|almost|nearly|about|around|"
    r"roughly|approximately|up to|at least|at most|some|circa)\s*$|~\s*$",
    re.I,
)
# A size or spec typed with its unit ("2tb", "512 GB", "120hz", "48mp", "16in", "6.1-inch",
# "5000mah"): a product is sold by it, and a story about the 1 TB model is not about the 2 TB
# one. Units that read as words ("in", "w") count only glued to the number.
_UNITS = {
    "tb": "tb",
    "terabyte": "tb",
    "terabytes": "tb",
    "gb": "gb",
    "gigabyte": "gb",
    "gigabytes": "gb",
    "hz": "hz",
    "ghz": "ghz",
    "mp": "mp",
    "megapixel": "mp",
    "megapixels": "mp",
    "mah": "mah",
    "nm": "nm",
    "inch": "in",
    "inches": "in",
    "in": "in",
}
_MEASURE = re.compile(
    r"(?<![\w.,-])(?P<number>\d+(?:\.\d+)?)"
    r"(?:[\s-]?(?P<unit>tb|terabytes?|gb|gigabytes?|ghz|hz|mp|megapixels?|mah|nm|inch(?:es)?)"
    r"|(?P<glued>in))\b",
    re.I,
)
# A four-digit number in this range reads as a year ("2023 goals", "the 1989 tour").
_YEARS = range(1950, 2100)
# A bare number under this is a count, a rank or a model ("game 3", "iphone 16"), not a figure.
_MIN_BARE = 100


# A numbered name as people shorten it, by the initials of the words before the number: "s6"
# for "Season 6", "d4" for "Diablo 4", "ta-35" for "Tel Aviv 35", "ps5" for "PlayStation 5"
# (a capitalised word's capitals count as initials), "gta6" for "Grand Theft Auto 6". Only
# capitalised words: "scored 6" is no "s6".
_SPACED_NAME = re.compile(
    r"(?P<words>(?:\b[A-Z][\w'’]*(?:\s+(?:of|the))?\s+){1,4})(?P<number>\d{1,4})(?![\w-]|[.,]\d)"
)


def _initialled(text: str) -> set[str]:
    """The initials-and-number names of the capitalised words before each number in `text`."""
    names: set[str] = set()
    for match in _SPACED_NAME.finditer(text):
        words = [w for w in match["words"].split() if w[0].isupper()]
        number = int(match["number"])
        for first in range(len(words)):
            tail = words[first:]
            names.add("".join(w[0] for w in tail).lower() + str(number))
            names.add("".join(c for w in tail for c in w if c.isupper()).lower() + str(number))
    return names


# A season or an episode written out is the same name as its chat shorthand: "season six" and
# "Series 6" are "s6", "episode 3" is "e3" and "ep3" (the initials rule above reads only
# capitalised words, and no digit in "season six").
_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split(),
        start=1,
    )
}
_EPISODIC = re.compile(
    rf"\b(?P<kind>season|series|episode)\s+(?P<number>\d{{1,2}}|{'|'.join(_NUMBER_WORDS)})\b",
    re.I,
)
_EPISODIC_SHORT = {"season": ("s",), "series": ("s",), "episode": ("e", "ep")}


def _episodic(text: str) -> set[str]:
    """The shorthand names of the seasons and episodes `text` writes out ("s6", "ep3")."""
    names: set[str] = set()
    for match in _EPISODIC.finditer(text):
        word = match["number"].lower()
        number = _NUMBER_WORDS.get(word) or int(word)
        names |= {f"{short}{number}" for short in _EPISODIC_SHORT[match["kind"].lower()]}
    return names


# A quarter written out is the same name as "q1": "fiscal first-quarter results", "1Q".
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_WORDS = re.compile(r"\b(first|second|third|fourth)[\s-]+quarter\b|\b([1-4])Q\b", re.I)


@dataclass(frozen=True)
class Amount:
    """A figure as typed and its value (a percentage is kept apart from a plain number)."""

    text: str
    value: float
    percent: bool = False
    # For a name with a number ("gpt-5"): the name and number as one lower-case word ("gpt5").
    name: str = ""


def _read(match: re.Match[str]) -> Amount:
    value = float(match["number"].replace(",", "") + (match["fraction"] or ""))
    if match["scale"]:
        value *= _SCALES[match["scale"].lower()]
    return Amount(match.group().strip(), value, bool(match["percent"]))


def stated_amounts(text: str) -> tuple[Amount, ...]:
    """The figures a question states exactly: with a currency sign, a scale or a percent
    sign, or a bare number of at least three digits that is not a year; not a bound ("over
    800", "up to $2000")."""
    found: list[Amount] = []
    measures = list(_MEASURE.finditer(text))
    measured = {m.start() for m in measures}
    for match in _AMOUNT.finditer(text):
        if match.start("number") in measured or _BOUND.search(
            text, max(0, match.start() - 20), match.start()
        ):
            continue
        marked = match["sign"] or match["scale"] or match["percent"]
        if not marked:
            number = match["number"]
            year = "," not in number and int(number) in _YEARS
            if match["fraction"] or int(number.replace(",", "")) < _MIN_BARE or year:
                continue
        found.append(_read(match))
    for match in _NUMBERED_NAME.finditer(text):
        name = match["name"].lower()
        # "cop28", not a Cyrillic word glued to a number; "under-30", "top-10" are no names.
        if (
            name.isascii()
            and name not in STOPWORDS
            and name not in _NOT_NAMES
            and match.group().lower() not in _SPELT_WITH_DIGITS
        ):
            found.append(Amount(match.group(), float(match["number"]), name=_named(match)))
    found.extend(Amount(m.group(), float(m["number"]), name=_measured(m)) for m in measures)
    return tuple(found)


def _measured(match: re.Match[str]) -> str:
    """A size as one word, its unit however spelt: "2 TB", "2-terabyte" and "2tb" are "2tb"."""
    unit = _UNITS[(match["unit"] or match["glued"]).lower()]
    return f"{float(match['number']):g}{unit}"


def _named(match: re.Match[str]) -> str:
    return f"{match['name'].lower()}{int(match['number'])}"


def amounts_in(text: str) -> set[tuple[float, bool]]:
    """Every figure in `text` as (value, is a percentage)."""
    found: set[tuple[float, bool]] = set()
    for match in _AMOUNT.finditer(text):
        amount = _read(match)
        found.add((amount.value, amount.percent))
    return found


def missing_amounts(stated: Iterable[Amount], texts: Iterable[str]) -> list[Amount]:
    """The stated figures that none of `texts` has ("$700 million" has "700m"; "1,900" has
    "1900"; "GPT-5" has "gpt-5" and "gpt5", "GPT-4" has neither)."""
    wanted = list(stated)
    if not wanted:
        return []
    seen: set[tuple[float, bool]] = set()
    names: set[str] = set()
    for text in texts:
        seen |= amounts_in(text)
        names |= {_named(m) for m in _NUMBERED_NAME.finditer(text)} | _initialled(text)
        names |= _episodic(text)
        names |= {_measured(m) for m in _MEASURE.finditer(text)}
        names |= {f"q{_ORDINALS[(m[1] or m[2]).lower()]}" for m in _QUARTER_WORDS.finditer(text)}
    return [
        a
        for a in wanted
        if (a.name not in names if a.name else not any(_same(a, v, pc) for v, pc in seen))
    ]


def _same(amount: Amount, value: float, percent: bool) -> bool:
    if amount.percent != percent:
        return False
    return abs(amount.value - value) <= 1e-6 * max(1.0, abs(amount.value))
