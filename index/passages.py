"""The passages of stored articles: their offsets and vectors, read back with their text.

A passage's text is its article's text between its offsets: it is not stored again. Passages
are written together with their article (`index.store.Store.add_article`); read here by id, in
batches for rebuilding the vector and lexical indexes, and article by article for copying a
corpus. The FTS5 rows, for the embedded lexical index, are kept here too while it is in use.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from index.chunk import Span
from index.database import ARTICLE_COLUMNS, Database
from index.embed import Vectors
from index.models import Article, ArticleDraft, Chunk

__all__ = ["PassageRows"]

log = logging.getLogger(__name__)

_FTS5_INSERT = "INSERT INTO chunks_fts(rowid, text, title, outlet) VALUES (?, ?, ?, ?)"


class PassageRows(Database):
    """Reading and re-embedding the passages table."""

    def _article(self, row: Sequence[object]) -> Article:
        raise NotImplementedError

    # The ids of a table's rows as one comma-separated text (PostgreSQL overrides it).
    _JOINED_IDS = "group_concat(id)"

    # How a vector is stored: float32 bytes in a BLOB here (PostgreSQL overrides these).

    @staticmethod
    def _dump_vector(vector: Vectors) -> object:
        return np.asarray(vector, dtype=np.float32).tobytes()

    @staticmethod
    def _load_vector(value: Any) -> Vectors:
        return np.frombuffer(value, dtype=np.float32)

    # One passage row (and its FTS5 row while FTS5 is in use), in the article's transaction
    # (PostgreSQL overrides both).

    def _insert_chunk(
        self,
        db: Any,
        article_id: int,
        seq: int,
        span: Span,
        vector: Vectors,
        text: str,
        draft: ArticleDraft,
    ) -> int:
        """Store one passage of `text` (the article's) and return its id."""
        cursor = db.execute(
            'INSERT INTO chunks(article_id, seq, start, "end", embedding) '
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            (article_id, seq, span.start, span.end, self._dump_vector(vector)),
        )
        chunk_id = int(cursor.fetchone()[0])
        if self._keeps_fts5_rows(db):
            passage = text[span.start : span.end]
            db.execute(_FTS5_INSERT, (chunk_id, passage, draft.title, draft.outlet or ""))
        return chunk_id

    def _unindex_passages(self, db: Any, chunk_ids: Sequence[int]) -> None:
        """Drop the FTS5 rows of passages about to be deleted. The table keeps no copy of what
        it indexed, so each row is deleted by giving back the values it was made from."""
        if not chunk_ids or not self._keeps_fts5_rows(db):
            return
        for rows in self.iter_lexical_rows(chunk_ids):
            db.executemany(
                "INSERT INTO chunks_fts(chunks_fts, rowid, text, title, outlet) "
                "VALUES ('delete', ?, ?, ?, ?)",
                rows,
            )

    @staticmethod
    def _keeps_fts5_rows(db: Any) -> bool:
        row = db.execute("SELECT value FROM meta WHERE key = 'fts5_rows'").fetchone()
        return row is not None and row[0] == "1"

    def keep_fts5_rows(self, keep: bool) -> None:
        """Whether the FTS5 table holds a row per passage, written with each passage from now
        on: filled from the stored passages when asked for and missing, emptied when not asked
        for (only the FTS5 lexical index reads it). One transaction, so a crash leaves the
        table either as it was or as asked."""
        with self._transaction() as db:
            if self._keeps_fts5_rows(db) == keep:
                return
            db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('delete-all')")
            if keep:
                log.info("Filling the FTS5 lexical rows from the stored passages")
                for rows in self.iter_lexical_rows():
                    db.executemany(_FTS5_INSERT, rows)
            db.execute(
                "INSERT INTO meta(key, value) VALUES ('fts5_rows', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                ("1" if keep else "0",),
            )

    # Reading passages: their rows, and their text sliced from their articles' text.

    def _article_fields(self, ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
        """Text, title and outlet ('' if none) of the given articles."""
        rows = self._rows_with_ids(
            "SELECT id, text, title, coalesce(outlet, '') FROM articles WHERE id IN ({ids})", ids
        )
        return {int(r[0]): (str(r[1]), str(r[2]), str(r[3])) for r in rows}

    def get_chunks(self, ids: Iterable[int]) -> dict[int, Chunk]:
        with self._lock:
            rows = self._rows_with_ids(
                'SELECT id, article_id, seq, start, "end" FROM chunks WHERE id IN ({ids})', ids
            )
            articles = self._article_fields(int(r[1]) for r in rows)
        chunks: dict[int, Chunk] = {}
        for chunk_id, article_id, seq, start, end in rows:
            if article_id in articles:
                text = articles[article_id][0][start:end]
                chunks[chunk_id] = Chunk(chunk_id, article_id, seq, start, end, text)
        return chunks

    def get_embeddings(self, ids: Iterable[int]) -> dict[int, Vectors]:
        """Stored vectors of the given chunks (missing ids are left out)."""
        rows = self._rows_with_ids("SELECT id, embedding FROM chunks WHERE id IN ({ids})", ids)
        return {int(r[0]): self._load_vector(r[1]) for r in rows}

    def get_owners_and_vectors(self, ids: Iterable[int]) -> dict[int, tuple[int, Vectors]]:
        """Each given passage's article id and stored vector, without its text: what ranking
        candidates needs (missing ids are left out)."""
        rows = self._rows_with_ids(
            "SELECT id, article_id, embedding FROM chunks WHERE id IN ({ids})", ids
        )
        return {int(r[0]): (int(r[1]), self._load_vector(r[2])) for r in rows}

    def chunk_ids_of(self, article_ids: Iterable[int]) -> list[int]:
        """The passage ids of these articles."""
        wanted = sorted(set(article_ids))
        found: list[int] = []
        with self._lock:
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                marks = ",".join("?" * len(batch))
                found.extend(
                    int(r[0])
                    for r in self._db.execute(
                        f"SELECT id FROM chunks WHERE article_id IN ({marks})", batch
                    )
                )
        return found

    def chunk_ids(self) -> list[int]:
        """Every chunk id, in no particular order: read from the article index, which holds
        them (with no ORDER BY, SQLite scans that small index instead of the whole table of
        texts and vectors: at 1M passages 20 MB instead of 7 GB, seconds at each start), as
        one comma-separated text (a row per id took 0.8 s at 1M passages, this 0.2 s)."""
        with self._lock:
            row = self._db.execute(f"SELECT {self._JOINED_IDS} FROM chunks").fetchone()
        if row is None or not row[0]:
            return []
        ids: list[int] = np.fromstring(str(row[0]), dtype=np.int64, sep=",").tolist()
        return ids

    def _chunk_pages(self, columns: str, batch_size: int) -> Iterator[list[Any]]:
        """Rows of `id, columns` from every chunk in id order, a page at a time (keyset paging)."""
        last = -1
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT id, {columns} FROM chunks WHERE id > ? ORDER BY id LIMIT ?",
                    (last, batch_size),
                ).fetchall()
            if not rows:
                return
            yield rows
            last = int(rows[-1][0])

    def iter_embeddings(self, batch_size: int = 10_000) -> Iterator[tuple[list[int], Vectors]]:
        """All stored chunk vectors in id order, in batches, to rebuild the vector index."""
        for rows in self._chunk_pages("embedding", batch_size):
            ids = [int(r[0]) for r in rows]
            yield ids, np.stack([self._load_vector(r[1]) for r in rows])

    def iter_chunk_texts(self, batch_size: int = 1_000) -> Iterator[list[tuple[int, str]]]:
        """(id, text) of every chunk in batches, to re-embed after a model change."""
        for rows in self.iter_lexical_rows(batch_size=batch_size):
            yield [(chunk_id, text) for chunk_id, text, _, _ in rows]

    def set_embeddings(self, ids: Sequence[int], vectors: Vectors) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE chunks SET embedding = ? WHERE id = ?",
                [(self._dump_vector(v), i) for i, v in zip(ids, vectors, strict=True)],
            )

    def iter_lexical_rows(
        self, ids: Iterable[int] | None = None, batch_size: int = 5_000
    ) -> Iterator[list[tuple[int, str, str, str]]]:
        """(id, text, title, outlet) of every chunk, or of `ids`, in batches: what a lexical
        index holds, to build or repair it."""
        wanted = None if ids is None else sorted(set(ids))
        start = 0
        while True:
            if wanted is None:
                clause, parameters = "id > ? ORDER BY id LIMIT ?", [start, batch_size]
            else:
                page = wanted[start : start + batch_size]
                if not page:
                    return
                clause, parameters = f"id IN ({','.join('?' * len(page))})", page
            with self._lock:
                rows = self._db.execute(
                    f'SELECT id, article_id, start, "end" FROM chunks WHERE {clause}', parameters
                ).fetchall()
                articles = self._article_fields(int(r[1]) for r in rows)
            if rows:
                yield [
                    (int(chunk_id), text[begin:end], title, outlet)
                    for chunk_id, article_id, begin, end in rows
                    if article_id in articles
                    for text, title, outlet in [articles[article_id]]
                ]
            if wanted is not None:
                start += batch_size
            elif rows:
                start = int(rows[-1][0])
            else:
                return

    def export_articles(self) -> Iterator[tuple[Article, list[Span], Vectors]]:
        """Every article, oldest first, with its passages' spans and vectors (for copying a
        corpus elsewhere: benchmarks, another backend)."""
        last = 0
        while True:
            with self._lock:
                row = self._db.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id > ? ORDER BY id LIMIT 1",
                    (last,),
                ).fetchone()
                if row is None:
                    return
                article = self._article(row)
                chunks = self._db.execute(
                    'SELECT start, "end", embedding FROM chunks WHERE article_id = ? ORDER BY seq',
                    (article.id,),
                ).fetchall()
            last = article.id
            spans = [Span(int(r[0]), int(r[1])) for r in chunks]
            rows = [self._load_vector(r[2]) for r in chunks]
            yield article, spans, np.stack(rows) if rows else np.zeros((0, 0), np.float32)
