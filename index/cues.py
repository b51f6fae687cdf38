"""What a question says besides its words: the outlets, dates and times it names, the sources
it asks about, whether it wants the latest news, and the parts of a multi-part question.

Retrieval uses these as boosts and sub-queries (`index.search`); the decision to decline uses the
sources a question names that none of the passages comes from (`index.answer`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from index.outcomes import asks_result
from index.text import LIGHT_VERBS, STOPWORDS

__all__ = [
    "PART_FILLER",
    "REPORTING_WORDS",
    "Cues",
    "date_matches",
    "mask_outlets",
    "named_outlets",
    "named_sources",
    "outlet_aliases",
    "outlet_name",
    "outlets_by_name",
    "question_parts",
    "read_cues",
    "strip_controls",
    "time_matches",
    "topic_then_question",
]

# Unicode's control characters (category Cc), NUL first among them.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def strip_controls(question: str) -> str:
    """The question with every control character (NUL included) replaced by a space.

    The parsers below mark known outlets and hidden names with NUL-delimited placeholders;
    a question must never be able to forge one.
    """
    return _CONTROL.sub(" ", question)


_RECENT_CUE = re.compile(
    r"\b(latest|newest|recent(ly)?|most recent|this week|today|now|current(ly)?)\b", re.I
)


# -- outlets, dates and sources -----------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATES = (
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR}\b)?", re.I),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?:,?\s+{_YEAR}\b)?", re.I
    ),
    re.compile(rf"\b{_YEAR}-(?P<number>\d\d)-(?P<day>\d\d)"),
)
_TIME = re.compile(r"\b(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?::[0-5]\d)?\b")


@dataclass(frozen=True)
class Cues:
    """What a question says besides its words: outlets, dates, times, a wish for the latest."""

    outlets: frozenset[str] = frozenset()
    dates: tuple[tuple[int | None, int, int], ...] = ()  # (year or None, month, day)
    times: tuple[tuple[int, int], ...] = ()  # (hour, minute)
    recent: bool = False


# An outlet's name in capitals before the rest of its name ("BBC News", "FOX News").
_ACRONYM = re.compile(r"[A-Z]{3,}")


def outlet_aliases(outlet: str) -> set[str]:
    """Names a question may use for an outlet: its full name, the part before a " - " or " | "
    subtitle ("Cnbc | World Business News Leader" -> "Cnbc"), its first word where that is in
    capitals ("BBC News" -> "BBC"), and without a leading "The" or a trailing ".com" when what
    is left is still distinctive."""
    names = {" ".join(outlet.split()), outlet_name(outlet)}
    words = outlet_name(outlet).split()
    if len(words) >= 2 and _ACRONYM.fullmatch(words[0]):
        names.add(words[0])  # "BBC News" is "the BBC"
    for name in list(names):
        if name.lower().startswith("the ") and len(name) - 4 >= 6:
            names.add(name[4:])
        if name.lower().endswith(".com") and len(name) - 4 >= 4:
            names.add(name[:-4])
    return {n for n in names if len(n) >= 3}


def outlet_name(outlet: str) -> str:
    """An outlet's name without the section a feed adds ("FOX News - Health" -> "FOX News",
    "Cnbc | World Business News Leader" -> "Cnbc")."""
    return re.split(r"\s+[-|–—:]\s+|:\s+", outlet.strip(), maxsplit=1)[0].strip() or outlet


def outlets_by_name(outlets: Iterable[str]) -> dict[str, frozenset[str]]:
    """`outlets` grouped under their names, an outlet's sections together: "did fox news and
    techcrunch both cover it" names two outlets, not FOX News's three sections and TechCrunch."""
    groups: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for outlet in sorted(outlets):
        name = outlet_name(outlet)
        key = " ".join(name.lower().split())
        names.setdefault(key, name)
        groups.setdefault(key, set()).add(outlet)
    return {names[key]: frozenset(group) for key, group in groups.items()}


