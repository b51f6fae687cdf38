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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from index.chunk import Span, sentence_spans
from index.evidence import Evidence, EvidenceWeights, gather
from index.models import Answer, Article, Passage, Quote
from index.question import Question
from index.text import terms

__all__ = [
    "AnswerParams",
    "Evidence",
    "compose_answer",
    "weigh",
]

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_HEADLINE_WORDS = 12


@dataclass(frozen=True)
class AnswerParams:
    """Knobs of quote selection and of the decision to decline.

    The evidence score is the weighted sum of the signals in `index.evidence.Evidence`; below
    `min_evidence` the answer is a decline. The weights come from a logistic regression on the
    development questions (`newsbot eval fit`), divided by the cosine's weight so the score
    reads as an adjusted cosine.
    """

    max_quotes: int = 4
    # Quotes come from the best-supported article; more articles cost precision (see
    # results/multihop-dev.md: a second article's quote is from a gold article ~2/3 of the time).
    max_articles: int = 1
    min_evidence: float = 0.90
    weights: EvidenceWeights = field(default_factory=EvidenceWeights)
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


@dataclass(frozen=True)
class _Candidate:
    passage: Passage
    span: Span
    terms: frozenset[str]


def weigh(
    question: Question,
    passages: Sequence[Passage],
    params: AnswerParams,
    rarity: Mapping[str, float] | None = None,
) -> Evidence:
    """How well `passages` support an answer to `question` (see `AnswerParams`)."""
    candidates = _sentences(list(passages[: params.quote_passages]))
    return _weigh(question, passages, params, _rank(question, passages, candidates), rarity)


def _weigh(
    question: Question,
    passages: Sequence[Passage],
    params: AnswerParams,
    ranked: Sequence[tuple[float, _Candidate]],
    rarity: Mapping[str, float] | None,
) -> Evidence:
    wanted = question.wanted
    coverage = max((len(wanted & c.terms) for _, c in ranked), default=0) / (len(wanted) or 1)
    best = None
    if ranked:
        top = ranked[0][1]
        best = (top.passage.article, _window(top.passage.article, top.span))
    return gather(question, passages, best, coverage, rarity or {}, params.weights)


def compose_answer(
    question: Question,
    passages: list[Passage],
    params: AnswerParams | None = None,
    rarity: Mapping[str, float] | None = None,
) -> Answer:
    """An answer quoting whole sentences of the best passages, or a decline with its reason.

    `rarity` (0..1 per question term, from the corpus) sharpens the evidence; see
    `index.evidence`.
    """
    params = params or AnswerParams()
    text = question.text
    if not passages:
        return Answer(text, False, passages=passages, reason="My sources have nothing yet.")
    if not question.wanted:
        return Answer(text, False, passages=passages, reason="I could not find a question in that.")
    candidates = _sentences(passages[: params.quote_passages])
    ranked = _rank(question, passages, candidates)
    evidence = _weigh(question, passages, params, ranked, rarity)
    margin = evidence.score - params.min_evidence
    confidence = 1.0 / (1.0 + math.exp(-params.confidence_slope * margin))
    supported = margin >= 0 and evidence.best_dense >= params.min_dense
    quotes = _choose_quotes(ranked, params) if supported else []
    if not quotes:
        reason = "My sources don't cover that."
        if evidence.unknown_sources:
            reason = (
                f"I have nothing from {_listing(evidence.unknown_sources)}, "
                "and my other sources don't cover that."
            )
        return Answer(text, False, passages=passages, reason=reason, confidence=confidence)
    return Answer(text, True, quotes=quotes, passages=passages, confidence=confidence)


def _listing(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _rank(
    question: Question, passages: Sequence[Passage], candidates: Sequence[_Candidate]
) -> list[tuple[float, _Candidate]]:
    """Candidate sentences best first: how much of the question they cover (rarer words count
    more) plus how well their passage ranks."""
    if not candidates:
        return []
    wanted = set(question.wanted)
    weights = _idf(wanted, candidates)
    total = sum(weights.values()) or 1.0
    top_score = abs(passages[0].score) or 1.0

    def score(candidate: _Candidate) -> float:
        coverage = sum(weights[t] for t in wanted & candidate.terms) / total
        return coverage + candidate.passage.score / top_score

    return sorted(((score(c), c) for c in candidates), key=lambda pair: pair[0], reverse=True)


def _window(article: Article, span: Span) -> tuple[int, int]:
    """The sentence with the sentences before and after it in the article."""
    before = sentence_spans(article.text, max(0, span.start - 600), span.start)
    after = sentence_spans(article.text, span.end, min(len(article.text), span.end + 600))
    return (before[-1].start if before else span.start, after[0].end if after else span.end)


def _choose_quotes(ranked: Sequence[tuple[float, _Candidate]], params: AnswerParams) -> list[Quote]:
    """The best sentence overall, maybe a second from its article, and the best sentence of
    each other article that scores almost as well; grouped by article, in article order."""
    if not ranked:
        return []
    best = ranked[0][0]
    chosen: dict[int, list[_Candidate]] = {}
    for value, candidate in ranked:
        article = candidate.passage.article.id
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
            found.append(_Candidate(passage, span, frozenset(terms(sentence))))
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
