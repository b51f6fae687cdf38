"""SQLite storage for articles, chunks (with offsets and vectors), full-text search and metadata."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.chunk import Span
from index.embed import Vectors
from index.errors import DuplicateArticle, NotFound, StorageError
from index.models import Article, ArticleDraft, Chunk

__all__ = ["Store"]

# Numbered migrations; PRAGMA user_version records how many have run.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        url TEXT,
        canonical_url TEXT UNIQUE,
        title TEXT NOT NULL,
        outlet TEXT,
        author TEXT,
        published_at TEXT,
        added_at TEXT NOT NULL,
        text TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE
    );
    CREATE INDEX articles_published ON articles(published_at);
    CREATE TABLE chunks (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        embedding BLOB NOT NULL
    );
    CREATE INDEX chunks_article ON chunks(article_id);
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
        text, title, outlet, tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: followed feeds and the items each has seen (read and written by index.feedstore).
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        canonical_url TEXT NOT NULL UNIQUE,
        title TEXT,
        interval_minutes REAL NOT NULL,
        added_at TEXT NOT NULL,
        next_poll_at TEXT NOT NULL,
        last_polled_at TEXT,
        last_success_at TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        etag TEXT,
        last_modified TEXT
    );
    CREATE TABLE feed_items (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        outcome TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 1,
        article_id INTEGER,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (feed_id, key)
    );
    """,
]

_ARTICLE_COLUMNS = "id, title, url, outlet, author, published_at, added_at, text"


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _is_write_failure(error: BaseException) -> bool:
    """Whether SQLite failed to write (full disk, read-only file, I/O error, lock timeout) or
    found the file damaged, as opposed to refusing the data itself (a constraint)."""
    return isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError


class Store:
    """One SQLite database file (WAL mode); every method is safe to call from any thread."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the database; raises StorageError if the file cannot be used."""
        self.path = path
        self._lock = threading.RLock()
        self._outlets: tuple[int, list[str]] | None = None
        # Bumped by every change to the stored articles, so readers can tell a cache is stale.
        self.generation = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise StorageError(f"The database {path} cannot be opened ({error}).") from None
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            # Reading the schema touches the first page, where most damage shows at once.
            self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            self._migrate()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise StorageError(
                f"The database {path} is damaged or is not a newsbot database ({error}). "
                "Restore it from a backup, or move it aside to start an empty one "
                "(then ingest the articles again)."
            ) from None

    def _migrate(self) -> None:
        with self._lock:
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                with self._transaction():
                    for statement in script.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a failed write (disk full, read-only file, I/O error) rolls
        back everything in it and raises StorageError, so the database keeps its last state."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as error:
                raise self._write_error(error) from error
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException as error:
                # SQLite may already have rolled back by itself (it does on a full disk), and a
                # failed COMMIT leaves the transaction open: end it either way, quietly, so the
                # original error is the one reported and the next write can begin.
                if self._db.in_transaction:
                    with suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                if _is_write_failure(error):
                    raise self._write_error(error) from error
                raise

    def _write_error(self, error: BaseException) -> StorageError:
        return StorageError(
            f"Could not write to the database {self.path} ({error}); nothing of that change "
            "was stored. Check that the disk has free space and the data directory is writable."
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- for modules that keep their own tables in this database (feeds) -----------------

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, held for a few reads; thread-safe like every method here."""
        with self._lock:
            yield self._db

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one write transaction, rolled back if the block raises."""
        with self._transaction() as db:
            yield db

    # -- metadata -------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO meta(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- articles -------------------------------------------------------------------------

    def find_duplicate(self, canonical_url: str | None, content_hash: str) -> Article | None:
        """The stored article with the same canonical URL or the same text, if any."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles "
                "WHERE content_hash = ? OR (canonical_url IS NOT NULL AND canonical_url = ?)",
                (content_hash, canonical_url),
            ).fetchone()
        return None if row is None else self._article(row)

    def add_article(
        self,
        draft: ArticleDraft,
        canonical_url: str | None,
        content_hash: str,
        spans: Sequence[Span],
        vectors: Vectors,
    ) -> tuple[Article, list[int]]:
        """Store an article with its chunks in one transaction; returns it and its chunk ids."""
        if len(spans) != len(vectors):
            raise ValueError("one vector per chunk is required")
        added_at = datetime.now(UTC)
        with self._transaction() as db:
            existing = self.find_duplicate(canonical_url, content_hash)
            if existing is not None:
                raise DuplicateArticle(
                    f"Already have it: article {existing.id}, “{existing.title}”.", existing.id
                )
            cursor = db.execute(
                "INSERT INTO articles(url, canonical_url, title, outlet, author, published_at, "
                "added_at, text, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.url,
                    canonical_url,
                    draft.title,
                    draft.outlet,
                    draft.author,
                    _iso(draft.published_at),
                    _iso(added_at),
                    draft.text,
                    content_hash,
                ),
            )
            article_id = int(cursor.lastrowid or 0)
            chunk_ids: list[int] = []
            for seq, (span, vector) in enumerate(zip(spans, vectors, strict=True)):
                text = draft.text[span.start : span.end]
                cursor = db.execute(
                    "INSERT INTO chunks(article_id, seq, start, end, text, embedding) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        article_id,
                        seq,
                        span.start,
                        span.end,
                        text,
                        np.asarray(vector, dtype=np.float32).tobytes(),
                    ),
                )
                chunk_id = int(cursor.lastrowid or 0)
                chunk_ids.append(chunk_id)
                db.execute(
                    "INSERT INTO chunks_fts(rowid, text, title, outlet) VALUES (?, ?, ?, ?)",
                    (chunk_id, text, draft.title, draft.outlet or ""),
                )
        self.generation += 1
        article = Article(
            id=article_id,
            title=draft.title,
            url=draft.url,
            outlet=draft.outlet,
            author=draft.author,
            published_at=_parse(_iso(draft.published_at)),
            added_at=added_at,
            text=draft.text,
            chunk_count=len(chunk_ids),
        )
        return article, chunk_ids

    def remove_article(self, article_id: int) -> tuple[Article, list[int]]:
        """Delete an article and its chunks; returns what was removed."""
        with self._transaction() as db:
            article = self.get_article(article_id)
            chunk_ids = [
                int(r[0])
                for r in db.execute("SELECT id FROM chunks WHERE article_id = ?", (article_id,))
            ]
            db.executemany("DELETE FROM chunks_fts WHERE rowid = ?", [(i,) for i in chunk_ids])
            db.execute("DELETE FROM chunks WHERE article_id = ?", (article_id,))
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        self.generation += 1
        return article, chunk_ids

    def get_article(self, article_id: int) -> Article:
        articles = self.get_articles([article_id])
        if article_id not in articles:
            raise NotFound(f"There is no article {article_id}.")
        return articles[article_id]

    def get_articles(self, ids: Iterable[int]) -> dict[int, Article]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS}, "
                "(SELECT COUNT(*) FROM chunks WHERE chunks.article_id = articles.id) "
                f"FROM articles WHERE id IN ({marks})",
                wanted,
            ).fetchall()
        return {int(r[0]): self._article(r) for r in rows}

    def find_by_url(self, canonical_url: str) -> Article | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE canonical_url = ?",
                (canonical_url,),
            ).fetchone()
        return None if row is None else self._article(row)

    def list_articles(self, offset: int = 0, limit: int = 10) -> list[Article]:
        """Articles, most recently added first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS}, "
                "(SELECT COUNT(*) FROM chunks WHERE chunks.article_id = articles.id) "
                "FROM articles ORDER BY id DESC LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [self._article(r) for r in rows]

    def outlets(self) -> list[str]:
        """Distinct outlet names of the stored articles; cached until the database changes."""
        with self._lock:
            # total_changes moves with every write on this connection (the only writer).
            changes = self._db.total_changes
            if self._outlets is None or self._outlets[0] != changes:
                rows = self._db.execute(
                    "SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL AND outlet != ''"
                ).fetchall()
                self._outlets = (changes, sorted(str(r[0]) for r in rows))
            return list(self._outlets[1])

    def count_articles(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def count_chunks(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def latest_published_at(self) -> datetime | None:
        return self.published_range()[1]

    def published_range(self) -> tuple[datetime | None, datetime | None]:
        """The oldest and newest publication dates of the stored articles."""
        with self._lock:
            row = self._db.execute(
                "SELECT MIN(published_at), MAX(published_at) FROM articles"
            ).fetchone()
        return _parse(row[0]), _parse(row[1])

    @staticmethod
    def _article(row: Sequence[object]) -> Article:
        return Article(
            id=int(str(row[0])),
            title=str(row[1]),
            url=None if row[2] is None else str(row[2]),
            outlet=None if row[3] is None else str(row[3]),
            author=None if row[4] is None else str(row[4]),
            published_at=_parse(None if row[5] is None else str(row[5])),
            added_at=_parse(str(row[6])) or datetime.now(UTC),
            text=str(row[7]),
            chunk_count=int(str(row[8])) if len(row) > 8 else 0,
        )

    # -- chunks ---------------------------------------------------------------------------

    def get_chunks(self, ids: Iterable[int]) -> dict[int, Chunk]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        with self._lock:
            rows = self._db.execute(
                f"SELECT id, article_id, seq, start, end, text FROM chunks WHERE id IN ({marks})",
                wanted,
            ).fetchall()
        return {
            int(r[0]): Chunk(int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), r[5])
            for r in rows
        }

    def get_embeddings(self, ids: Iterable[int]) -> dict[int, Vectors]:
        """Stored vectors of the given chunks (missing ids are left out)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        with self._lock:
            rows = self._db.execute(
                f"SELECT id, embedding FROM chunks WHERE id IN ({marks})", wanted
            ).fetchall()
        return {int(r[0]): np.frombuffer(r[1], dtype=np.float32) for r in rows}

    def chunk_ids(self) -> list[int]:
        with self._lock:
            return [int(r[0]) for r in self._db.execute("SELECT id FROM chunks ORDER BY id")]

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
            yield ids, np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])

    def iter_chunk_texts(self, batch_size: int = 1_000) -> Iterator[list[tuple[int, str]]]:
        """(id, text) of every chunk in batches, to re-embed after a model change."""
        for rows in self._chunk_pages("text", batch_size):
            yield [(int(r[0]), str(r[1])) for r in rows]

    def iter_lexical_rows(
        self, ids: Iterable[int] | None = None, batch_size: int = 5_000
    ) -> Iterator[list[tuple[int, str, str, str]]]:
        """(id, text, title, outlet) of every chunk, or of `ids`, in batches: what a lexical
        index outside this database holds, to build or repair it."""
        wanted = None if ids is None else sorted(set(ids))
        start = 0
        while True:
            if wanted is None:
                clause, parameters = "c.id > ? ORDER BY c.id LIMIT ?", [start, batch_size]
            else:
                page = wanted[start : start + batch_size]
                if not page:
                    return
                clause, parameters = f"c.id IN ({','.join('?' * len(page))})", page
            with self._lock:
                rows = self._db.execute(
                    "SELECT c.id, c.text, a.title, coalesce(a.outlet, '') FROM chunks c "
                    f"JOIN articles a ON a.id = c.article_id WHERE {clause}",
                    parameters,
                ).fetchall()
            if not rows:
                return
            yield [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]
            start = int(rows[-1][0]) if wanted is None else start + batch_size

    def export_articles(self) -> Iterator[tuple[Article, list[Span], Vectors]]:
        """Every article, oldest first, with its passages' spans and vectors (for copying a
        corpus elsewhere: benchmarks, another backend)."""
        last = 0
        while True:
            with self._lock:
                row = self._db.execute(
                    f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id > ? ORDER BY id LIMIT 1",
                    (last,),
                ).fetchone()
                if row is None:
                    return
                article = self._article(row)
                chunks = self._db.execute(
                    "SELECT start, end, embedding FROM chunks WHERE article_id = ? ORDER BY seq",
                    (article.id,),
                ).fetchall()
            last = article.id
            spans = [Span(int(r[0]), int(r[1])) for r in chunks]
            rows = [np.frombuffer(r[2], dtype=np.float32) for r in chunks]
            yield article, spans, np.stack(rows) if rows else np.zeros((0, 0), np.float32)

    def set_embeddings(self, ids: Sequence[int], vectors: Vectors) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE chunks SET embedding = ? WHERE id = ?",
                [
                    (np.asarray(v, dtype=np.float32).tobytes(), i)
                    for i, v in zip(ids, vectors, strict=True)
                ],
            )

    def read(self, sql: str, parameters: Sequence[object] = ()) -> list[Any]:
        """Rows of one read-only query, for the other modules of the embedded backend (the
        FTS5 lexical index lives in this database file)."""
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