@lru_cache(maxsize=8)
def _outlet_matcher(outlets: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, set[str]]]:
    owners: dict[str, set[str]] = {}
    acronyms: set[str] = set()
    for outlet in outlets:
        for alias in outlet_aliases(outlet):
            owners.setdefault(alias.lower(), set()).add(outlet)
            if _ACRONYM.fullmatch(alias):
                acronyms.add(alias.lower())
    # Longest first, so "The Independent - Sports" wins over "The Independent" at one position.
    alternatives = sorted(owners, key=len, reverse=True)
    # A name in capitals followed by another capitalised word is another outlet of the same
    # house ("BBC Sport" is not "BBC News").
    body = "|".join(
        r"\s+".join(re.escape(w) for w in a.split())
        + (r"(?!\s+(?-i:[A-Z]))" if a in acronyms else "")
        for a in alternatives
    )
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I), owners


def _capitalised_like(found: str, alias: str) -> bool:
    """ "Fortune" names the outlet, "a fortune" does not: capitals must match the alias's, and
    a name in capitals must be typed in capitals ("FOX" is the outlet, "Fox" a name too)."""
    if _ACRONYM.fullmatch(alias):
        return found == alias
    words = found.split()
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
        alias = alias.split(None, 1)[1] if alias.lower().startswith("the ") else alias
    return all(
        not a[:1].isupper() or w[:1].isupper() for w, a in zip(words, alias.split(), strict=False)
    )


def mask_outlets(text: str, outlets: Sequence[str], mask: str = " ") -> str:
    """`text` with every mention of the `outlets` (by any alias) replaced by `mask`; with an
    empty `mask`, by as many spaces, so positions in the text stay where they were."""
    if not outlets:
        return text
    pattern = _outlet_matcher(tuple(sorted(outlets)))[0]
    if not mask:
        return pattern.sub(lambda found: " " * len(found.group()), text)
    return pattern.sub(mask, text)


def named_outlets(question: str, outlets: Sequence[str]) -> set[str]:
    """The stored outlets the question names, by full name or alias."""
    if not outlets:
        return set()
    pattern, owners = _outlet_matcher(tuple(sorted(outlets)))
    named: set[str] = set()
    for match in pattern.finditer(question):
        key = " ".join(match.group().split()).lower()
        group = owners.get(key, set())
        aliases = [a for o in group for a in outlet_aliases(o) if a.lower() == key]
        acronym = any(_ACRONYM.fullmatch(a) for a in aliases)
        if _as_source(question, match, acronym) or any(
            _capitalised_like(match.group(), a) for a in aliases
        ):
            named |= group
    return named


# Words saying what an outlet did, not what it did it about: a question naming an outlet leaves
# them out of its topic, as it leaves out the outlet's name.
REPORTING_WORDS = frozenset(
    """say says said saying report reports reported reporting write writes wrote written
    article articles story stories coverage cover covers covered piece pieces claim claims
    claimed""".split()
)
# People who type in lower case still name outlets as sources: "did techcrunch cover it",
# "what did the verge say", "according to fortune". Without capitals, the words around the
# name must say it is a source ("on the verge of", "made a fortune" say nothing of the kind).
_REPORTING = re.compile(
    r"^(?:\W+\w+){0,4}?\W+(?:"
    + "|".join(sorted(REPORTING_WORDS))
    + r"|review|reviews|headline|headlines|post|posts|podcast|interview|thinks?|reckons?)\b",
    re.I,
)
_ACCORDING = re.compile(r"\b(?:according to|as reported by|reported by|per)(?:\s+the)?\s*$", re.I)
# A name in capitals typed in lower case is an outlet after these words only ("that pastor on
# fox said", not "michael j fox said").
_OUTLET_LEAD = re.compile(r"(?:^|\b(?:the|on|from|by|per|to|in|at|via|and|or))\s*$", re.I)


def _as_source(question: str, match: re.Match[str], acronym: bool = False) -> bool:
    before = question[max(0, match.start() - 30) : match.start()]
    if acronym and not _OUTLET_LEAD.search(before):
        return False
    return bool(_REPORTING.match(question[match.end() :]) or _ACCORDING.search(before))


