"""Pick verbatim quote sentences from retrieved passages, or decline when the evidence is weak."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from index.chunk import Span, sentence_spans
from index.models import Answer, Passage, Quote
from index.store import STOPWORDS

__all__ = ["AnswerParams", "compose_answer", "question_terms"]

_WORD = re.compile(r"\w+")
_SUFFIXES = ("ingly", "ings", "ing", "edly", "ed", "es", "s", "ly")


@dataclass(frozen=True)
class AnswerParams:
    """Knobs of quote selection and of the decision to decline."""

    max_quotes: int = 4
    max_articles: int = 3
    # Another article is quoted only if its best passage scores this share of the best one's.
    relative_article_score: float = 0.75
    # Decline unless the best passage is at least this similar to the question (cosine) ...
    min_dense: float = 0.30
    # ... and the best sentence covers at least this share of the question's informative words.
    min_coverage: float = 0.25
    # A second quote from the same article needs this share of the first one's score.
    second_quote_ratio: float = 0.7
    # Sentences shorter than this many words get their following sentence as context.
    short_sentence_words: int = 12


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def question_terms(text: str) -> set[str]:
    """Informative, lightly stemmed words of a text."""
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


@dataclass(frozen=True)
class _Candidate:
    passage_rank: int
    passage: Passage
    span: Span
    terms: frozenset[str]


def compose_answer(
    question: str, passages: list[Passage], params: AnswerParams | None = None
) -> Answer:
    """An answer quoting whole sentences of the best passages, or a decline with its reason."""
    params = params or AnswerParams()
    wanted = question_terms(question)
    if not passages:
        return Answer(question, False, passages=passages, reason="My sources have nothing yet.")
    if not wanted:
        return Answer(
            question, False, passages=passages, reason="I could not find a question in that."
        )
    candidates = _sentences(passages)
    weights = _idf(wanted, candidates)
    total = sum(weights.values()) or 1.0

    def coverage(candidate: _Candidate) -> float:
        return sum(weights[t] for t in wanted & candidate.terms) / total

    best_dense = max(p.dense for p in passages)
    best_coverage = max((coverage(c) for c in candidates), default=0.0)
    confidence = min(best_dense / params.min_dense, 1.0) * min(best_coverage / params.min_coverage, 1.0)
    if best_dense < params.min_dense or best_coverage < params.min_coverage:
        return Answer(
            question,
            False,
            passages=passages,
            reason="My sources don't cover that.",
            confidence=confidence,
        )
    top_score = passages[0].score
    by_article: dict[int, list[tuple[float, _Candidate]]] = {}
    for candidate in candidates:
        passage = candidate.passage
        if passage.score < params.relative_article_score * top_score and passage is not passages[0]:
            continue
        # Rank sentences by question coverage, passage relevance breaking near-ties.
        score = coverage(candidate) + 0.1 * passage.score / (abs(top_score) or 1.0)
        by_article.setdefault(passage.article.id, []).append((score, candidate))
    quotes: list[Quote] = []
    for ranked in list(by_article.values())[: params.max_articles]:
        ranked.sort(key=lambda pair: -pair[0])
        best_score, best = ranked[0]
        if coverage(best) < params.min_coverage:
            continue
        chosen = [best]
        if len(ranked) > 1 and ranked[1][0] >= params.second_quote_ratio * best_score and not quotes:
            chosen.append(ranked[1][1])
        for candidate in sorted(chosen, key=lambda c: c.span.start):
            if len(quotes) < params.max_quotes:
                quotes.append(_quote(candidate, candidates, params))
    quotes = _without_overlaps(quotes)
    return Answer(question, True, quotes=quotes, passages=passages, confidence=confidence)


def _sentences(passages: list[Passage]) -> list[_Candidate]:
    """Every sentence of every passage (once per article span), with its terms."""
    seen: set[tuple[int, int]] = set()
    found: list[_Candidate] = []
    for rank, passage in enumerate(passages):
        text = passage.article.text
        for span in sentence_spans(text, passage.chunk.start, passage.chunk.end):
            key = (passage.article.id, span.start)
            if key in seen or len(text[span.start : span.end].split()) < 4:
                continue
            seen.add(key)
            terms = frozenset(question_terms(text[span.start : span.end]))
            found.append(_Candidate(rank, passage, span, terms))
    return found


def _idf(wanted: set[str], candidates: list[_Candidate]) -> dict[str, float]:
    """Rarer question words count more: a local IDF over the candidate sentences."""
    count = len(candidates) or 1
    return {
        term: math.log(1.0 + count / (1.0 + sum(term in c.terms for c in candidates)))
        for term in wanted
    }


def _quote(candidate: _Candidate, candidates: list[_Candidate], params: AnswerParams) -> Quote:
    """The sentence, extended by the next one in the article when it is short on its own."""
    article = candidate.passage.article
    start, end = candidate.span.start, candidate.span.end
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
