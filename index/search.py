"""Hybrid retrieval: dense (FAISS) and lexical (BM25 over SQLite FTS5) candidates, fused and ranked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from index.embed import Encoder
from index.models import Article, Passage
from index.store import Store
from index.vectors import VectorIndex

__all__ = ["SearchParams", "Searcher"]

_RECENT_CUE = re.compile(r"\b(latest|newest|recent(ly)?|most recent|this week|today|now|current(ly)?)\b", re.I)


@dataclass(frozen=True)
class SearchParams:
    """Knobs of the fusion; defaults are tuned on the MultiHop-RAG development questions."""

    candidates: int = 60
    dense_weight: float = 0.35
    lexical_weight: float = 0.65
    outlet_boost: float = 0.25
    recency_weight: float = 0.02
    recency_cue_weight: float = 0.15


class Searcher:
    """Finds the passages that best match a question."""

    def __init__(
        self,
        store: Store,
        vectors: VectorIndex,
        encoder: Encoder,
        params: SearchParams | None = None,
    ) -> None:
        self.store = store
        self.vectors = vectors
        self.encoder = encoder
        self.params = params or SearchParams()

    def search(self, question: str, k: int = 10) -> list[Passage]:
        """The top `k` passages for `question`, best first."""
        params = self.params
        query_vector = self.encoder.encode([question])[0]
        dense_hits = dict(self.vectors.search(query_vector, params.candidates))
        lexical_hits = dict(self.store.lexical_search(question, params.candidates))
        candidate_ids = set(dense_hits) | set(lexical_hits)
        if not candidate_ids:
            return []
        # Exact cosine for every candidate, so lexical-only hits are scored densely too.
        embeddings = self.store.get_embeddings(candidate_ids)
        chunks = self.store.get_chunks(embeddings)
        articles = self.store.get_articles(c.article_id for c in chunks.values())
        ids = [i for i in chunks if chunks[i].article_id in articles]
        if not ids:
            return []
        matrix = np.stack([embeddings[i] for i in ids])
        dense = matrix @ query_vector
        top_lexical = max(lexical_hits.values(), default=0.0) or 1.0
        lexical = np.array([lexical_hits.get(i, 0.0) / top_lexical for i in ids])
        named = self._outlets_named(question, articles.values())
        recency = self._recency(articles, ids, chunks)
        recency_weight = (
            params.recency_cue_weight if _RECENT_CUE.search(question) else params.recency_weight
        )
        scores = params.dense_weight * dense + params.lexical_weight * lexical
        scores = scores + recency_weight * recency
        if named:
            boost = np.array(
                [params.outlet_boost if articles[chunks[i].article_id].outlet in named else 0.0
                 for i in ids]
            )
            scores = scores + boost
        order = np.argsort(-scores, kind="stable")[:k]
        return [
            Passage(
                chunk=chunks[ids[j]],
                article=articles[chunks[ids[j]].article_id],
                score=float(scores[j]),
                dense=float(dense[j]),
                lexical=float(lexical[j]),
            )
            for j in order
        ]

    @staticmethod
    def _outlets_named(question: str, articles: object) -> set[str]:
        lowered = question.lower()
        named: set[str] = set()
        for article in articles:  # type: ignore[attr-defined]
            assert isinstance(article, Article)
            if article.outlet and len(article.outlet) > 2 and article.outlet.lower() in lowered:
                named.add(article.outlet)
        return named

    @staticmethod
    def _recency(
        articles: dict[int, Article], ids: list[int], chunks: dict[int, object]
    ) -> np.ndarray:
        """0 for the oldest candidate article, 1 for the newest (undated count as oldest)."""
        stamps = []
        for i in ids:
            published = articles[chunks[i].article_id].published_at  # type: ignore[attr-defined]
            stamps.append(published.timestamp() if isinstance(published, datetime) else np.nan)
        values = np.array(stamps, dtype=np.float64)
        if np.all(np.isnan(values)):
            return np.zeros(len(ids))
        low, high = np.nanmin(values), np.nanmax(values)
        span = high - low
        values = np.where(np.isnan(values), low, values)
        return (values - low) / span if span > 0 else np.zeros(len(ids))
