"""Hybrid retrieval: dense (FAISS) and lexical (BM25) candidates, fused and ranked.

News questions name outlets, dates and people, so besides the fused dense + lexical score the
ranking uses cues read from the question (`index.cues`): outlets it names, dates and times it
mentions, words asking for the latest news, and its parts, each searched on its own. A period
the question names ("this week") admits only articles published in it, and nothing published
after the question was asked is found (`newsbot ask --as-of` answers as of a past day). Copies
of one story from several outlets count once: the best-scoring copy stands for the story. The
final passages are spread over articles so that one long story does not fill every slot.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from index.cues import Cues, date_matches, outlets_by_name, time_matches
from index.embed import Encoder, Vectors
from index.evidence import rarity_of
from index.models import Article, Passage
from index.question import Part, Question, without_end_marks
from index.text import informative_words, stem

if TYPE_CHECKING:
    from index.library import Library

__all__ = ["PERIOD_EXHAUSTIVE", "SearchParams", "Searcher"]

# A period holding at most this many passages is searched passage by passage (exact cosine for
# each); a larger one is searched like the whole corpus, keeping only candidates from it.
PERIOD_EXHAUSTIVE = 20_000
# An article dated at most this far after the question still counts as already published: a
# page's date may be given in another time zone than the clock's.
_ZONE_SLACK = timedelta(hours=14)


@dataclass(frozen=True)
class SearchParams:
    """Knobs of the fusion; defaults are tuned on the MultiHop-RAG development questions."""

    dense_candidates: int = 100
    lexical_candidates: int = 200
    # "weighted": dense_weight × cosine + lexical_weight × BM25 / best BM25 of the question;
    # "rrf": reciprocal-rank fusion of the two rankings (measured worse; kept for comparison).
    fusion: Literal["weighted", "rrf"] = "weighted"
    dense_weight: float = 0.4
    lexical_weight: float = 0.6
    # Added to passages of an outlet the question names ("according to TechCrunch").
    outlet_boost: float = 0.25
    # Added to passages of articles published on a date, or at a time, the question names.
    date_boost: float = 0.2
    time_boost: float = 0.2
    recency_weight: float = 0.02
    recency_cue_weight: float = 0.15
    # A question with several parts ("..., and ...") is also searched part by part; a passage
    # gains `part_weight` times its score for the part it matches best.
    part_weight: float = 1.0
    max_parts: int = 6
    part_candidates: int = 100
    # Parts are also searched by meaning (each encoded and looked up in the vector index) only
    # in a question of at most this many informative words. The clauses of a long, detailed
    # question describe its one story: each part is searched by its words and scored with the
    # whole question's cosine, saving an encoding as costly as the question's per part
    # (MultiHop-RAG development: every headline figure within 0.01, p50 84 -> 53 ms).
    part_vector_terms: int = 10
    # The first `keep_top` passages are the best-scoring ones; after them each passage already
    # taken from an article lowers that article's next passage by `article_penalty`, so the
    # rest spread over more articles (a multi-part question needs several stories).
    keep_top: int = 4
    article_penalty: float = 0.3


# -- the searcher --------------------------------------------------------------------------


class Searcher:
    """Finds the passages that best match a question."""

    def __init__(
        self, library: Library, encoder: Encoder, params: SearchParams | None = None
    ) -> None:
        # The library, not its parts: it may swap in a rebuilt vector index at any flush.
        self.library = library
        self.encoder = encoder
        self.params = params or SearchParams()

    def _parts(self, question: Question) -> tuple[Part, ...]:
        """The parts searched on their own, beside the whole question."""
        if self.params.part_weight > 0 and self.params.max_parts > 1:
            return question.parts[: self.params.max_parts]
        return ()

    def _encodes_parts(self, question: Question) -> bool:
        return len(question.wanted) <= self.params.part_vector_terms

    def encode(self, question: Question) -> Vectors:
        """What `search` looks up in the vector index: the question's vector first, then (in a
        short question) each part's. A caller that also needs the question's vector encodes
        once and passes these to `search`."""
        parts = self._parts(question) if self._encodes_parts(question) else ()
        return self.encoder.encode_queries(_query_texts(question, parts))

    def search(
        self, question: Question, k: int = 10, query_vectors: Vectors | None = None
    ) -> list[Passage]:
        """The top `k` passages for `question`, best first; `query_vectors` from `encode`, or
        encoded here."""
        return self.search_and_encode(question, k, query_vectors)[0]

    def search_and_encode(
        self, question: Question, k: int = 10, query_vectors: Vectors | None = None
    ) -> tuple[list[Passage], Vectors | None]:
        """`search`, also giving back the vectors it looked up (None if it searched nothing).

        The lexical queries run before the question is encoded: side by side on a two-core
        machine, they would otherwise share the second core with the encoder's threads, which
        keep spinning for a while after it returns (1M passages, paired: p50 84 -> 72 ms)."""
        params = self.params
        store, vectors = self.library.store, self.library.vectors
        parts = self._parts(question)
        queries = _query_texts(question, parts)
        in_period: list[int] | None = None
        if question.period is not None:
            in_period = store.chunk_ids_of(
                store.dated_between(question.period.start, question.period.end)
            )
            if not in_period:
                return [], None
        part_vectors = self._encodes_parts(question)
        lexical_lists = self.lexical_lists(queries)
        if query_vectors is None:
            query_vectors = self.encode(question)
        encoded = query_vectors
        candidate_ids = {i for hits in lexical_lists for i in hits}
        candidate_ids.update(
            i for i, _ in vectors.search(query_vectors[0], params.dense_candidates)
        )
        if part_vectors:
            for row in range(1, len(queries)):
                found = vectors.search(query_vectors[row], params.part_candidates)
                candidate_ids.update(i for i, _ in found)
        if not part_vectors:
            query_vectors = np.repeat(query_vectors, len(queries), axis=0)
        if in_period is not None:
            if len(in_period) <= PERIOD_EXHAUSTIVE:
                candidate_ids = set(in_period)
            else:
                candidate_ids &= set(in_period)
        if not candidate_ids:
            return [], encoded
        # Exact cosine for every candidate, so lexical-only hits are scored densely too. Texts
        # are read only for the passages returned: ranking needs vectors, outlets and dates.
        rows = store.get_owners_and_vectors(candidate_ids)
        heads = store.get_article_heads({article_id for article_id, _ in rows.values()})
        if question.asked_at is not None:
            heads = _published_by(heads, question.asked_at)
        ids = sorted(i for i, (article_id, _) in rows.items() if article_id in heads)
        if not ids:
            return [], encoded
        owners = [heads[rows[i][0]] for i in ids]
        # einsum, not `@`: a BLAS call would wake OpenBLAS threads that then spin and slow torch
        # down on a small machine (the next question embeds ~2x slower).
        matrix = np.stack([rows[i][1] for i in ids])
        dense = np.einsum("cd,qd->cq", matrix, query_vectors)  # candidates × queries
        recency = _recency(owners)
        scores: list[npt.NDArray[np.float64]] = []
        all_cues = [question.cues, *(part.cues for part in parts)]
        for column, (cues, hits) in enumerate(zip(all_cues, lexical_lists, strict=True)):
            if params.fusion == "rrf":
                relevance = _reciprocal_ranks(dense[:, column], [hits.get(i, 0.0) for i in ids])
            else:
                top = max(hits.values(), default=0.0) or 1.0
                lexical = np.array([hits.get(i, 0.0) / top for i in ids])
                relevance = params.dense_weight * dense[:, column] + params.lexical_weight * lexical
            scores.append(relevance + self._boosts(cues, owners, recency))
        best_part = np.max(scores[1:], axis=0) if len(scores) > 1 else scores[0]
        fused = _one_copy_per_story(scores[0] + params.part_weight * best_part, owners)
        top_lexical = max(lexical_lists[0].values(), default=0.0) or 1.0
        order = _spread(fused, [a.id for a in owners], k, params.keep_top, params.article_penalty)
        if part_vectors:
            order = _keeping(order, _best_of_each_target(question, scores, fused, owners), k)
        order = [j for j in order if np.isfinite(fused[j])]
        chunks = store.get_chunks(ids[j] for j in order)
        articles = store.get_articles(owners[j].id for j in order)
        passages = [
            Passage(
                chunk=chunks[ids[j]],
                article=articles[owners[j].id],
                score=float(fused[j]),
                dense=float(dense[j, 0]),
                lexical=lexical_lists[0].get(ids[j], 0.0) / top_lexical,
                part_scores=tuple(float(column[j]) for column in scores[1:]),
            )
            for j in order
            # A passage removed since it was ranked (by another thread) is left out.
            if ids[j] in chunks and owners[j].id in articles
        ]
        return passages, encoded

    def lexical_lists(self, queries: Sequence[str]) -> list[dict[int, float]]:
        """BM25 hits of the whole question (`queries[0]`, its `lexical_candidates` best) and of
        each part (`part_candidates`): side by side where the lexical index runs searches in
        parallel, the parts on the pool while this thread searches the whole question."""
        words = self.library.lexical
        params = self.params
        if len(queries) > 1 and words.concurrent:
            pool = _lexical_pool()
            pending = [
                pool.submit(words.search, part, params.part_candidates) for part in queries[1:]
            ]
            whole = words.search(queries[0], params.lexical_candidates)
            return [dict(whole), *(dict(future.result()) for future in pending)]
        sizes = [params.lexical_candidates] + [params.part_candidates] * (len(queries) - 1)
        return [dict(words.search(query, k)) for query, k in zip(queries, sizes, strict=True)]

    def rarity(self, question: Question) -> dict[str, float]:
        """0..1 per question term: how few passages of the whole corpus use it."""
        lexical = self.library.lexical
        words = informative_words(question.text)
        per_word = rarity_of(lexical.document_frequency(words), len(lexical))
        found: dict[str, float] = {}
        for word, value in per_word.items():
            term = stem(word)
            found[term] = max(found.get(term, 0.0), value)
        return found

    def _boosts(
        self, cues: Cues, owners: Sequence[Article], recency: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """What the question's cues add to each candidate's score."""
        params = self.params
        boost = (params.recency_cue_weight if cues.recent else params.recency_weight) * recency
        if cues.outlets and params.outlet_boost:
            boost = boost + params.outlet_boost * _flags(a.outlet in cues.outlets for a in owners)
        if cues.dates and params.date_boost:
            boost = boost + params.date_boost * _flags(
                date_matches(a.published_at, cues.dates) for a in owners
            )
        if cues.times and params.time_boost:
            boost = boost + params.time_boost * _flags(
                time_matches(a.published_at, cues.times) for a in owners
            )
        return boost


@cache
def _lexical_pool() -> ThreadPoolExecutor:
    """Threads for the parts' lexical searches, shared by every searcher: one fewer than the
    cores (the asking thread searches too), at most three."""
    workers = min(3, max(1, (os.cpu_count() or 2) - 1))
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lexical")


def _reciprocal_ranks(
    dense: npt.NDArray[np.float32], lexical: Sequence[float], constant: int = 60
) -> npt.NDArray[np.float64]:
    """Reciprocal-rank fusion of the two signals (for comparison), scaled so the best is ~1."""
    fused = np.zeros(len(dense))
    for values, present in (
        (np.asarray(dense, dtype=np.float64), None),
        (np.asarray(lexical, dtype=np.float64), np.asarray(lexical) > 0),
    ):
        ranks = np.empty(len(values))
        ranks[np.argsort(-values, kind="stable")] = np.arange(1, len(values) + 1)
        contribution = 1.0 / (constant + ranks)
        fused += contribution if present is None else np.where(present, contribution, 0.0)
    return fused * (constant + 1) / 2


def _flags(values: Iterable[bool]) -> npt.NDArray[np.float64]:
    return np.fromiter(values, dtype=np.float64)


def _spread(
    scores: npt.NDArray[np.float64], owners: Sequence[int], k: int, keep: int, penalty: float
) -> list[int]:
    """Indices of `k` passages: the `keep` best, then greedily the best score less `penalty`
    for each passage already taken from the same article."""
    ranked = [int(j) for j in np.argsort(-scores, kind="stable")]
    if penalty <= 0:
        return ranked[:k]
    chosen = ranked[: min(keep, k)]
    taken: dict[int, int] = {}
    for j in chosen:
        taken[owners[j]] = taken.get(owners[j], 0) + 1
    pool = ranked[keep : max(k * 10, 100)]
    while pool and len(chosen) < k:
        best = max(pool, key=lambda j: scores[j] - penalty * taken.get(owners[j], 0))
        pool.remove(best)
        chosen.append(best)
        taken[owners[best]] = taken.get(owners[best], 0) + 1
    return chosen


def _best_of_each_target(
    question: Question,
    scores: Sequence[npt.NDArray[np.float64]],
    fused: npt.NDArray[np.float64],
    owners: Sequence[Article],
) -> list[int]:
    """The best passage for each part of a short question, and from each outlet it names when
    it names several: the answer quotes a story for each (`index.parts`), so each keeps a place
    among the k even when the question as a whole prefers other stories."""
    usable = np.isfinite(fused)
    found = [int(np.argmax(np.where(usable, column, -np.inf))) for column in scores[1:]]
    named = outlets_by_name(question.cues.outlets)
    if len(named) >= 2:
        for group in named.values():
            mine = usable & np.fromiter((a.outlet in group for a in owners), dtype=bool)
            if mine.any():
                found.append(int(np.argmax(np.where(mine, fused, -np.inf))))
    return [j for j in dict.fromkeys(found) if usable[j]]


def _keeping(order: list[int], kept: Sequence[int], k: int) -> list[int]:
    """`order` with each of `kept` in it: one missing takes the place of the lowest-ranked
    passage that is not itself kept."""
    order = list(order)
    for j in kept:
        if j in order:
            continue
        if len(order) < k:
            order.append(j)
            continue
        for place in range(len(order) - 1, -1, -1):
            if order[place] not in kept:
                del order[place]
                order.append(j)
                break
    return order


def _published_by(articles: dict[int, Article], moment: datetime) -> dict[int, Article]:
    """The articles already published (else added) at `moment`."""
    latest = moment + _ZONE_SLACK
    return {i: a for i, a in articles.items() if _aware(a.dated) <= latest}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _one_copy_per_story(
    scores: npt.NDArray[np.float64], owners: Sequence[Article]
) -> npt.NDArray[np.float64]:
    """`scores` with every passage of a story's other copies set to -inf: the copy with the
    best passage stands for the story (its outlet is the one a question named, if any)."""
    stories = [a.story for a in owners]
    if len(set(stories)) == len({a.id for a in owners}):
        return scores
    best: dict[int, int] = {}
    for j in np.argsort(-scores, kind="stable"):
        best.setdefault(stories[j], owners[j].id)
    keep = np.fromiter((best[s] == a.id for s, a in zip(stories, owners, strict=True)), bool)
    return np.where(keep, scores, -np.inf)


def _recency(articles: Sequence[Article]) -> npt.NDArray[np.float64]:
    """0 for the oldest candidate article, 1 for the newest (undated count as oldest)."""
    values = np.array(
        [a.published_at.timestamp() if a.published_at else np.nan for a in articles],
        dtype=np.float64,
    )
    if len(values) == 0 or np.all(np.isnan(values)):
        return np.zeros(len(values))
    low, high = np.nanmin(values), np.nanmax(values)
    values = np.where(np.isnan(values), low, values)
    span = high - low
    return (values - low) / span if span > 0 else np.zeros(len(values))


def _query_texts(question: Question, parts: Sequence[Part]) -> list[str]:
    """The question, then each of `parts`, as the model and the lexical index read them."""
    return [without_end_marks(question), *(without_end_marks(question, p.text) for p in parts)]
