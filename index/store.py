"""SQLite storage of articles and their passages (offsets, vectors, FTS5 rows).

The database file itself (connection, migrations, transactions) is `index.database.Database`;
this module is what is stored in it: articles here, passages in `PassageRows`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from index.chunk import Span
from index.database import (
    ARTICLE_COLUMNS,
    ARTICLE_HEAD_COLUMNS,
    MIGRATIONS,
    Database,
    iso,
    parse_time,
)
from index.embed import Vectors
from index.errors import DuplicateArticle, NotFound
from index.models import Article, ArticleDraft
from index.passages import PassageRows

__all__ = ["MIGRATIONS", "Store"]

# Article heads kept in memory (see `Store.get_article_heads`); forgotten all at once beyond
# this, a few tens of MB.
HEADS_REMEMBERED = 50_000


class Store(PassageRows, Database):
    """Articles and their passages in one SQLite file; safe to call from any thread."""

    def find_duplicate(
        self, canonical_url: str | None, content_hash: str, outlet: str | None = None
    ) -> Article | None:
        """The stored article this one repeats: the same canonical URL, or the same text from
        the same outlet. (The same text from another outlet is a copy of the story: see
        `find_copy`.)"""
        with self._lock:
            row = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles "
                "WHERE (canonical_url IS NOT NULL AND canonical_url = ?) "
                "OR (content_hash = ? AND lower(coalesce(outlet, '')) = lower(?)) "
                "ORDER BY CASE WHEN canonical_url = ? THEN 0 ELSE 1 END LIMIT 1",
                (canonical_url, content_hash, outlet or "", canonical_url),
            ).fetchone()
        return None if row is None else self._article(row)

    def find_copy(self, content_hash: str) -> Article | None:
        """The first stored article with exactly this text, from any outlet."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles "
                "WHERE content_hash = ? ORDER BY id LIMIT 1",
                (content_hash,),
            ).fetchone()
        return None if row is None else self._article(row)

    def add_article(
        self,
        draft: ArticleDraft,
        canonical_url: str | None,
        content_hash: str,
        spans: Sequence[Span],
        vectors: Vectors,
        *,
        story_id: int | None = None,
        added_at: datetime | None = None,
    ) -> tuple[Article, list[int]]:
        """Store an article with its chunks in one transaction; returns it and its chunk ids.

        `story_id` groups it with the stored copies of the same story from other outlets.
        """
        if len(spans) != len(vectors):
            raise ValueError("one vector per chunk is required")
        with self._transaction() as db:
            existing = self.find_duplicate(canonical_url, content_hash, draft.outlet)
            if existing is not None:
                raise DuplicateArticle(
                    f"Already have it: article {existing.id}, “{existing.title}”.", existing.id
                )
            article, chunk_ids = self._insert(
                db, draft, canonical_url, content_hash, spans, vectors, story_id, None, added_at
            )
        self.generation += 1
        return article, chunk_ids

    def replace_article(
        self,
        old_id: int,
        draft: ArticleDraft,
        canonical_url: str | None,
        content_hash: str,
        spans: Sequence[Span],
        vectors: Vectors,
        *,
        story_id: int | None = None,
        added_at: datetime | None = None,
    ) -> tuple[Article, list[int], list[int]]:
        """Store an updated version of article `old_id` and delete the old one, in one
        transaction; returns the new article, its chunk ids and the removed chunk ids."""
        if len(spans) != len(vectors):
            raise ValueError("one vector per chunk is required")
        with self._transaction() as db:
            # Decided before this transaction, so another writer (a second worker, a racing
            # feed poll) may have stored the same text, or replaced or removed the old version,
            # meanwhile: the same text is a duplicate, and a vanished old version is nothing to
            # replace.
            existing = self.find_duplicate(canonical_url, content_hash, draft.outlet)
            if existing is not None and (
                existing.id != old_id or self._content_hash(db, old_id) == content_hash
            ):
                raise DuplicateArticle(
                    f"Already have it: article {existing.id}, “{existing.title}”.", existing.id
                )
            removed: list[int] = []
            replaced: int | None = None
            if self._content_hash(db, old_id) is not None:
                _, removed = self._delete(db, old_id)
                replaced = old_id
            article, chunk_ids = self._insert(
                db, draft, canonical_url, content_hash, spans, vectors, story_id, replaced, added_at
            )
            # Copies grouped under the old version now belong to the new one's story.
            if replaced is not None:
                db.execute(
                    "UPDATE articles SET story_id = ? WHERE story_id = ?", (article.story, old_id)
                )
        self.generation += 1
        return article, chunk_ids, removed

    def _insert(
        self,
        db: sqlite3.Connection,
        draft: ArticleDraft,
        canonical_url: str | None,
        content_hash: str,
        spans: Sequence[Span],
        vectors: Vectors,
        story_id: int | None,
        replaces: int | None,
        added_at: datetime | None,
    ) -> tuple[Article, list[int]]:
        added_at = added_at or datetime.now(UTC)
        cursor = db.execute(
            "INSERT INTO articles(url, canonical_url, title, outlet, author, published_at, "
            "added_at, text, content_hash, story_id, replaces) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                draft.url,
                canonical_url,
                draft.title,
                draft.outlet,
                draft.author,
                iso(draft.published_at),
                iso(added_at),
                draft.text,
                content_hash,
                story_id,
                replaces,
            ),
        )
        article_id = int(cursor.fetchone()[0])
        chunk_ids: list[int] = []
        for seq, (span, vector) in enumerate(zip(spans, vectors, strict=True)):
            chunk_ids.append(
                self._insert_chunk(db, article_id, seq, span, vector, draft.text, draft)
            )
        article = Article(
            id=article_id,
            title=draft.title,
            url=draft.url,
            outlet=draft.outlet,
            author=draft.author,
            published_at=parse_time(iso(draft.published_at)),
            added_at=added_at,
            text=draft.text,
            chunk_count=len(chunk_ids),
            story_id=story_id,
            replaces=replaces,
        )
        return article, chunk_ids

    @staticmethod
    def _content_hash(db: sqlite3.Connection, article_id: int) -> str | None:
        """The stored text's hash of an article; None once it is gone."""
        row = db.execute("SELECT content_hash FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else str(row[0])

    def remove_article(self, article_id: int) -> tuple[Article, list[int]]:
        """Delete an article and its chunks; returns what was removed."""
        with self._transaction() as db:
            removed = self._delete(db, article_id)
        self.generation += 1
        return removed

    def _delete(self, db: sqlite3.Connection, article_id: int) -> tuple[Article, list[int]]:
        article = self.get_article(article_id)
        chunk_ids = [
            int(r[0])
            for r in db.execute("SELECT id FROM chunks WHERE article_id = ?", (article_id,))
        ]
        self._unindex_passages(db, chunk_ids)
        db.execute("DELETE FROM chunks WHERE article_id = ?", (article_id,))
        db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return article, chunk_ids

    def story_copies(self, stories: Iterable[int]) -> dict[int, list[Article]]:
        """Every stored article of each story key (see `Article.story`), oldest first."""
        keys = sorted(set(stories))
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        with self._lock:
            rows = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles "
                f"WHERE story_id IN ({marks}) OR id IN ({marks}) ORDER BY id",
                [*keys, *keys],
            ).fetchall()
        found: dict[int, list[Article]] = {}
        for row in rows:
            article = self._article(row)
            found.setdefault(article.story, []).append(article)
        return found

    def dated_between(self, start: datetime, end: datetime) -> list[int]:
        """Ids of the articles published (else added) in [start, end)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM articles WHERE coalesce(published_at, added_at) >= ? "
                "AND coalesce(published_at, added_at) < ?",
                (iso(start), iso(end)),
            ).fetchall()
        return [int(r[0]) for r in rows]

    def newest(self, limit: int, before: datetime | None = None) -> list[Article]:
        """The newest articles by publication date, else when added; none after `before`."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles "
                "WHERE CAST(? AS TEXT) IS NULL OR coalesce(published_at, added_at) < ? "
                "ORDER BY coalesce(published_at, added_at) DESC, id DESC LIMIT ?",
                (iso(before), iso(before), limit),
            ).fetchall()
        return [self._article(r) for r in rows]

    def get_article(self, article_id: int) -> Article:
        articles = self.get_articles([article_id])
        if article_id not in articles:
            raise NotFound(f"There is no article {article_id}.")
        return articles[article_id]

    def get_articles(self, ids: Iterable[int]) -> dict[int, Article]:
        rows = self._rows_with_ids(
            f"SELECT {ARTICLE_COLUMNS}, "
            "(SELECT COUNT(*) FROM chunks WHERE chunks.article_id = articles.id) "
            "FROM articles WHERE id IN ({ids})",
            ids,
        )
        return {int(r[0]): self._article(r) for r in rows}

    def get_article_heads(self, ids: Iterable[int]) -> dict[int, Article]:
        """The given articles without their text (left empty) or passage count: what ranking
        needs of an article (outlet, dates, story), for many candidates at a time.

        Heads are remembered until the articles change (here or in another process): a
        question's few hundred candidates come from a few hundred articles, and reading them
        each time took ~3 ms at 100k passages."""
        wanted = set(ids)
        version = self._articles_version()
        with self._lock:
            if self._heads_version != version or len(self._heads) > HEADS_REMEMBERED:
                self._heads, self._heads_version = {}, version
            heads = self._heads
        missing = wanted.difference(heads)
        if missing:
            rows = self._rows_with_ids(
                f"SELECT {ARTICLE_HEAD_COLUMNS} FROM articles WHERE id IN ({{ids}})", missing
            )
            # Into the dictionary of the version read above: a change since then has already
            # made a new one for later readers.
            heads.update((int(r[0]), self._article(r)) for r in rows)
        return {i: heads[i] for i in wanted if i in heads}

    def _articles_version(self) -> object:
        """Moves with every change to the articles, this connection's or another process's."""
        with self._lock:
            (data_version,) = self._db.execute("PRAGMA data_version").fetchone()
        return (self.generation, int(data_version))

    def find_by_url(self, canonical_url: str) -> Article | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE canonical_url = ?",
                (canonical_url,),
            ).fetchone()
        return None if row is None else self._article(row)

    def list_articles(self, offset: int = 0, limit: int = 10) -> list[Article]:
        """Articles, most recently added first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS}, "
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
        return parse_time(row[0]), parse_time(row[1])

    @staticmethod
    def _article(row: Sequence[object]) -> Article:
        return Article(
            id=int(str(row[0])),
            title=str(row[1]),
            url=None if row[2] is None else str(row[2]),
            outlet=None if row[3] is None else str(row[3]),
            author=None if row[4] is None else str(row[4]),
            published_at=parse_time(None if row[5] is None else str(row[5])),
            added_at=parse_time(str(row[6])) or datetime.now(UTC),
            text=str(row[7]),
            story_id=None if row[8] is None else int(str(row[8])),
            replaces=None if row[9] is None else int(str(row[9])),
            chunk_count=int(str(row[10])) if len(row) > 10 else 0,
        )