_ONE_NAME = (
    r"(?:['‘\"]?[A-Z][\w.&'’-]*(?:\s+(?:of\s+|&\s+|-\s+|\|\s+|for\s+)?[A-Z][\w.&'’-]*)*|\x00)"
)
# One name, or a list of them ("The Wall Street Journal and CNN"); \x00 stands for a known outlet.
_SOURCE_NAME = rf"(?P<name>{_ONE_NAME}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?{_ONE_NAME})*)"
_SOURCE_KIND = (
    r"(?:article|report|piece|review|story|stories|coverage|analysis|post|editorial|interview"
    r"|column|segment|publication)s?"
)
# "an article from NAME", "a NAME report", "according to NAME", "as reported by NAME", …
_SOURCE_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b{_SOURCE_KIND}\s+(?:from|by|in)\s+(?:an?\s+|the\s+)?{_SOURCE_NAME}",
        rf"\b(?i:from|by|in)\s+(?:an?\s+|the\s+)?{_SOURCE_NAME}(?:'s|’s)?\s+{_SOURCE_KIND}\b",
        rf"\b(?:(?i:an?|both|two)|the)\s+{_SOURCE_NAME}(?:'s|’s)?\s+{_SOURCE_KIND}\b",
        rf"\b(?i:according\s+to)\s+(?:an?\s+|the\s+)?{_SOURCE_NAME}",
        rf"\b(?i:reported|published|covered)\s+(?:by|in)\s+(?:both\s+)?(?:the\s+)?{_SOURCE_NAME}",
    )
)
_NOT_SOURCES = frozenset(_MONTHS) | {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}


def named_sources(question: str, known: Sequence[str] = ()) -> list[str]:
    """Names the question gives as the source of an article, other than the `known` outlets.

    "Considering a Bloomberg report and an article from The Verge" with The Verge known gives
    `["Bloomberg"]`: the question asks what a source said that is not among `known`.
    """
    text = mask_outlets(strip_controls(question), known, "\x00")
    found: list[str] = []
    for pattern in _SOURCE_PATTERNS:
        for match in pattern.finditer(text):
            for name in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", match.group("name")):
                name = re.sub(r"(?:'s|’s)$", "", name.strip(" '’\"\x00"))
                name = re.sub(r"^the\s+", "", name)
                if name[:1].isupper() and name.lower() not in _NOT_SOURCES and name not in found:
                    found.append(name)
    return found


def read_cues(question: str, outlets: Sequence[str] = ()) -> Cues:
    """Outlets, dates and times named in a question, and whether it asks for the latest."""
    dates: list[tuple[int | None, int, int]] = []
    for pattern in _DATES:
        for match in pattern.finditer(question):
            groups = match.groupdict()
            month = (
                int(groups["number"]) if groups.get("number") else _MONTHS[groups["month"].lower()]
            )
            day = int(groups["day"])
            year = int(groups["year"]) if groups.get("year") else None
            if 1 <= month <= 12 and 1 <= day <= 31 and (year, month, day) not in dates:
                dates.append((year, month, day))
    times = tuple(
        dict.fromkeys((int(m["hour"]), int(m["minute"])) for m in _TIME.finditer(question))
    )
    return Cues(
        outlets=frozenset(named_outlets(question, outlets)),
        dates=tuple(dates),
        times=times,
        recent=_RECENT_CUE.search(question) is not None,
    )


def date_matches(published: datetime | None, dates: Sequence[tuple[int | None, int, int]]) -> bool:
    """Published on a named date, give or take a day for time zones."""
    if published is None:
        return False
    day = published.date()
    for year, month, number in dates:
        try:
            named = date(year or day.year, month, number)
        except ValueError:
            continue
        if abs(day - named) <= timedelta(days=1):
            return True
    return False


def time_matches(published: datetime | None, times: Sequence[tuple[int, int]]) -> bool:
    return published is not None and (published.hour, published.minute) in times


# -- questions in parts ---------------------------------------------------------------------

