"""Candidate quote sentences: every whole sentence of the best passages, ranked by how much of
the question they cover, and turned into verbatim quotes (a short sentence brings its neighbour).

Headings, captions and navigation lines are not quotes: a short line without a full stop is
left out, and so is a sentence that repeats one already quoted. A longer line with almost no
function words ("Valve Steam Deck OLED SCORE 89 Critics - Not yet scored", a photo credit, an
embedded post's byline) is ranked below prose: it is quoted only when nothing else matches.
A site's placeholder or a picture's labels glued to a sentence ("Loading …", "Image source, …
Image caption, …") are cut off it, and a short caption is not extended by its credit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from index.chunk import Span, sentence_spans
from index.counts import count_asked
from index.models import Article, Passage, Quote
from index.outcomes import APPOINTMENT_SAID, SCORE_SAID, asks_successor
from index.prices import money_asked
from index.recent import RecentlyUsed
from index.text import STOPWORDS, terms

__all__ = [
    "Candidate",
    "candidate_sentences",
    "expected_answer",
    "is_specific",
    "kinds_lacking",
    "make_quote",
    "rank",
    "window",
    "without_repeats",
]

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_HEADLINE_WORDS = 12
_MIN_WORDS = 4
_TOKEN = re.compile(r"\w+")
# Prose has function words: in the MultiHop-RAG corpus, 2.3% of sentences of 8 words or more
# have fewer than 12% of them, mostly captions, scoreboards, credits and embedded posts.
_PROSE_WORDS = 8
_MIN_FUNCTION_SHARE = 0.12
# Subtracted from a non-prose sentence's rank (a rank is coverage 0..1 plus relevance 0..1).
NOT_PROSE_PENALTY = 0.5

# Dates as articles write them: capitalised month and day names ("may" is a verb), years.
_DATE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday"
    r"|Thursday|Friday|Saturday|Sunday|today|tonight|tomorrow|(?:19|20)\d\d)\b"
)
_CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)", re.I)
# A count or sum, in digits or in words ("seven counts", "a dozen", "two million").
_AMOUNT_STATED = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?)\b",
    re.I,
)
# What a question asks for, and the kinds of fact a sentence that gives it has.
_ASKS = (
    (
        re.compile(r"\b(?:how (?:many|much)|price|cost|costs|worth|paid|fined?|raised?)\b", re.I),
        (_AMOUNT_STATED,),
    ),
    (
        re.compile(r"\b(?:when|what time|what date|release date|what day)\b", re.I),
        (_CLOCK_TIME, _DATE),
    ),
    (re.compile(r"\b(?:score|scores|result|results)\b", re.I), (SCORE_SAID,)),
)


@dataclass(frozen=True)
class Candidate:
    """A whole sentence of a retrieved passage, with its informative terms."""

    passage: Passage
    span: Span
    terms: frozenset[str]
    prose: bool = True

    @property
    def article(self) -> Article:
        return self.passage.article


@dataclass(frozen=True)
class _Sentence:
    """What a passage's sentence is as a quote candidate, whatever the question."""

    span: Span
    terms: frozenset[str]
    prose: bool
    words: str  # its words joined by single spaces, to find it repeated in other articles


class _PassageSentences:
    """Each passage's candidate sentences, the most recently used `capacity` passages kept:
    splitting and reading sentences is most of the answer's own time, and readers ask about
    the same stories again (200 MultiHop-RAG questions in a row met 1,163 different passages in
    2,000). Keyed by the passage's place and text, so a changed article (or a reused id) is
    read afresh; thread-safe."""

    def __init__(self, capacity: int) -> None:
        self._kept: RecentlyUsed[tuple[int, int, str], tuple[_Sentence, ...]] = RecentlyUsed(
            capacity
        )

    def of(self, passage: Passage) -> tuple[_Sentence, ...]:
        key = (passage.article.id, passage.chunk.start, passage.chunk.text)
        found = self._kept.get(key)
        if found is None:
            article = passage.article.text
            found = tuple(_read_sentences(article, passage.chunk.start, passage.chunk.end))
            self._kept.put(key, found)
        return found


# Where a site shows an embedded player or a picture, its text keeps the placeholder or the
# picture's labels glued to the next sentence ("Loading Australia, who lost last year's final
# …", The Age; "Image source, Getty Images Image caption, Taylor Swift's 1989 tour sold …", the
# BBC): the sentence starts after them.
_PLACEHOLDER = re.compile(r"(?:Loading|Image source, [^\n]{1,80}? Image caption,)\s+(?=[A-Z])")
# A picture's credit after its caption ("Photograph: Jane Doe/Shutterstock") is not brought
# along to a short caption.
_CREDIT = re.compile(r"(?:Photograph|Photo|Picture|Image|Credit)s?:")


