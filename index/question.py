"""A question read once into one value: its words, names, numbers, outlets, dates, parts,
language and intent. Search and answers receive this value and never re-read the raw text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from index.amounts import Amount, stated_amounts
from index.cues import (
    PART_FILLER,
    REPORTING_WORDS,
    Cues,
    mask_outlets,
    named_outlets,
    named_sources,
    question_parts,
    read_cues,
    strip_controls,
    topic_then_question,
)
from index.initials import spell_out
from index.intent import Intent, detect_language, read_intent
from index.period import Period, read_period
from index.text import (
    LIGHT_VERBS,
    STOPWORDS,
    UNAPOSTROPHED,
    stem,
    terms,
    without_possessive,
)

__all__ = [
    "CALENDAR",
    "CASUAL_TERMS",
    "MAX_PERIOD_TERMS",
    "Part",
    "Question",
    "read_question",
    "without_end_marks",
    "without_first_capital",
]

# "This week" in a short question is when the news was published; in a long, detailed one it
# is part of what is described ("compared to the previous year", "in the past five years": all
# 30 such phrases among MultiHop-RAG's 1,789 development questions), so it filters nothing.
MAX_PERIOD_TERMS = 10
# A question of at most this many informative words is read as typed in a chat: its parts may
# be joined by "and", "+" or "vs" ("cybertruck price and is it dangerous for pedestrians");
# in a long, detailed question such words join the details of one story.
CASUAL_TERMS = 10
# A question typed all in lower case is read as typed in a chat up to this many: people
# setting two stories side by side type more words ("beyonce concert film opening vs taylor
# swift eras tour movie presales, numbers?"), and none of MultiHop-RAG's 1,789 development
# questions is typed so.
CHAT_TERMS = 16

_NAME = re.compile(r"\b[A-Z][\w’'-]*")
# Months and days: written with a capital, and no name of what a question is about.
CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
# A number with the word before or after it when that word says what is counted or named:
# "iphone 16", "series 9", "2024 election", "$32 billion".
_NUMBER = re.compile(r"(?<![\w.])\$?\d[\d,.]*(?:\s*(?:%|percent|billion|million|bn|m|k))?", re.I)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class Part:
    """One part of a multi-part question, searched and answered on its own."""

    text: str
    cues: Cues
    wanted: frozenset[str]


@dataclass(frozen=True)
class Question:
    """Everything search and answers need to know about what was asked."""

    text: str
    language: str
    intent: Intent
    cues: Cues
    # Informative, lightly stemmed words, without the outlet names the question mentions (a
    # sentence saying "TechCrunch" is no better an answer to "what did TechCrunch say").
    wanted: frozenset[str]
    # Lower-cased capitalised words that are not the first word, an outlet, a month or a day:
    # mostly the people, places, companies and products asked about.
    names: tuple[str, ...]
    # Numbers as written ("16", "2024", "$32 billion"), each with a neighbouring word if any.
    numbers: tuple[tuple[str, str | None], ...]
    # Figures it states ("$700m", "1,900"), which an answer's stories must have too.
    amounts: tuple[Amount, ...]
    # Sources the question names ("a Bloomberg report") that no stored outlet matches.
    sources: tuple[str, ...]
    parts: tuple[Part, ...] = ()
    # Its two parts are a topic, then the one question asked of it ("steam deck oled - how many
    # units has valve sold"): searched in parts, answered as one question.
    topic_first: bool = False
    # Typed as in a chat, at most CHAT_TERMS informative words long: in lower case (initials
    # and a first capital aside), or as several questions in one message ("Who won the Davis
    # Cup? also when's the Crown finale").
    typed_in_chat: bool = False
    # When it was asked, and the stretch of time before then it asks about ("this week").
    asked_at: datetime | None = None
    period: Period | None = None

    @property
    def is_news(self) -> bool:
        return self.intent is Intent.NEWS

    @property
    def is_chat(self) -> bool:
        """Typed as in a chat, or short enough to be read as such; a long, detailed question is
        read as written."""
        return self.typed_in_chat or len(self.wanted) <= CASUAL_TERMS


def read_question(
    text: str,
    outlets: Sequence[str] = (),
    asked_at: datetime | None = None,
    initials: Mapping[str, str] | None = None,
) -> Question:
    """Read `text` once, knowing the stored `outlets` (so "the Verge" is an outlet, not a name)
    and, when `asked_at` is given, what "today" and "this week" mean. `initials` typed in it
    are spelt out after themselves (`index.initials`), once the question is cut into parts
    as typed."""
    text = " ".join(strip_controls(text).split())
    topic, period = text, None
    if asked_at is not None:
        # "USA Today" is an outlet, not a day.
        period = read_period(mask_outlets(text, outlets, mask=""), asked_at)
    if period is not None:
        start, end = period.span
        topic = " ".join(f"{text[:start]} {text[end:]}".split())
        if len(_wanted(topic, outlets)) > MAX_PERIOD_TERMS:
            topic, period = text, None
    informative = len(_wanted(topic, outlets))
    typed_in_chat = informative <= CHAT_TERMS and (
        _typed_in_lower_case(text) or bool(_SEVERAL_QUESTIONS.search(text))
    )
    casual = informative <= CASUAL_TERMS or typed_in_chat
    typed_parts = question_parts(topic, outlets, casual=casual)
    names = initials or {}
    text, topic = spell_out(text, names), spell_out(topic, names)
    cues = read_cues(text, outlets)
    parts = tuple(
        Part(part, _part_cues(part, outlets, cues), _part_wanted(part, outlets, casual))
        for part in (spell_out(typed, names) for typed in typed_parts)
    )
    return Question(
        text=text,
        language=detect_language(text),
        intent=read_intent(text),
        cues=cues,
        wanted=_wanted(topic, outlets, casual),
        names=_names(text, outlets),
        numbers=_numbers(text),
        amounts=stated_amounts(text),
        sources=tuple(named_sources(text, outlets)),
        parts=parts,
        topic_first=topic_then_question(topic, typed_parts),
        typed_in_chat=typed_in_chat,
        asked_at=asked_at,
        period=period,
    )


# Initials people type in capitals in a chat ("AI", "MIT", "GOP", "AGs"), and the capital a
# phone puts first ("Sbf charged …").
_INITIALS = re.compile(r"(?<![\w'’-])[A-Z][A-Z0-9&]{1,5}s?(?![\w'’-])")
_FIRST_CAPITAL = re.compile(r"[A-Z][a-z'’]*(?![\w-])")


def without_end_marks(question: Question, text: str | None = None) -> str:
    """What the model and the answer judge read of a chat question (or of `text`, a part of
    it): without the question marks, exclamation marks and stops that end it, so "is messi
    starting?" reads as "is messi starting" (the judge, taught on questions mostly typed
    without one, answered fewer with a question mark added). A long, detailed question is read
    as written: the benchmark's all end in a question mark."""
    text = question.text if text is None else text
    if not question.is_chat:
        return text
    return text.rstrip().rstrip("?!.…؟ ").rstrip() or text