# Cuts: commas, semicolons, question marks, "while"/"whereas", and before an "and" that starts
# a second question ("why was the watch banned and what did Apple show").
_ASKING = (
    r"(?:what|why|how|who|whom|when|where|which|whether|did|does|do|is|are|was|were|has|have|"
    r"had|will|would|can|could|should|whats|whos|hows|wheres|whens|whys)\b"
)
_PART_BREAK = re.compile(
    r"\s*[,;?]\s+|\s*\?$|\s+(?:while|whereas)\s+|\s+(?=(?:and|&|plus)\s+(?:also\s+)?"
    + _ASKING
    + ")",
    re.I,
)
# Casual questions are also cut at "and", "+", "but", " - " and ":" (see `question_parts`), and
# at "vs" or a chat "n" before a question ("trump fraud ruling vs how rich is he", "… n how much
# did they pay"): "man utd vs chelsea" is one match, not two stories, and "rock n roll" one thing.
_CASUAL_BREAK = re.compile(
    _PART_BREAK.pattern
    + r"|\s+(?:and|&|plus|but|also)\s+|\s*\+\s*|\s+[-–—]+\s+|\s*:\s+|\s+(?:vs\.?|versus|n)\s+(?="
    + _ASKING
    + ")",
    re.I,
)
# Names before a colon or dash are cut at "vs" too ("sbf vs cz - what did each get").
_NAMES_BREAK = re.compile(_CASUAL_BREAK.pattern + r"|\s+(?:vs\.?|versus)\s+", re.I)
# "A vs B" compares two stories when each side has at least this many informative words.
_VERSUS = re.compile(r"\s+(?:vs\.?|versus)\s+", re.I)
_MIN_COMPARED_WORDS = 4
# A chat "n" joins two questions when each side has at least this many informative words
# ("bears panthers tnf score n utd galatasaray result"); "rock n roll", "salt n pepa" and
# "rovers n united" are one thing.
_CHAT_AND = re.compile(r"\s+n\s+", re.I)
_MIN_JOINED_WORDS = 3
# A short topic before a colon or a dash ("housing market: rates + sales") belongs to every part.
_TOPIC = re.compile(r"^(?P<topic>[^:]+?)(?:\s*:\s+|\s+[-–—]+\s+)(?P<rest>.+)$", re.S)
_MAX_TOPIC_WORDS = 4
_LEADING_JOINER = re.compile(r"^\s*(?:(?:and|&|plus|but|also|then)\s+)+", re.I)
# Two things weighed against each other are two stories, each searched with what is weighed:
# "which fare is cheaper, the ferry or the bus" (a short asking lead with a comparative, then
# "A or B") and "compare the toll rise with what the bridge charges" ("compare A with B").
_ALTERNATIVES = re.compile(
    r"^(?P<lead>(?:which|who|what|whats|whos)\b[^,?]*)(?:\s*[,?]\s+|\s*:\s+)(?P<rest>.+)$",
    re.I | re.S,
)
_OR = re.compile(r"\s+or\s+", re.I)
_COMPARATIVE = re.compile(
    r"\b(?:more|less|fewer|most|least|better|best|worse|worst|bigger|biggest|smaller|larger|"
    r"largest|higher|highest|lower|lowest|longer|shorter|faster|slower|cheaper|cheapest|pricier|"
    r"priciest|richer|older|newer|younger|earlier|later|harder|easier|stronger|weaker|greater|"
    r"closer|wider|heavier|busier|hotter|colder|safer|riskier)\b",
    re.I,
)
_COMPARE = re.compile(
    r"^\s*compare\s+(?P<first>.+?)\s+(?:with|to|and|against|vs\.?|versus)\s+(?P<second>.+)$",
    re.I | re.S,
)
_NUMBER = re.compile(r"^\d[\d.,]*$")
# Words of a later part that point back to the first part's subject.
_BACK_REFERENCES = frozenset("it its they them their he him his she her".split())
_EVERY_PART = frozenset("both each either".split())
# "know each other" asks about two people together, not about each part.
_EACH_OTHER = re.compile(r"\beach\s+other\b", re.I)
# A later part that names only the other side ("bayern at leipzig and vs frankfurt in dec")
# plays the first part's subject.
_OTHER_SIDE = re.compile(r"\s*(?:vs?\.?|versus|against)\s", re.I)
# Words that make no part on their own in a chat ("..., transport news", "..., both pls",
# "..., according to the bbc"): a part's words to cover leave them out.
PART_FILLER = (
    frozenset(
        "news story stories study studies latest update updates info pls please plz thx "
        "according".split()
    )
    | _EVERY_PART
    | LIGHT_VERBS
)
_BEFORE_OUTLET = re.compile(
    r"(?:\b(?:and|or|with|to|from|by|in|of|the|a|an|both)\s+|['‘\"]\s*)*$", re.I
)
_WORD = re.compile(r"\w+")
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")