def _read_sentences(text: str, start: int, end: int) -> Iterator[_Sentence]:
    for span in sentence_spans(text, start, end):
        placeholder = _PLACEHOLDER.match(text, span.start, span.end)
        if placeholder is not None:
            span = Span(placeholder.end(), span.end)
        sentence = text[span.start : span.end]
        words = sentence.split()
        # Headings and captions are short and have no full stop: they are not quotes. (A long
        # line without one is more likely a hard-wrapped sentence, so it stays.)
        headline = len(words) < _HEADLINE_WORDS and not _SENTENCE_END.search(sentence)
        if len(words) < _MIN_WORDS or headline:
            continue
        yield _Sentence(span, frozenset(terms(sentence)), _is_prose(sentence), " ".join(words))


# ~16 KB a passage (measured over 200 MultiHop-RAG questions, ad hoc): 4,000 passages, the last
# ~400 questions' worth, hold ~65 MB.
_SENTENCES = _PassageSentences(capacity=4_000)


def candidate_sentences(passages: Sequence[Passage]) -> list[Candidate]:
    """Every sentence of every passage (once per article span), with its terms."""
    seen: set[tuple[int, int]] = set()
    found: list[tuple[Candidate, str]] = []
    for passage in passages:
        for sentence in _SENTENCES.of(passage):
            key = (passage.article.id, sentence.span.start)
            if key in seen:
                continue
            seen.add(key)
            candidate = Candidate(passage, sentence.span, sentence.terms, sentence.prose)
            found.append((candidate, sentence.words))
    return _without_furniture(found)


def _without_furniture(candidates: list[tuple[Candidate, str]]) -> list[Candidate]:
    """The candidates (with their words) without the sentences that recur word for word in
    articles of different stories: a site's furniture ("We use Google reCaptcha to protect our
    website", a newsletter pitch), not news. (Copies of one wire story share their story.)"""
    stories: dict[str, set[int]] = {}
    for candidate, words in candidates:
        stories.setdefault(words, set()).add(candidate.article.story)
    return [c for c, words in candidates if len(stories[words]) == 1]


# Shouted lines are headlines of other stories, promotions and score boxes ("CLICK HERE TO GET
# THE APP", "WEEK 10 STANDARD RANKINGS"): at least three capitalised words of four letters or
# more, and a quarter of the words in capitals. Photo captions open with their agency ("via
# Getty") or carry a capitalised dateline ("LAS VEGAS, NEVADA – JUNE 29:").
_SHOUTED_MIN_WORDS = 3
_SHOUTED_SHARE = 0.25
_CAPTION = re.compile(
    r"^via [A-Z]\w+\b|\b[A-Z]{2,}(?:[ ,]+[A-Z]{2,})* [–-] (?:JANUARY|FEBRUARY|MARCH|APRIL|MAY"
    r"|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER) \d{1,2}:"
)


def _shouted(sentence: str) -> bool:
    words = [w for w in _TOKEN.findall(sentence) if len(w) > 1 and not w.isdigit()]
    capitals = [w for w in words if w.isupper()]
    long_capitals = sum(1 for w in capitals if len(w) >= 4)
    return long_capitals >= _SHOUTED_MIN_WORDS and len(capitals) >= _SHOUTED_SHARE * len(words)


# A link to another story, as sites label it ("MORE: Recap the match ...", "Also Read: IND vs
# NZ live streaming ...").
_LINK_LINE = re.compile(
    r"^(?:more|read more|also read|read also|related(?: stories| articles| coverage)?|see also"
    r"|watch|watch more|listen|recommended|don'?t miss|must read|click here)\s*[:|—–]"
    r"|^GO DEEPER\b",
    re.I,
)


def _is_prose(sentence: str) -> bool:
    """Whether a sentence reads as prose rather than a list, credit, caption, score line, a
    link to another story or a shouted headline of another story."""
    if _CAPTION.search(sentence) or _LINK_LINE.match(sentence) or _shouted(sentence):
        return False
    words = [w for w in _TOKEN.findall(sentence.lower()) if len(w) > 1]  # not the "a" of "N/A"
    if len(words) < _PROSE_WORDS:
        return True
    return sum(w in STOPWORDS for w in words) >= _MIN_FUNCTION_SHARE * len(words)