def without_first_capital(question: Question) -> str:
    """A chat question's text without the capital a phone puts first: "Sbf charged with how
    many counts" types the chat's "sbf", to be mended and spelt out like any other word."""
    text = question.text
    if question.typed_in_chat and _FIRST_CAPITAL.match(text):
        return text[0].lower() + text[1:]
    return text


# Two questions sent as one message: a question mark before another question, a "+", or a
# question word after "and" or "also" ("who won the cup? also when's the final", "Kane's goal
# count + who scored for United", "who scored, and what did Kelce say").
_SEVERAL_QUESTIONS = re.compile(
    r"\?\s*\w|\s\+\s|;"
    r"|(?:[,;?.]\s*also|\s(?:and|&|plus)(?:\s+also)?)\s+(?:what|why|how|who|whom|when|where"
    r"|which|whats|whos|hows|wheres|whens)\b",
    re.I,
)


def _typed_in_lower_case(text: str) -> bool:
    """Whether `text` is typed in lower case, as in a chat: initials aside ("paris AI lab"),
    and the capital a phone puts first ("Did tesla recall the cybertruck")."""
    rest = _INITIALS.sub("", text).lstrip()
    return not any(c.isupper() for c in rest[1:])


# "how much", "how many", "how long", "how bad": the second word asks for a measure, it is not
# what is asked about (an article that says "will cost 240 million" answers "how much will it
# cost" without "much"; one that counts the layoffs answers "how bad were the layoffs").
_HOW = re.compile(
    r"\bhow\s+(much|many|long|far|often|old|big|soon|come|bad|badly|good|well|serious|severe"
    r"|large|high|low|fast|deep|close|expensive|hard|strong|wide|widespread|likely|early|late)\b",
    re.I,
)