def _informative(text: str, filler: frozenset[str] = frozenset()) -> int:
    """Informative words of a piece (not `filler`); a hidden outlet name or date counts as one."""
    words = _WORD.findall(_PLACEHOLDER.sub(" ", text).lower())
    return len(_PLACEHOLDER.findall(text)) + sum(
        1 for w in words if w not in STOPWORDS and w not in filler and len(w) > 1
    )


def question_parts(
    question: str, outlets: Sequence[str] = (), min_words: int = 3, casual: bool = False
) -> list[str]:
    """The parts of a multi-part question, each to be searched on its own.

    A question is cut at commas, semicolons and "while"/"whereas", and before a second outlet
    it names ("... the TechCrunch article on X and the Verge article on Y"); outlet names,
    dates and titles with a colon ("Castlevania: Nocturne") are never cut, and a part with
    fewer than `min_words` informative words joins its neighbour. A question with one part
    gives `[]`.

    `casual` reads a short question as people type it in a chat: it is also cut at "and", "+",
    "but", " - " and ":", and at "vs" before a question ("man utd vs chelsea" stays one match);
    parts of two words are enough. A topic before a colon or dash is shared by every part
    ("beeper mini: what it costs and did apple kill it"), two names before it each get the rest
    ("sbf vs cz - what did each get"), and a part that says "it" or "they" is given the first
    part's first word ("cybertruck price and is it dangerous"), as is one that names only the
    other side ("bayern at leipzig in sept and vs frankfurt in dec"). Names joined as one subject
    just after the asking words stay one question ("did taylor swift and travis kelce get
    engaged").
    """
    kept: list[str] = []

    def hide(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"\x00{len(kept) - 1}\x00"

    text = strip_controls(question)
    if outlets:
        text = _outlet_matcher(tuple(sorted(outlets)))[0].sub(hide, text)
    for pattern in _DATES:
        text = pattern.sub(hide, text)
    text = _TITLE_COLON.sub(hide, text)
    if casual:
        parts = _casual_parts(text, kept, outlets)
    else:
        parts = _split(text, _PART_BREAK, kept, outlets, min_words)
    if len(parts) < 2:
        return []
    return [" ".join(_PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], p).split()) for p in parts]


# A colon between two capitalised words joins a title's parts ("Castlevania: Nocturne",
# "Renaissance: A Film by Beyoncé"): no part begins after it.
_TITLE_COLON = re.compile(r"\b[A-Z][\w'’]*:\s+[A-Z][\w'’]*")

# What parts a topic from its question: a comma, a dash or a colon, and no word joining a
# second question ("steam deck oled - how many units has valve sold", but "nike q1 eps, and
# how much did asos lose" asks two things).
_TOPIC_MARK = re.compile(r"\s*(?:,|[-–—]+|:)\s*")
_SECOND_QUESTION = re.compile(r"(?:and|also|plus|n)\b|[+&]", re.I)
_ASKS = re.compile(r"\b" + _ASKING + r"|\?", re.I)


def topic_then_question(question: str, parts: Sequence[str]) -> bool:
    """Whether the two `parts` of `question` are a topic, then the one question asked of it
    ("bronny's usc debut, how many pts did he score"): the first asks nothing, and a comma, a
    dash or a colon sets it apart. Searched in two parts, it is still one question."""
    if len(parts) != 2:
        return False
    topic = parts[0]
    if not question.lower().startswith(topic.lower()) or _ASKS.search(topic):
        return False
    mark = _TOPIC_MARK.match(question, len(topic))
    return mark is not None and not _SECOND_QUESTION.match(question, mark.end())


