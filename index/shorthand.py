"""Chat shorthand in a question spelt out ("man utd" -> "man united", "late pen" -> "late
penalty") when the corpus writes those words in full more often than the shorthand.

People type on a phone the way they talk about the news: clubs, tickers and tournaments by
their short forms. Articles write the words out, so the shorthand finds nothing in the lexical
index and is a word the answer "must cover" that no sentence has. Only a lower-case word of
`SHORTHAND` standing alone is looked at, and it is replaced only when each word of its full form
is used by at least `MIN_PASSAGES` passages, more than use the shorthand itself: where the
sources write "pen" as often as "penalty", "pen" is their word too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

__all__ = ["MIN_PASSAGES", "SHORTHAND", "spell_out_shorthand"]

MIN_PASSAGES = 3

# Shorthand common in English chat about the news, and what it stands for. Only forms with one
# reading in a news question: "gov" (government or governor), "admin", "ko", "td" and the like
# are left out.
SHORTHAND: dict[str, str] = {
    # teams, competitions, sport
    "utd": "united",
    "wc": "world cup",
    "ucl": "champions league",
    "cl": "champions league",
    "epl": "premier league",
    "prem": "premier league",
    "pen": "penalty",
    "pens": "penalties",
    "champs": "champions",
    "pts": "points",
    "szn": "season",
    "mgr": "manager",
    "aus": "australia",
    "qb": "quarterback",
    "qbs": "quarterbacks",
    "ot": "overtime",
    "refs": "referees",
    "tourney": "tournament",
    "champ": "champion",
    "bball": "basketball",
    # teams by their nicknames, where the sources write the name ("niners" -> "49ers")
    "niners": "49ers",
    "pats": "patriots",
    "bucs": "buccaneers",
    "sixers": "76ers",
    "yanks": "yankees",
    "dbacks": "diamondbacks",
    "jags": "jaguars",
    "habs": "canadiens",
    "phils": "phillies",
    "windies": "west indies",
    "gunners": "arsenal",
    "zags": "gonzaga",
    "mavs": "mavericks",
    "cavs": "cavaliers",
    "celts": "celtics",
    # government and institutions
    "govt": "government",
    "pres": "president",
    "prez": "president",
    "intl": "international",
    "dept": "department",
    "mgmt": "management",
    "econ": "economy",
    "natl": "national",
    "cmte": "committee",
    "uni": "university",
    "dems": "democrats",
    "repubs": "republicans",
    "disinfo": "disinformation",
    "misinfo": "misinformation",
    # business, science, media
    "mkt": "market",
    "mkts": "markets",
    "biz": "business",
    "exec": "executive",
    "execs": "executives",
    "hq": "headquarters",
    "acct": "account",
    "accts": "accounts",
    "avg": "average",
    "approx": "approximately",
    "pct": "percent",
    "chem": "chemistry",
    "sci": "science",
    "vax": "vaccine",
    "hosp": "hospital",
    "vid": "video",
    "vids": "videos",
    "refurb": "refurbished",
    "refurbs": "refurbished",
    "tix": "tickets",
    "sched": "schedule",
    "amt": "amount",
    "bil": "billion",
    "ep": "episode",
    "convo": "conversation",
    "devs": "developers",
    "msg": "message",
    "msgs": "messages",
    "yt": "youtube",
    "fb": "facebook",
    "ig": "instagram",
    "gf": "girlfriend",
    "bf": "boyfriend",
    # quantities and time
    "mil": "million",
    "bn": "billion",
    "yr": "year",
    "yrs": "years",
    "mth": "month",
    "wk": "week",
    "mins": "minutes",
    "hrs": "hours",
    "wks": "weeks",
    "mths": "months",
    "tmrw": "tomorrow",
    "yday": "yesterday",
    "qtr": "quarter",
    "wknd": "weekend",
    "bday": "birthday",
    "xmas": "christmas",
    "nite": "night",
    "tonite": "tonight",
    "ppl": "people",
    # little words typed short in a chat ("wat did ten hag say", "thru 2027", "abt living down
    # south"): kept as typed, they were words an answer had to cover that no story writes;
    # spelt out, most are stop words. Not "hw" (hardware too) nor "bc" (British Columbia).
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "wen": "when",
    "whn": "when",
    "wher": "where",
    "abt": "about",
    "cuz": "because",
    "coz": "because",
    "thru": "through",
    "ur": "your",
    "smth": "something",
    "sth": "something",
    "gonna": "going to",
    "wanna": "want to",
    # stock tickers typed as names
    "msft": "microsoft",
    "aapl": "apple",
    "goog": "google",
    "googl": "google",
    "amzn": "amazon",
    "tsla": "tesla",
    "nvda": "nvidia",
    "nflx": "netflix",
    # crypto tickers
    "btc": "bitcoin",
    "eth": "ethereum",
}

# A lower-case word standing alone: not part of a hyphenated word, a handle, an address or a
# number.
_WORD = re.compile(r"(?<![\w'’./@#-])[a-z]+(?![\w'’/@-]|\.\w)")

# How many passages use each word (as the lexical index counts them).
Frequencies = Callable[[Iterable[str]], dict[str, int]]


def spell_out_shorthand(text: str, frequencies: Frequencies) -> str:
    """`text` with each word of `SHORTHAND` the sources write in full replaced by its full
    form; everything else as typed."""
    found = [m for m in _WORD.finditer(text) if m.group() in SHORTHAND]
    if not found:
        return text
    shorthand = {m.group() for m in found}
    words = shorthand | {w for short in shorthand for w in SHORTHAND[short].split()}
    counts = frequencies(words)

    def written_out(short: str) -> bool:
        used = [counts.get(w, 0) for w in SHORTHAND[short].split()]
        return min(used) >= MIN_PASSAGES and min(used) > counts.get(short, 0)

    pieces: list[str] = []
    end = 0
    for match in found:
        if written_out(match.group()):
            pieces += [text[end : match.start()], SHORTHAND[match.group()]]
            end = match.end()
    return "".join(pieces) + text[end:]
