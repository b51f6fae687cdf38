"""Whether a question asks a count of something (users, copies sold, people, streams, a vote's
tally) and the pattern of a sentence that states that count.

A near miss often asks the figure a covered story leaves out: "how many steam deck oleds has
valve sold" over the review of the console, "how many users does binance have" over its
founder's plea, "how many copies did the memoir sell" over the book's announcement. The quoted
sentences name the product and read close to the question; none says how many. An answer
states a number with the thing counted ("100 million weekly active users", "sold 2.2m
tickets"), which a sentence about the product without it cannot stand in for.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["count_asked", "share_asked"]

# Things people ask to be counted, as typed; the stems a sentence writes them with. People are
# counted under many names: "how many workers struck" is answered by "1,400 members joined the
# strike", "how many ppl did epic lay off" by "fired roughly 830 people" or "cut 830 jobs".
# A study counts its "participants", a survey its "respondents" or "adults", a ferry its
# "passengers".
_PEOPLE = (
    "people|person|worker|employee|staff|member|job|fan|attendee|spectator|resident"
    "|participant|respondent|volunteer|patient|adult|child|kid|student|voter"
    "|passenger|visitor|traveller|traveler|victim|civilian|individual|citizen"
)
_COUNTED = {
    "users": "user",
    "subscribers": "subscri",
    "subs": "subscri",
    "views": "view",
    "viewers": "viewer",
    "copies": "cop(?:y|ies)",
    "units": "unit",
    "players": "player",
    "customers": "customer",
    "listeners": "listener",
    "streams": "stream",
    "downloads": "download",
    "tickets": "ticket",
    "points": "point",
    "pts": "point",
    "goals": "goal",
    "homers": "home",
    "touchdowns": "touchdown",
    "tds": "touchdown",
    "yards": "yard",
    "trips": "trip",
    "tries": "tr(?:y|ies)",
    "wickets": "wicket",
    "sixes": "six",
    "counts": "count",
    "charges": "charge",
    "songs": "song",
    "episodes": "episode",
    "states": "state",
    "countries": "countr",
    "seats": "seat",
    # prizes won and things counted by their own names, which articles do not write otherwise
    "oscars": "(?:oscar|academy\\s+award)",
    "grammys": "grammy",
    "emmys": "emmy",
    "medals": "medal",
    "trophies": "troph",
    "nominations": "nominat",
    "reservations": "(?:reservation|pre-?order)",
    "preorders": "(?:pre-?order|reservation)",
    "pre-orders": "(?:pre-?order|reservation)",
    **dict.fromkeys(
        ["deaths", "died", "dead", "killed"], "(?:death|dead|died|killed|fatalit|people)"
    ),
    **dict.fromkeys(
        ["people", "ppl", "workers", "employees", "staff", "members", "fans", "jobs"], _PEOPLE
    ),
}
_ASKS_COUNTED = re.compile(
    r"\bhow\s+many\s+(?:[\w-]+\s+){0,2}?(" + "|".join(_COUNTED) + r")\b", re.I
)
# "how many … did valve sell / tesla deliver / was temu downloaded / signed up".
_ASKS_SOLD = re.compile(
    r"\bhow\s+many\b[^?,;]*\b(?:sold|sell|sells|selling|deliver(?:ed|s|y)?|shipped|ship"
    r"|download(?:ed|s)?|sign(?:ed)?\s+up)\b",
    re.I,
)
# A number as articles write one: "830", "2.2m", "1.27 million", "seven", "dozens".
_NUMBER = (
    r"(?:\d(?:[\d,.]*\d)?\s*(?:million|billion|m|k|bn)?|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozens?|hundreds?|thousands?"
    r"|millions?|billions?)"
)

# The words a sale of any product is counted in.
_SOLD_AS = frozenset({_COUNTED["units"], _COUNTED["copies"]})


def _sold_said(unlike: str) -> str:
    """A sale stated with its number ("sold 2.2m", "80,000 units"), where the number counts
    none of the things `unlike` matches: "sold 2.2m tickets" is no count of copies sold. A
    year before a sale is a name or a date ("Swift's 1989 tour sold …"), not its number."""
    other = rf"(?![\w.,]*\s+(?:{unlike})\w*\b)" if unlike else ""
    word = rf"\s+(?!(?:{unlike})\w*\b)[\w-]+" if unlike else r"\s+[\w-]+"
    return (
        rf"\b(?:sold|sales\s+of|deliver(?:ed|ies)|shipped|downloaded|signed\s+up)"
        rf"\s+(?:[\w-]+\s+){{0,3}}?{_NUMBER}\b{other}"
        rf"|\b(?!(?:19|20)\d\d\b){_NUMBER}(?:{word}){{0,3}}?\s+(?:units|sold|deliveries|downloads|copies"
        rf"|sign[- ]?ups)\b"
    )


# A vote's tally: "what was the tally", "vote count", "how many gop voted against him".
_ASKS_TALLY = re.compile(
    r"\b(?:tally|vote\s+count|how\s+many\s+(?:votes|(?:\w+\s+){0,2}voted))\b", re.I
)
_TALLY_SAID = re.compile(
    r"\b\d+\s*(?:-|–|to)\s*\d+\b|\b\d+\s+(?:\w+\s+){0,2}(?:votes?|voted|voting|lawmakers"
    r"|members|mps|meps|republicans|democrats|senators)\b",
    re.I,
)


# A crowd asked: "what was the attendance at arizona vs utah", "how big was the crowd". A
# sentence states it with a number: "in front of 48,000 fans", "a crowd of 20,000", "average
# attendance of 4,365"; "a sold out stadium" tells no size.
_ASKS_CROWD = re.compile(r"\b(?:attendance|crowd|turnout)\b", re.I)
_CROWD_SAID = re.compile(
    rf"\b{_NUMBER}(?:\s+[\w-]+){{0,3}}?[\s-]+(?:fans|spectators|supporters|people|crowd"
    rf"|attend\w*|in\s+attendance)\b"
    rf"|\b(?:attendance|crowd|turnout)\b(?:\s+[\w-]+){{0,3}}?\s+(?:of\s+)?{_NUMBER}",
    re.I,
)


def count_asked(question: str) -> re.Pattern[str] | None:
    """The pattern of a sentence stating the count `question` asks ("how many weekly users":
    a number within a few words before "users"), or None when it asks no count of a thing."""
    if _ASKS_TALLY.search(question):
        return _TALLY_SAID
    counted = _ASKS_COUNTED.search(question)
    if counted is None and _ASKS_CROWD.search(question):
        return _CROWD_SAID
    sold = _ASKS_SOLD.search(question)
    if counted is None and sold is None:
        return None
    stem = _COUNTED[counted[1].lower()] if counted else ""
    return _pattern(stem, sold is not None)


@lru_cache(maxsize=64)
def _pattern(stem: str, sold: bool) -> re.Pattern[str]:
    # People are also counted as a share of them: "14% of adults".
    share = r"(?:\s*(?:%|per\s*cent\b|percent\b))?" if stem == _PEOPLE else ""
    said = [rf"\b{_NUMBER}{share}(?:\s+[\w-]+){{0,3}}?[\s-]+(?:{stem})\w*"] if stem else []
    if sold:
        # what else a sale may count; units and copies are what any product sells in
        others = sorted({*_COUNTED.values(), _PEOPLE} - {stem, *_SOLD_AS})
        said.append(_sold_said("|".join(others) if stem else ""))
    return re.compile("|".join(said), re.I)


# A share of a whole asked: "how much of ftx did gary wang own", "what % of adults", "how big a
# stake"; a sentence states it as a percentage, a fraction or so many of so many ("17 percent
# of FTX", "half", "24 of the team's 28").
_ASKS_SHARE = re.compile(
    r"\bhow\s+much\s+of\b|\bwhat\s+(?:percent(?:age)?|share|portion|fraction|proportion)\b"
    r"|\bwhat\s*%|\bhow\s+big\s+(?:a|of\s+a)\s+(?:stake|share)\b|\bwhat\s+stake\b",
    re.I,
)
_SHARE_SAID = re.compile(
    r"\d[\d.,]*\s*(?:%|per\s*cent\b|percent\b)"
    r"|\b(?:half|a\s+third|two[- ]thirds|a\s+quarter|three[- ]quarters|majority|minority"
    r"|one\s+in\s+(?:two|three|four|five|\d+))\b"
    # so many of so many: "24 of the team's 28 touchdowns", "nine out of 10"
    r"|\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:out\s+)?of\s+"
    r"(?:[\w'’-]+\s+){0,2}?\d[\d,]*\b",
    re.I,
)


def share_asked(question: str) -> re.Pattern[str] | None:
    """The pattern of a sentence stating a share of a whole, when `question` asks one."""
    return _SHARE_SAID if _ASKS_SHARE.search(question) else None