def _split(
    text: str,
    breaks: re.Pattern[str],
    kept: Sequence[str],
    outlets: Sequence[str],
    min_words: int,
    filler: frozenset[str] = frozenset(),
    asked_apart: bool = False,
) -> list[str]:
    """`text` cut at `breaks` and before second outlets, short pieces joined to a neighbour.

    With `asked_apart`, a second and last piece that joins a question of its own ("… and where
    was he headed after", "… and why no prenup") stands as a part with one informative word:
    its "and" and asking words say it is one."""
    pieces: list[str] = []
    for piece in breaks.split(text):
        if piece and piece.strip():
            pieces.extend(_cut_before_outlets(piece, kept, outlets))
    parts: list[str] = []
    for piece in pieces:
        if parts and _informative(parts[-1], filler) < min_words:
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    if len(parts) > 1 and _informative(parts[-1], filler) < min_words:
        asked = asked_apart and len(parts) == 2 and bool(_JOINED_QUESTION.match(parts[-1]))
        if not (asked and _informative(parts[-1], filler) >= 1):
            last = parts.pop()
            parts[-1] = f"{parts[-1]} {last}"
    return parts


# A piece that joins a second question to the first ("and where did he go").
_JOINED_QUESTION = re.compile(r"^\s*(?:and|&|plus)\s+(?:also\s+)?" + _ASKING, re.I)


def _words_of(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(_PLACEHOLDER.sub(" ", text))}


# Names joined as one subject just after the asking words ("how long have will smith and jada
# been married", "did taylor swift and travis kelce get engaged"): one question, not two. An
# "and" followed by asking words still starts a second question.
_JOINT_SUBJECT = re.compile(
    r"^\s*(?:(?:how\s+(?:long|much|many|often|old)|what|whats|why|when|where|who|whos|which)\s+)?"
    r"(?:did|does|do|have|has|had|is|are|was|were|will|would|can|could)\s+"
    r"(?:[^\W\d_][\w'’.-]*\s+){1,3}?(?P<joiner>and|&)\s+(?!(?:also\s+)?" + _ASKING + r")",
    re.I,
)


def _casual_parts(text: str, kept: list[str], outlets: Sequence[str]) -> list[str]:
    """The parts of a short chat question (see `question_parts`), outlets and dates hidden."""
    joint = _JOINT_SUBJECT.match(text)
    if joint:
        kept.append(joint["joiner"])
        marker = f"\x00{len(kept) - 1}\x00"
        text = text[: joint.start("joiner")] + marker + text[joint.end("joiner") :]

    def split(piece: str, min_words: int = 2, breaks: re.Pattern[str] = _CASUAL_BREAK) -> list[str]:
        found = _split(piece, breaks, kept, outlets, min_words, PART_FILLER, asked_apart=True)
        return [_LEADING_JOINER.sub("", p) for p in found]

    weighed = _weighed(text)
    if weighed:
        return weighed
    topic = _TOPIC.match(text)
    if topic and _informative(topic["topic"]) <= _MAX_TOPIC_WORDS:
        # The topic gives each part its context: one more word makes a part.
        rest = split(topic["rest"], min_words=1)
        names = split(topic["topic"], min_words=1, breaks=_NAMES_BREAK)
        if len(rest) >= 2:
            return [f"{topic['topic']} {part}" for part in rest]
        # "iphone 15 vs pixel 8: price" asks it of each; "benavidez vs andrade - who won" asks
        # one match's result.
        one_match = bool(_VERSUS.search(topic["topic"])) and len(rest) == 1 and asks_result(rest[0])
        if len(names) >= 2 and len(rest) == 1 and not one_match:
            return [f"{name} {rest[0]}" for name in names]
    parts = split(text)
    if len(parts) < 2:
        parts = _compared(text) or parts
    breaks = [m for m in _CASUAL_BREAK.finditer(text) if m.end() < len(text)]
    if breaks and _words_of(_EACH_OTHER.sub(" ", text[breaks[-1].end() :])) & _EVERY_PART:
        # "..., what happened w both": asks for the parts before it, is not one itself.
        head, tail = text[: breaks[-1].start()], text[breaks[-1].end() :]
        before = split(head)
        if len(before) >= 2:
            parts = before
        else:
            # "uber and nike earnings, did either miss revenue": the question asks it of each.
            names = _each_name(split(head, min_words=1, breaks=_NAMES_BREAK))
            if len(names) >= 2:
                return [f"{name} {tail}" for name in names]
    if len(parts) < 2:
        return parts
    subject = _WORD.findall(_PLACEHOLDER.sub(" ", parts[0]))
    subject = [w for w in subject if w.lower() not in STOPWORDS and len(w) > 1][:1]
    carried = [parts[0]]
    for part in parts[1:]:
        words = _words_of(part)
        refers_back = bool(words & _BACK_REFERENCES) or bool(_OTHER_SIDE.match(part))
        if subject and refers_back and subject[0].lower() not in words:
            part = f"{subject[0]} {part}"
        carried.append(part)
    return carried


