"""The vector and lexical indexes of the shared PostgreSQL backend: pgvector HNSW and BM25.

Both read the passage rows `index.pg_store.PostgresStore` writes (a `vector` column under an
HNSW index; the stems of passage, title and outlet as postings with their counts, made by the
analyzer the embedded index uses), so what one worker adds every other finds at once, and there
is nothing to save or re-synchronise. PostgreSQL ranks full-text matches with `ts_rank_cd`, which
is not BM25; the lexical index scores BM25 in SQL from the postings instead, with the constants
tantivy and FTS5 use, over the same terms and lengths as tantivy.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Sequence

import numpy as np

from index.analyzer import query_terms, word_terms
from index.embed import Vectors
from index.lexical import cached_counts
from index.pg_store import EF_SEARCH, PostgresStore

__all__ = ["MAX_EF_SEARCH", "PASSAGES_PER_CANDIDATE", "PgLexicalIndex", "PgVectorIndex"]

# The HNSW search widens with the table (see PgVectorIndex._ef_search); pgvector allows 1,000.
PASSAGES_PER_CANDIDATE = 125
MAX_EF_SEARCH = 1_000

# BM25's usual constants (tantivy's and FTS5's).
_K1, _B = 1.2, 0.75
# Candidates taken from PostgreSQL's own ranking for each BM25 re-score, per result wanted.
_RESCORE_FACTOR = 2
_RESCORE_MIN = 200
# Candidates come from the stems in at most this share of the passages, or this many (at least
# two stems): below some 50k passages every stem qualifies and all matches are ranked.
_SELECTIVE_SHARE = 0.1
_SELECTIVE_FLOOR = 5_000
_MIN_SELECTIVE = 2
# The average passage length moves slowly: recomputed at most this often (seconds).
_AVERAGE_TTL = 300.0


# BM25 from the postings: candidates by the selective stems, then exact over all stems.
_BM25_SCORE = (
    f"sum(q.weight * t.tf * {_K1 + 1} / (t.tf + {_K1} * (1 - {_B} + {_B} * t.length / "
    "%(average)s::float8)))"
)
_BM25_SQL = f"""
WITH q AS (
    SELECT * FROM unnest(%(lexemes)s::text[], %(weights)s::float8[]) AS q(lexeme, weight)
),
candidates AS (
    SELECT t.chunk_id FROM chunk_terms t JOIN q ON q.lexeme = t.lexeme
    WHERE t.lexeme = ANY(%(selective)s::text[])
    GROUP BY t.chunk_id ORDER BY {_BM25_SCORE} DESC, t.chunk_id LIMIT %(candidates)s
)
SELECT t.chunk_id, {_BM25_SCORE} AS score
FROM chunk_terms t JOIN q ON q.lexeme = t.lexeme
WHERE t.chunk_id IN (SELECT chunk_id FROM candidates)
GROUP BY t.chunk_id ORDER BY score DESC, t.chunk_id LIMIT %(k)s
"""


class PgVectorIndex:
    """The `VectorIndexLike` of the shared backend: cosine search through pgvector's HNSW."""

    def __init__(self, store: PostgresStore, dim: int) -> None:
        self.dim = dim
        self._store = store
        store.ensure_vector_index(dim)
        self._count = (-1, 0)  # (store generation, passages) for the search width
        self.order = f"embedding::vector({dim}) <=> ?::vector({dim})"

    @property
    def kind(self) -> str:
        return "pgvector-hnsw"

    def __len__(self) -> int:
        return self._store.count_chunks()

    # The store writes and deletes the vectors with their passages: nothing to do here.

    def add(self, ids: Iterable[int], vectors: Vectors) -> None:
        return None

    def remove(self, ids: Iterable[int]) -> int:
        return len(list(ids))

    def save(self, path: object) -> None:
        return None

    def ids(self) -> set[int]:
        return set(self._store.chunk_ids())

    def search(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        sql = f"SELECT id, 1 - ({self.order}) FROM chunks ORDER BY {self.order} LIMIT ?"
        ef = self._ef_search(k)
        if ef == EF_SEARCH:
            rows = self._store.read(sql, (query, query, k))
        else:
            with self._store.reading() as db:
                db.execute("SELECT set_config('hnsw.ef_search', ?, false)", (str(ef),))
                try:
                    rows = db.execute(sql, (query, query, k)).fetchall()
                finally:
                    db.execute("SELECT set_config('hnsw.ef_search', ?, false)", (str(EF_SEARCH),))
        return [(int(r[0]), float(r[1])) for r in rows]

    def _ef_search(self, k: int) -> int:
        """HNSW candidates for a search of `k`: more as the table grows (one per
        `PASSAGES_PER_CANDIDATE` passages, at most pgvector's 1,000). At 100k passages of the
        bench's near-duplicate corpus, 100 found 0.52 of the exact top 10, 400 found 0.83 and
        800 found 0.95 in 4.5 ms (`python -m bench.pg_recall`); at 6.5k, 100 found 0.995."""
        generation = self._store.generation
        if self._count[0] != generation:
            self._count = (generation, self._store.count_chunks())
        grown = self._count[1] // PASSAGES_PER_CANDIDATE
        return min(MAX_EF_SEARCH, max(EF_SEARCH, k, grown))

    def exact_search(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        """The true `k` nearest, by scanning every vector (to measure the index's recall)."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        with self._store.writing() as db:
            db.execute("SET LOCAL enable_indexscan = off")
            rows = db.execute(
                f"SELECT id, 1 - ({self.order}) FROM chunks ORDER BY {self.order} LIMIT ?",
                (query, query, k),
            ).fetchall()
        return [(int(r[0]), float(r[1])) for r in rows]

    def nearest(self, vectors: Vectors) -> list[tuple[int, float]]:
        found: list[tuple[int, float]] = []
        for row in np.asarray(vectors, dtype=np.float32):
            # A few, so that among equally close rows (copies of one text) the first stored
            # wins, as in the embedded index, rather than whichever the graph reaches first.
            close = self.search(row, 4)
            best = min(close, key=lambda pair: (-round(pair[1], 5), pair[0]), default=(-1, 0.0))
            found.append(best)
        return found


class PgLexicalIndex:
    """The `LexicalIndex` of the shared backend: PostgreSQL full-text candidates, BM25 scores."""

    # Each thread would open its own connection; side by side queries are not measured yet.
    concurrent = False

    # "bm25" (the default) or "ts_rank_cd": PostgreSQL's ranking alone, kept to measure the
    # difference (`newsbot eval multihop --postgresql-ranking ts_rank_cd`).
    ranking = "bm25"

    def __init__(self, store: PostgresStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._generation = -1
        self._frequencies: dict[str, int] = {}  # body (passage text) document frequencies
        self._lexeme_frequencies: dict[str, int] = {}  # over passage + title + outlet
        self._average: tuple[float, float, int] = (0.0, 0.0, 0)  # (when, average, count)

    def _refresh(self) -> None:
        generation = self._store.generation
        if generation != self._generation:
            self._frequencies.clear()
            self._lexeme_frequencies.clear()
            self._generation = generation

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top `k` chunk ids by BM25 over passage, title and outlet; higher is better.

        Scored in PostgreSQL from the postings of the question's stems (`chunk_terms`) in two
        steps: the best `max(2k, 200)` passages by BM25 over its selective stems (in at most a
        tenth of the passages or 5,000 of them; the two rarest when none is), then those by
        BM25 over all its stems. At 1M passages a stem in half of them adds little to BM25 and
        would make PostgreSQL score half a million postings.
        """
        lexemes = query_terms(query)
        if not lexemes or k <= 0:
            return []
        with self._lock:
            self._refresh()
            count, average = self._statistics()
            frequencies = self._lexeme_counts(lexemes)
        present = [x for x in lexemes if frequencies[x] > 0]
        if not present:
            return []
        weights = [_idf(count, frequencies[x]) for x in present]
        by_rarity = sorted(present, key=lambda lexeme: frequencies[lexeme])
        limit = max(_SELECTIVE_SHARE * count, _SELECTIVE_FLOOR)
        selective = [x for x in by_rarity if frequencies[x] <= limit]
        if len(selective) < _MIN_SELECTIVE:
            selective = by_rarity[:_MIN_SELECTIVE]
        if self.ranking == "ts_rank_cd":
            return self._ts_rank_cd(selective, k)
        rows = self._store.read(
            _BM25_SQL,
            {
                "lexemes": present,
                "weights": weights,
                "selective": selective,
                "average": average or 1.0,
                "candidates": max(k * _RESCORE_FACTOR, _RESCORE_MIN),
                "k": k,
            },
        )
        return [(int(chunk_id), float(score)) for chunk_id, score in rows]

    def _ts_rank_cd(self, selective: Sequence[str], k: int) -> list[tuple[int, float]]:
        """PostgreSQL's own ranking alone, for measuring what BM25 is worth."""
        rows = self._store.read(
            "SELECT c.id FROM chunks c, CAST(? AS tsquery) q WHERE c.words @@ q "
            "ORDER BY ts_rank_cd(c.words, q) DESC, c.id LIMIT ?",
            (" | ".join(_quoted(x) for x in selective), k),
        )
        return [(int(r[0]), float(len(rows) - n)) for n, r in enumerate(rows)]

    def _statistics(self) -> tuple[int, float]:
        """How many passages there are and their average length in words (cached a while)."""
        when, average, count = self._average
        if time.monotonic() - when > _AVERAGE_TTL or not count:
            row = self._store.read("SELECT count(*), coalesce(avg(word_count), 0) FROM chunks")[0]
            count, average = int(row[0]), float(row[1])
            self._average = (time.monotonic(), average, count)
        return count, average

    def _lexeme_counts(self, lexemes: Iterable[str]) -> dict[str, int]:
        return cached_counts(self._lexeme_frequencies, lexemes, self._lexeme_count)

    def _lexeme_count(self, lexeme: str) -> int:
        rows = self._store.read("SELECT count(*) FROM chunk_terms WHERE lexeme = ?", (lexeme,))
        return int(rows[0][0])

    def document_frequency(self, words: Iterable[str]) -> dict[str, int]:
        """How many passages' text contains each word (stemmed as the index stems it, titles
        left out); cached until any process changes the articles."""
        words = list(words)
        with self._lock:
            self._refresh()
            self._count_bodies({w.lower() for w in words} - self._frequencies.keys())
            return {word: self._frequencies[word.lower()] for word in words}

    def _count_bodies(self, words: set[str]) -> None:
        """Count the passages whose text has each word, all in one query (a typing slip is
        checked against a few hundred neighbours), and cache them. A word that analyzes to
        several terms counts where its rarest is, as the embedded index counts it."""
        terms = {word: word_terms(word) for word in words}
        wanted = sorted({term for found in terms.values() for term in found})
        counts: dict[str, int] = {}
        if wanted:
            rows = self._store.read(
                "SELECT lexeme, count(*) FROM chunk_terms WHERE lexeme = ANY(%(terms)s::text[]) "
                "AND body GROUP BY lexeme",
                {"terms": wanted},
            )
            counts = {str(lexeme): int(count) for lexeme, count in rows}
        for word, found in terms.items():
            self._frequencies[word] = min((counts.get(t, 0) for t in found), default=0)

    def __len__(self) -> int:
        return self._store.count_chunks()

    # The store writes the full-text columns with the passages: nothing to do here.

    def add(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        return None

    def remove(self, ids: Iterable[int]) -> None:
        return None

    def commit(self) -> None:
        return None

    def close(self) -> None:
        return None


def _idf(count: int, frequency: int) -> float:
    return math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''") + "'"
