"""Whether the retrieved sentences address what was asked: the signals behind answering or
declining, measured on the article the answer would quote.

A passage can be about the right topic and still not answer: "did Apple release the iPhone 16"
finds iPhone 15 stories, "who won the 2024 election" finds 2023 polls. So besides closeness
(cosine) the evidence asks whether the quoted sentence and its article hold what is *specific*
to the question: its rare words (weighted by how few passages in the whole corpus use them),
its names, and its numbers next to the word they count ("iPhone 16", "$32 billion"). And,
when the model is at hand, whether one of the article's best sentences *says* what was asked: a
near miss ("did Musk sue Media Matters") finds an article on the right names whose sentences are
about something else. Where a judge is loaded (`index.judge`), it reads the question with those
sentences and says how likely one answers it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, replace

from index.cues import outlets_by_name
from index.models import Article, Passage
from index.question import Question
from index.text import WORD, terms

__all__ = ["Evidence", "EvidenceWeights", "gather", "numbers_found", "rarity_of"]

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class EvidenceWeights:
    """How much each signal counts; the score is their weighted sum (see `Evidence.score`)."""

    dense: float = 1.0
    names: float = 0.32
    coverage: float = 1.0
    focus: float = 0.0
    article_focus: float = 0.0
    rare_missing: float = 0.0
    numbers: float = 0.0
    said: float = 0.0
    judged: float = 0.0
    unknown_source: float = -0.28


@dataclass(frozen=True)
class Evidence:
    """The signals, each in [0, 1] (the first is a cosine)."""

    best_dense: float  # cosine of the closest passage
    names_found: float  # share of the question's names in the passages (1 with no names)
    coverage: float  # share of the question's words in the best sentence
    focus: float  # the same, weighted by rarity, in the best sentence and its neighbours
    article_focus: float  # the same in the best sentence's whole article and headline
    rare_missing: float  # rarity (0..1) of the rarest question word the article lacks
    numbers_found: float  # share of the question's numbers in the article (1 with none)
    said: float  # cosine of the question with the closest of the article's best sentences
    judged: float  # the answer judge's likelihood that one answers, log-scaled (0 without one)
    unknown_sources: tuple[str, ...]  # sources the question names that no passage is from
    score: float = 0.0  # the weighted sum of the signals

    def features(self) -> tuple[float, ...]:
        """The signals in `EvidenceWeights` order, for fitting the weights."""
        values = astuple(self)
        return (*values[:9], 1.0 if self.unknown_sources else 0.0)

    def scored(self, weights: EvidenceWeights) -> Evidence:
        score = sum(w * f for w, f in zip(astuple(weights), self.features(), strict=True))
        return replace(self, score=score)


def gather(
    question: Question,
    passages: Sequence[Passage],
    best: tuple[Article, tuple[int, int]] | None,
    coverage: float,
    rarity: Mapping[str, float],
    weights: EvidenceWeights,
    said: float | None = None,
    judged: float | None = None,
) -> Evidence:
    """The evidence for answering `question` from `best`: the article to quote and the span of
    its best sentence with the neighbours; `coverage` is the largest share of the question's
    words that one candidate sentence has. `rarity` maps the question's terms to 0..1 (unknown
    terms count 0.5); `said` is the cosine of the question with the closest of the article's
    best sentences (unmeasured, a sentence is taken to be as close as the best passage), and
    `judged` how likely the answer judge finds it that one of them answers (`index.judge`)."""
    wanted = question.wanted
    best_dense = max((p.dense for p in passages), default=0.0)
    article: Article | None = None
    window_terms: set[str] = set()
    article_terms: set[str] = set()
    if best is not None:
        article, (start, end) = best
        article_terms = terms(f"{article.title}\n{article.text}")
        window_terms = terms(article.text[start:end])
    weight = {t: rarity.get(t, 0.5) for t in wanted}
    total = sum(weight.values()) or 1.0
    missing = [weight[t] for t in wanted if t not in article_terms]
    # An outlet kept as several sections ("BBC News - Technology", "- Entertainment & Arts") is
    # known when any of them has a passage.
    found = _outlets(passages)
    named = outlets_by_name(question.cues.outlets)
    missed = sorted(name for name, sections in named.items() if not sections & found)
    unknown = (*question.sources, *missed)
    return Evidence(
        best_dense=best_dense,
        names_found=_names_found(question, passages),
        coverage=coverage,
        focus=sum(weight[t] for t in wanted & window_terms) / total,
        article_focus=sum(weight[t] for t in wanted & article_terms) / total,
        rare_missing=max(missing, default=0.0),
        numbers_found=numbers_found(question, article.text if article else ""),
        said=best_dense if said is None else said,
        judged=judged or 0.0,
        unknown_sources=unknown,
    ).scored(weights)


def rarity_of(frequencies: Mapping[str, int], passages: int) -> dict[str, float]:
    """0..1 per word: 1 for a word no passage uses, near 0 for one nearly every passage uses."""
    top = math.log(passages + 1) or 1.0
    return {
        word: min(1.0, math.log((passages + 1) / (count + 1)) / top)
        for word, count in frequencies.items()
    }


def numbers_found(question: Question, text: str) -> float:
    """Share of the question's numbers that `text` has, each near the word it goes with."""
    if not question.numbers:
        return 1.0
    tokens = WORD.findall(text.lower())
    positions: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        positions.setdefault(token, []).append(index)
    found = 0
    for number, neighbour in question.numbers:
        digits = _DIGITS.findall(number)
        if not digits:
            continue
        head = digits[0].replace(",", "").split(".")[0]
        places = positions.get(head, [])
        if neighbour is None:
            found += bool(places)
            continue
        near = {i for p in places for i in range(p - 3, p + 4)}
        found += any(i in near for i in positions.get(neighbour, []))
    return found / len(question.numbers)


def _names_found(question: Question, passages: Sequence[Passage]) -> float:
    if not question.names:
        return 1.0
    words: set[str] = set()
    for passage in passages:
        words.update(WORD.findall(passage.chunk.text.lower()))
        words.update(WORD.findall(passage.article.title.lower()))
    names = question.names
    return sum(all(w in words for w in WORD.findall(n)) for n in names) / len(names)


def _outlets(passages: Sequence[Passage]) -> set[str]:
    return {p.article.outlet for p in passages if p.article.outlet}