def _wanted(text: str, outlets: Sequence[str], casual: bool = False) -> frozenset[str]:
    """The words to cover, without the outlets named; in a question typed in a chat
    (`casual`), without the words saying what they did ("did the verge cover ...") or asking
    for an outcome ("49ers eagles result": the answer says who won, not "result"). A long,
    detailed question uses those words for its claim ("reported that ... while ... says"):
    leaving them out there took MultiHop-RAG's null questions declined from 0.968 to 0.959."""
    wanted = terms(_HOW.sub("how", text))
    if casual:
        wanted -= _NOT_ASKED_IN_CHAT
    named: set[str] = set()
    for outlet in named_outlets(text, outlets):
        named |= terms(outlet) | (_REPORTING_TERMS if casual else frozenset())
    return frozenset((wanted - named) or wanted)


_REPORTING_TERMS = frozenset(stem(word) for word in REPORTING_WORDS)
_OUTCOME_TERMS = frozenset(stem(word) for word in ("result", "results", "outcome"))
# What a chat adds to a question that no article writes: shorthand for a tone or an aside
# ("scorsese internet slang thing lol", "is it still on rn", "asx stuff: …", "… or nah"),
# emphasis and hedges ("when did
# they actually start dating", "went up to like 44k"), and question words and negations typed
# without their apostrophe ("whats", "didnt"), which are stop words when typed with it.
_CHAT_FILLER = frozenset(
    stem(word)
    for word in (
        "lol lmao lmfao rofl rn smh ngl tbh tbf btw imo imho iirc afaik fyi idk omg bruh bro "
        "dude guys pls plz thx tho cuz ok okay yeah ya yep nah nope hmm um uh anyway anyways "
        "stuff kinda sorta actually really literally basically honestly seriously like"
    ).split()
) | frozenset(stem(word) for word in UNAPOSTROPHED | LIGHT_VERBS)
_NOT_ASKED_IN_CHAT = _OUTCOME_TERMS | _CHAT_FILLER


def _part_wanted(part: str, outlets: Sequence[str], casual: bool) -> frozenset[str]:
    wanted = _wanted(part, outlets, casual)
    return (wanted - {stem(w) for w in PART_FILLER}) or wanted


def _names(text: str, outlets: Sequence[str]) -> tuple[str, ...]:
    masked = mask_outlets(text, outlets)
    names: list[str] = []
    for match in _NAME.finditer(masked):
        if match.start() == 0:
            continue
        word = without_possessive(match.group().lower())
        if len(word) < 3 or word in STOPWORDS or word in CALENDAR:
            continue
        names.append(word)
    return tuple(names)


def _numbers(text: str) -> tuple[tuple[str, str | None], ...]:
    found: list[tuple[str, str | None]] = []
    for match in _NUMBER.finditer(text):
        number = match.group().strip().rstrip(".,")
        before = _WORD.findall(text[max(0, match.start() - 30) : match.start()])
        neighbour = before[-1].lower() if before else None
        if neighbour in STOPWORDS:
            neighbour = None
        found.append((number, neighbour))
    return tuple(found)


def _part_cues(part: str, outlets: Sequence[str], question: Cues) -> Cues:
    """A part's own outlets and dates when it names some, else the whole question's."""
    own = read_cues(part, outlets)
    return Cues(
        outlets=own.outlets or question.outlets,
        dates=own.dates or question.dates,
        times=question.times,
        recent=question.recent,
    )