def local_idf(wanted: Collection[str], candidates: Sequence[Candidate]) -> dict[str, float]:
    """Rarer question words count more: a local IDF over the candidate sentences."""
    count = len(candidates) or 1
    return {
        term: math.log(1.0 + count / (1.0 + sum(term in c.terms for c in candidates)))
        for term in wanted
    }


def expected_answer(question: str) -> tuple[re.Pattern[str], ...]:
    """The kinds of fact a sentence answering `question` has, when the question says: digits
    for "how many" or a price, a clock time or a date for "when", a score for "score"."""
    specific = money_asked(question) or count_asked(question)
    if specific is not None:
        return (specific,)
    if asks_successor(question):
        return (APPOINTMENT_SAID,)
    for asks, kinds in _ASKS:
        if asks.search(question):
            return kinds
    return ()


# The kinds of fact any sentence with a number or a date has; every other kind
# `expected_answer` gives (a sum, a valuation, a count of the thing asked, a score, an
# appointment) is specific to what was asked.
_GENERAL_KINDS = frozenset({_AMOUNT_STATED, _CLOCK_TIME, _DATE})


def is_specific(kind: re.Pattern[str]) -> bool:
    """Whether a sentence having `kind` of fact states what was asked, not only a number or a
    date: such a sentence is worth quoting even below another."""
    return kind not in _GENERAL_KINDS


def kinds_lacking(sentence: str, kinds: Sequence[re.Pattern[str]]) -> list[re.Pattern[str]]:
    """The kinds of fact asked for that `sentence` does not have: "will run a night crossing
    from March" has a date for "when", not a clock time ("leaves at 23:40")."""
    return [kind for kind in kinds if not kind.search(sentence)]


def rank(
    wanted: Collection[str],
    candidates: Sequence[Candidate],
    relevance: dict[int, float] | None = None,
    top: float | None = None,
) -> list[tuple[float, Candidate]]:
    """Candidates best first: the share of `wanted` they cover (rarer words count more) plus
    their passage's relevance relative to `top` (`relevance` by chunk id; by default the
    passage's fused score; `top` by default the best candidate's)."""
    if not candidates:
        return []
    weights = local_idf(wanted, candidates)
    # Summed exactly (`math.fsum`): a sum in the order a set of words comes in differs in its
    # last bits from one process to another, and sentences of equal worth (the same sentence in
    # two outlets' stories) then came in another order.
    total = math.fsum(weights.values()) or 1.0

    def relevance_of(candidate: Candidate) -> float:
        if relevance is None:
            return candidate.passage.score
        return relevance.get(candidate.passage.chunk.id, 0.0)

    top = abs(top if top is not None else max(relevance_of(c) for c in candidates)) or 1.0

    def score(candidate: Candidate) -> float:
        coverage = math.fsum(weights[t] for t in candidate.terms if t in weights) / total
        penalty = 0.0 if candidate.prose else NOT_PROSE_PENALTY
        return coverage + relevance_of(candidate) / top - penalty

    return sorted(((score(c), c) for c in candidates), key=lambda pair: pair[0], reverse=True)


def window(article: Article, span: Span) -> tuple[int, int]:
    """The sentence with the sentences before and after it in the article."""
    before = sentence_spans(article.text, max(0, span.start - 600), span.start)
    after = sentence_spans(article.text, span.end, min(len(article.text), span.end + 600))
    return (before[-1].start if before else span.start, after[0].end if after else span.end)


def make_quote(article: Article, span: Span, short_sentence_words: int) -> Quote:
    """The sentence, extended by the next one in its paragraph when it is short on its own."""
    start, end = span.start, span.end
    if len(article.text[start:end].split()) < short_sentence_words:
        following = sentence_spans(article.text, end, min(len(article.text), end + 1000))
        if (
            following
            and "\n\n" not in article.text[end : following[0].start]
            and not _CREDIT.match(article.text, following[0].start)
        ):
            end = following[0].end
    return Quote(article.text[start:end], article, start, end)


def without_repeats(quotes: Sequence[Quote], similar: float = 0.8) -> list[Quote]:
    """Quotes that neither overlap an earlier quote of their article nor nearly repeat the words
    of an earlier one (the same wire story in two outlets is quoted once)."""
    kept: list[Quote] = []
    words: list[set[str]] = []
    for quote in quotes:
        own = set(_TOKEN.findall(quote.text.lower()))
        overlaps = any(
            q.article.id == quote.article.id and q.start < quote.end and quote.start < q.end
            for q in kept
        )
        repeats = any(len(own & other) >= similar * len(own | other) for other in words)
        if overlaps or repeats:
            continue
        kept.append(quote)
        words.append(own)
    return kept
