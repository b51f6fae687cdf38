"""The MultiHop-RAG figures as small pure functions: hits, reciprocal rank, recall, percentiles.

Hits@k and MRR@10 follow the paper (a passage is a hit when a gold fact, whitespace removed, is
a substring of it); tests pin every function down on hand-made cases.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from index.models import Answer

__all__ = [
    "QUESTION_TYPES",
    "TOP_K",
    "Group",
    "QuestionResult",
    "all_gold_found",
    "article_recall",
    "distinct",
    "hit_flags",
    "hits_at",
    "is_verbatim",
    "percentile",
    "reciprocal_rank",
    "score_question",
    "squash",
    "summarise",
    "summarise_by_type",
]

QUESTION_TYPES = ("inference_query", "comparison_query", "temporal_query", "null_query")
TOP_K = 10


def squash(text: str) -> str:
    """`text` with spaces and line breaks removed, as the paper compares facts with passages."""
    return "".join(text.split())


def hit_flags(passages: Sequence[str], facts: Iterable[str]) -> list[bool]:
    """For each passage in rank order: does it contain a gold fact (whitespace ignored)?"""
    squashed = [squash(f) for f in facts]
    squashed = [f for f in squashed if f]
    return [any(f in squash(p) for f in squashed) for p in passages]


def hits_at(flags: Sequence[bool], k: int) -> float:
    """1.0 when one of the first `k` passages is a hit, else 0.0."""
    return 1.0 if any(flags[:k]) else 0.0


def reciprocal_rank(flags: Sequence[bool], k: int = TOP_K) -> float:
    """1 / rank of the first hit among the first `k` passages, 0.0 when there is none."""
    for rank, flag in enumerate(flags[:k], start=1):
        if flag:
            return 1.0 / rank
    return 0.0


def distinct(keys: Iterable[str]) -> list[str]:
    """`keys` without repeats, first occurrence order kept."""
    return list(dict.fromkeys(keys))


def article_recall(retrieved: Iterable[str], gold: Collection[str]) -> float:
    """Share of the distinct gold articles found among the retrieved ones (1.0 with no gold)."""
    wanted = set(gold)
    if not wanted:
        return 1.0
    return len(wanted & set(retrieved)) / len(wanted)


def all_gold_found(retrieved: Iterable[str], gold: Collection[str]) -> bool:
    """Whether every gold article is among the retrieved ones."""
    return set(gold) <= set(retrieved)


def is_verbatim(quote: str, source: str) -> bool:
    """Whether a (non-empty) quote occurs word for word, character for character, in `source`."""
    return bool(quote) and quote in source


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0–100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class QuestionResult:
    """How one question was answered, reduced to what the metrics need."""

    qid: int
    question_type: str
    answerable: bool
    answered: bool
    flags: tuple[bool, ...]
    gold_articles: tuple[str, ...]
    retrieved_articles: tuple[str, ...]
    quotes: int
    quotes_from_gold: int
    quotes_verbatim: int
    seconds: float

    @property
    def article_recall(self) -> float:
        return article_recall(self.retrieved_articles, self.gold_articles)

    @property
    def all_gold(self) -> bool:
        return all_gold_found(self.retrieved_articles, self.gold_articles)


def score_question(
    query: Mapping[str, Any],
    answer: Answer,
    bodies: Mapping[str, str],
    seconds: float = 0.0,
    k: int = TOP_K,
) -> QuestionResult:
    """Score one answer against a MultiHop-RAG query record.

    Articles are identified by URL; `bodies` maps each corpus URL to its original `body`, the
    text every quote must be found in.
    """
    evidence = query.get("evidence_list") or []
    gold = distinct(str(e["url"]).strip() for e in evidence)
    passages = answer.passages[:k]
    flags = hit_flags([p.chunk.text for p in passages], [str(e["fact"]) for e in evidence])
    retrieved = distinct(p.article.url or f"#{p.article.id}" for p in passages)
    from_gold = verbatim = 0
    for quote in answer.quotes:
        url = quote.article.url or ""
        from_gold += url in gold
        # Both: the quote is the stored text it claims to be, and that is in the original body.
        verbatim += quote.article.text[quote.start : quote.end] == quote.text and is_verbatim(
            quote.text, bodies.get(url, "")
        )
    return QuestionResult(
        qid=int(query.get("qid", -1)),
        question_type=str(query["question_type"]),
        answerable=bool(gold),
        answered=answer.answered,
        flags=tuple(flags),
        gold_articles=tuple(gold),
        retrieved_articles=tuple(retrieved),
        quotes=len(answer.quotes),
        quotes_from_gold=from_gold,
        quotes_verbatim=verbatim,
        seconds=seconds,
    )


@dataclass(frozen=True)
class Group:
    """The figures of one set of questions (all of them, or one question type).

    Retrieval figures and quote precision cover answerable questions only; `null_declined`
    covers the null questions; `None` means the group has no question of that kind.
    """

    questions: int
    answerable: int
    hits_at_4: float | None
    hits_at_10: float | None
    mrr_at_10: float | None
    article_recall_at_10: float | None
    all_gold_at_10: float | None
    quotes: int
    quote_precision: float | None
    verbatim_rate: float | None
    answerable_answered: float | None
    null_questions: int
    null_declined: float | None
    p50_ms: float
    p95_ms: float


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(results: Sequence[QuestionResult]) -> Group:
    """Aggregate question results into the reported figures."""
    answerable = [r for r in results if r.answerable]
    nulls = [r for r in results if not r.answerable]
    answerable_quotes = sum(r.quotes for r in answerable)
    all_quotes = sum(r.quotes for r in results)
    millis = [r.seconds * 1000.0 for r in results]
    return Group(
        questions=len(results),
        answerable=len(answerable),
        hits_at_4=_mean([hits_at(r.flags, 4) for r in answerable]),
        hits_at_10=_mean([hits_at(r.flags, 10) for r in answerable]),
        mrr_at_10=_mean([reciprocal_rank(r.flags, 10) for r in answerable]),
        article_recall_at_10=_mean([r.article_recall for r in answerable]),
        all_gold_at_10=_mean([1.0 if r.all_gold else 0.0 for r in answerable]),
        quotes=all_quotes,
        quote_precision=(
            sum(r.quotes_from_gold for r in answerable) / answerable_quotes
            if answerable_quotes
            else None
        ),
        verbatim_rate=sum(r.quotes_verbatim for r in results) / all_quotes if all_quotes else None,
        answerable_answered=_mean([1.0 if r.answered else 0.0 for r in answerable]),
        null_questions=len(nulls),
        null_declined=_mean([0.0 if r.answered else 1.0 for r in nulls]),
        p50_ms=percentile(millis, 50),
        p95_ms=percentile(millis, 95),
    )


def summarise_by_type(results: Sequence[QuestionResult]) -> dict[str, Group]:
    """`all` first, then one group per question type present, in the benchmark's order."""
    groups = {"all": summarise(results)}
    present = {r.question_type for r in results}
    ordered = [t for t in QUESTION_TYPES if t in present] + sorted(present - set(QUESTION_TYPES))
    for question_type in ordered:
        groups[question_type] = summarise([r for r in results if r.question_type == question_type])
    return groups