def _weighed(text: str) -> list[str]:
    """The two things a comparison weighs ("which fare is cheaper, the ferry or the bus";
    "compare the toll rise with what the bridge charges"), each as a part; [] for any other
    question. Years or numbers before a shared noun ("compare the 2019 and 2023 final scores")
    each get the noun; two bare names ("compare rovers and united") stay one part."""
    asked = _ALTERNATIVES.match(text)
    if asked and _COMPARATIVE.search(asked["lead"]) and _informative(asked["lead"]) <= 5:
        sides = _OR.split(asked["rest"].rstrip(" ?"))
        if len(sides) == 2 and all(_informative(side) >= 1 for side in sides):
            return [f"{asked['lead'].strip()} {side.strip()}" for side in sides]
    compared = _COMPARE.match(text)
    if not compared:
        return []
    first, second = compared["first"].strip(), compared["second"].strip(" ?")
    first_words = [w for w in first.split() if w.lower() not in STOPWORDS]
    second_words = second.split()
    if (
        len(first_words) == 1
        and _NUMBER.match(first_words[0])
        and len(second_words) >= 2
        and _NUMBER.match(second_words[0])
    ):
        shared = " ".join(second_words[1:])
        return [f"{first_words[0]} {shared}", second]
    if _weight(first) >= 2 and _weight(second) >= 2:
        return [first, second]
    return []


def _weight(side: str) -> int:
    """Informative words of one side of a comparison, its numbers among them ("x's $1 fee")."""
    return _informative(side) + sum(1 for w in _WORD.findall(side) if len(w) == 1 and w.isdigit())


def _compared(text: str) -> list[str]:
    """The two sides of one "vs" between two long phrases ("softbank's cubic telecom deal
    size vs palo alto's israeli startup buys"): two stories set side by side. Teams or fighters
    ("rovers vs united score", "grimsby town vs port vale cup tie result") are one match. A
    chat "n" between two phrases of a few words each joins two questions the same way."""
    for joiner, min_words in ((_VERSUS, _MIN_COMPARED_WORDS), (_CHAT_AND, _MIN_JOINED_WORDS)):
        sides = joiner.split(text)
        if len(sides) == 2 and all(_informative(side) >= min_words for side in sides):
            return [side.strip() for side in sides]
    return []


def _each_name(names: Sequence[str]) -> list[str]:
    """Names joined before a shared noun, each with the noun: "uber and nike earnings" reads
    as "uber earnings" and "nike earnings" when the first name is one word and the last has
    more (a name of several words, "man utd and real madrid", shares nothing)."""
    if len(names) < 2 or any(_informative(n) > _MAX_TOPIC_WORDS for n in names):
        return []
    first, last = names[0].split(), names[-1].split()
    if len(first) != 1 or len(last) < 2:
        return list(names)
    shared = " ".join(last[1:])
    return [*(f"{name} {shared}" for name in names[:-1]), names[-1]]


def _cut_before_outlets(piece: str, kept: Sequence[str], outlets: Sequence[str]) -> list[str]:
    """Split before every outlet mention after the first ("… and the Verge article on …")."""
    marks = [
        m
        for m in _PLACEHOLDER.finditer(piece)
        if outlets and named_outlets(kept[int(m.group(1))], outlets)
    ]
    cuts: list[int] = []
    for mark in marks[1:]:
        lead_in = _BEFORE_OUTLET.search(piece, 0, mark.start())
        cuts.append(lead_in.start() if lead_in else mark.start())
    pieces, last = [], 0
    for cut in cuts:
        if cut > last:
            pieces.append(piece[last:cut])
            last = cut
    pieces.append(piece[last:])
    return [p for p in pieces if p.strip()]
