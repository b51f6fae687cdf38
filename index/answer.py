"""Pick verbatim quote sentences from retrieved passages, or decline when the evidence is weak.

The decision to answer combines four signals into one evidence score: how close the best
passage is to the question (cosine), how much of the question its best sentence covers, how
many of the names in the question (people, places, products) the passages mention, and whether
the question asks what a source said that is not among the sources at all ("according to
Bloomberg" when nothing is from Bloomberg). Quotes are whole sentences, chosen by how much of
the question they cover and how well their passage ranks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.chunk import Span, sentence_spans
from index.cues import mask_outlets, named_outlets, named_sources
from index.models import Answer, Article, Passage, Quote
from index.text import STOPWORDS, WORD, terms

__all__ = [
    "AnswerParams",
    "Evidence",
    "compose_answer",
    "question_names",
    "question_terms",
    "weigh",
]

_NAME = re.compile(r"\b[A-Z][\w’'-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_HEADLINE_WORDS = 12
_CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


@dataclass(frozen=True)
class AnswerParams:
    """Knobs of quote selection and of the decision to decline.

    The evidence score is `best cosine + names_weight × share of the question's names found in
    the passages + coverage_weight × share of the question's words in its best sentence −
    unknown_source_penalty` (the penalty only when the question asks about a source none of
    the passages comes from); below `min_evidence` the answer is a decline. The weights come
    from a logistic regression on the MultiHop-RAG development questions, divided by the
    cosine's weight so the score reads as an adjusted cosine.
    """

    max_quotes: int = 4
    # Quotes come from the best-supported article; more articles cost precision (see
    # results/multihop-dev.md: a second article's quote is from a gold article ~2/3 of the time).
    max_articles: int = 1
    min_evidence: float = 0.90
    names_weight: float = 0.32
    coverage_weight: float = 1.0
    unknown_source_penalty: float = 0.28
    # A floor under the best cosine whatever the other signals say (0 = the score alone).
    min_dense: float = 0.0
    # Slope of the logistic that turns the evidence score into `Answer.confidence`.
    confidence_slope: float = 18.0
    # With max_articles > 1, another article is quoted only if its best sentence scores this
    # share of the best one's.
    relative_article_score: float = 0.9
    # A second quote from the first article needs this share of the first quote's score.
    second_quote_ratio: float = 0.7
    # Sentences are taken from this many of the best passages.
    quote_passages: int = 10
    # Sentences shorter than this many words get their following sentence as context.
    short_sentence_words: int = 12


def question_terms(text: str) -> set[str]:
    """Informative, lightly stemmed words of a text."""
    return terms(text)


def question_names(question: str, outlets: Sequence[str] = ()) -> list[str]:
    """Lower-cased capitalised words of a question that are not its first word, an outlet name,
    a month or a day: mostly the people, places, companies and products it is about."""
    # Outlets are judged separately (see `named_sources`); blank them out here.
    text = mask_outlets(question, outlets)
    names: list[str] = []
    for match in _NAME.finditer(text):
        if match.start() == 0:
            continue
        word = _POSSESSIVE.sub("", match.group().lower())
        if len(word) < 3 or word in STOPWORDS or word in _CALENDAR:
            continue
        names.append(word)
    return names


@dataclass(frozen=True)
class Evidence:
    """The signals behind the decision to answer, and their combined score."""

    best_dense: float
    names_found: float
    coverage: float
    unknown_sources: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class _Candidate:
    passage: Passage
    span: Span
    terms: frozenset[str]


def weigh(question: str, passages: Sequence[Passage], params: AnswerParams) -> Evidence:
    """How well `passages` support an answer to `question` (see `AnswerParams`)."""
    outlets = _outlets(passages)
    candidates = _sentences(list(passages[: params.quote_passages]))
    return _weigh(question, passages, params, _wanted(question, outlets), candidates, outlets)


def _outlets(passages: Sequence[Passage]) -> list[str]:
    return sorted({p.article.outlet for p in passages if p.article.outlet})


def _wanted(question: str, outlets: Sequence[str]) -> set[str]:
    """The question's informative words; outlet names pick articles, not sentences (a sentence
    that says "TechCrunch" is no better for it), so they are left out."""
    wanted = question_terms(question)
    named = set()
    for outlet in named_outlets(question, outlets):
        named |= question_terms(outlet)
    return (wanted - named) or wanted


def _weigh(
    question: str,
    passages: Sequence[Passage],
    params: AnswerParams,
    wanted: set[str],
    candidates: Sequence[_Candidate],
    outlets: Sequence[str],
) -> Evidence:
    best_dense = max((p.dense for p in passages), default=0.0)
    names = question_names(question, outlets)
    if names:
        words: set[str] = set()
        for passage in passages:
            words.update(WORD.findall(passage.chunk.text.lower()))
            words.update(WORD.findall(passage.article.title.lower()))
        found = sum(all(w in words for w in WORD.findall(n)) for n in names) / len(names)
    else:
        found = 1.0
    coverage = max((len(wanted & c.terms) for c in candidates), default=0) / (len(wanted) or 1)
    unknown = tuple(named_sources(question, outlets))
    score = best_dense + params.names_weight * found + params.coverage_weight * coverage
    if unknown:
        score -= params.unknown_source_penalty
    return Evidence(best_dense, found, coverage, unknown, score)


def compose_answer(
    question: str, passages: list[Passage], params: AnswerParams | None = None
) -> Answer:
    """An answer quoting whole sentences of the best passages, or a decline with its reason."""
    params = params or AnswerParams()
    if not passages:
        return Answer(question, False, passages=passages, reason="My sources have nothing yet.")
    if not question_terms(question):
        return Answer(
            question, False, passages=passages, reason="I could not find a question in that."
        )
    outlets = _outlets(passages)
    wanted = _wanted(question, outlets)
    candidates = _sentences(passages[: params.quote_passages])
    evidence = _weigh(question, passages, params, wanted, candidates, outlets)
    margin = evidence.score - params.min_evidence
    confidence = 1.0 / (1.0 + math.exp(-params.confidence_slope * margin))
    supported = margin >= 0 and evidence.best_dense >= params.min_dense
    quotes = _choose_quotes(wanted, passages, candidates, params) if supported else []
    if not quotes:
        reason = "My sources don't cover that."
        if evidence.unknown_sources:
            reason = (
                f"I have nothing from {_listing(evidence.unknown_sources)}, "
                "and my other sources don't cover that."
            )
        return Answer(question, False, passages=passages, reason=reason, confidence=confidence)
    return Answer(question, True, quotes=quotes, passages=passages, confidence=confidence)


def _listing(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _choose_quotes(
    wanted: set[str],
    passages: list[Passage],
    candidates: Sequence[_Candidate],
    params: AnswerParams,
) -> list[Quote]:
    """The best sentence overall, maybe a second from its article, and the best sentence of
    each other article that scores almost as well; grouped by article, in article order."""
    if not candidates:
        return []
    weights = _idf(wanted, candidates)
    total = sum(weights.values()) or 1.0
    top_score = abs(passages[0].score) or 1.0

    def score(candidate: _Candidate) -> float:
        coverage = sum(weights[t] for t in wanted & candidate.terms) / total
        return coverage + candidate.passage.score / top_score

    ranked = sorted(candidates, key=score, reverse=True)
    best = score(ranked[0])
    chosen: dict[int, list[_Candidate]] = {}
    for candidate in ranked:
        article = candidate.passage.article.id
        value = score(candidate)
        if article in chosen:
            first = len(chosen) == 1 and next(iter(chosen)) == article
            if first and len(chosen[article]) == 1 and value >= params.second_quote_ratio * best:
                chosen[article].append(candidate)
        elif not chosen or (
            len(chosen) < params.max_articles and value >= params.relative_article_score * best
        ):
            chosen[article] = [candidate]
    quotes: list[Quote] = []
    for group in chosen.values():
        for candidate in sorted(group, key=lambda c: c.span.start):
            if len(quotes) < params.max_quotes:
                quotes.append(_quote(candidate.passage.article, candidate.span, params))
    return _without_overlaps(quotes)


def _sentences(passages: list[Passage]) -> list[_Candidate]:
    """Every sentence of every passage (once per article span), with its terms."""
    seen: set[tuple[int, int]] = set()
    found: list[_Candidate] = []
    for passage in passages:
        text = passage.article.text
        for span in sentence_spans(text, passage.chunk.start, passage.chunk.end):
            key = (passage.article.id, span.start)
            sentence = text[span.start : span.end]
            words = len(sentence.split())
            # Headings and captions are short and have no full stop: they are not quotes. (A
            # long line without one is more likely a hard-wrapped sentence, so it stays.)
            headline = words < _HEADLINE_WORDS and not _SENTENCE_END.search(sentence)
            if key in seen or words < 4 or headline:
                continue
            seen.add(key)
            terms = frozenset(question_terms(sentence))
            found.append(_Candidate(passage, span, terms))
    return found


def _idf(wanted: set[str], candidates: Sequence[_Candidate]) -> dict[str, float]:
    """Rarer question words count more: a local IDF over the candidate sentences."""
    count = len(candidates) or 1
    return {
        term: math.log(1.0 + count / (1.0 + sum(term in c.terms for c in candidates)))
        for term in wanted
    }


def _quote(article: Article, span: Span, params: AnswerParams) -> Quote:
    """The sentence, extended by the next one in its paragraph when it is short on its own."""
    start, end = span.start, span.end
    if len(article.text[start:end].split()) < params.short_sentence_words:
        following = sentence_spans(article.text, end, min(len(article.text), end + 1000))
        if following and "\n\n" not in article.text[end : following[0].start]:
            end = following[0].end
    return Quote(article.text[start:end], article, start, end)


def _without_overlaps(quotes: list[Quote]) -> list[Quote]:
    kept: list[Quote] = []
    for quote in quotes:
        if any(
            q.article.id == quote.article.id and q.start < quote.end and quote.start < q.end
            for q in kept
        ):
            continue
        kept.append(quote)
    return kept
