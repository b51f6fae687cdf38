"""The SQLite database file: connection, numbered migrations, transactions and metadata.

`index.store.Store` builds the articles and passages tables on this; `index.feedstore` and the
FTS5 lexical index reach the same file through `reading`, `writing` and `read`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.errors import StorageError
from index.models import Article

__all__ = ["ARTICLE_COLUMNS", "MIGRATIONS", "Database", "iso", "parse_time"]

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
    # 3: one story carried by several outlets. The same text may now be stored twice (a wire
    # copy from another outlet), so content_hash is no longer unique; `story_id` groups the
    # copies under the first one's id and `replaces` records the older version an update
    # replaced. SQLite cannot drop a constraint, so the table is rebuilt (foreign keys are
    # off while migrations run, so the chunks stay).
    """
    CREATE TABLE articles_new (
        id INTEGER PRIMARY KEY,
        url TEXT,
        canonical_url TEXT UNIQUE,
        title TEXT NOT NULL,
        outlet TEXT,
        author TEXT,
        published_at TEXT,
        added_at TEXT NOT NULL,
        text TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        story_id INTEGER,
        replaces INTEGER
    );
    INSERT INTO articles_new(
        id, url, canonical_url, title, outlet, author, published_at, added_at, text, content_hash
    )
    SELECT id, url, canonical_url, title, outlet, author, published_at, added_at, text,
        content_hash
    FROM articles;
    DROP TABLE articles;
    ALTER TABLE articles_new RENAME TO articles;
    CREATE INDEX articles_published ON articles(published_at);
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_story ON articles(story_id)
    """,
    # 4: each passage's text was stored three times (in its article, in its passage row, and
    # in FTS5's copy). A passage's text is now read from its article by its offsets, and the
    # FTS5 table keeps no copy (contentless) and holds rows only while FTS5 is the lexical
    # index in use: `PassageRows.keep_fts5_rows` fills or empties it, as meta "fts5_rows" says.
    # The pages freed here are reused by the next articles (`newsbot compact` returns them).
    """
    ALTER TABLE chunks DROP COLUMN text;
    DROP TABLE chunks_fts;
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
        text, title, outlet, content = '', tokenize = 'porter unicode61 remove_diacritics 2'
    );
    DELETE FROM meta WHERE key = 'fts5_rows'
    """,
    # 5: the stored outlets are read for every question (`Store.outlets`, cached until a
    # write); without an index that read went through every article's row, text and all.
    """
    CREATE INDEX articles_outlet ON articles(outlet)
    """,
]
# The page size of a new database file: a passage row (its 1.5 KB vector and offsets) fits five
# to a page of 8 KiB but only two to one of 4 KiB, SQLite's default (a fifth of the file, empty).
PAGE_SIZE = 8192

ARTICLE_COLUMNS = "id, title, url, outlet, author, published_at, added_at, text, story_id, replaces"
# The same columns with an empty text, for ranking many candidate articles.
ARTICLE_HEAD_COLUMNS = ARTICLE_COLUMNS.replace(" text,", " '' AS text,")


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _is_write_failure(error: BaseException) -> bool:
    """Whether SQLite failed to write (full disk, read-only file, I/O error, lock timeout) or
    found the file damaged, as opposed to refusing the data itself (a constraint)."""
    return isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError


class Database:
    """One SQLite database file (WAL mode); every method is safe to call from any thread."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the database; raises StorageError if the file cannot be used."""
        self.path = path
        self._lock = threading.RLock()
        self._outlets: tuple[int, list[str]] | None = None
        self._heads: dict[int, Article] = {}
        self._heads_version: object = None
        # Bumped by every change to the stored articles, so readers can tell a cache is stale.
        self.generation = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise StorageError(f"The database {path} cannot be opened ({error}).") from None
        try:
            # Only a new, empty file takes it (WAL mode fixes the page size of an existing one).
            self._db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
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
            if version >= len(MIGRATIONS):
                return
            # A migration that rebuilds a table drops the old one; with foreign keys on, that
            # would cascade to its children. (The pragma cannot change inside a transaction.)
            self._db.execute("PRAGMA foreign_keys = OFF")
            try:
                for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    with self._transaction():
                        for statement in script.split(";"):
                            if statement.strip():
                                self._db.execute(statement)
                        broken = self._db.execute("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise sqlite3.DatabaseError(f"migration {number} broke {broken[:3]}")
                        self._db.execute(f"PRAGMA user_version = {number}")
            finally:
                self._db.execute("PRAGMA foreign_keys = ON")
            # A migration that rewrote a table left its pages in the write-ahead log: copy them
            # back now and give the log's space back.
            with suppress(sqlite3.Error):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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

    def read(self, sql: str, parameters: Sequence[object] = ()) -> list[Any]:
        """Rows of one read-only query, for the other modules of the embedded backend (the
        FTS5 lexical index lives in this database file)."""
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    def _rows_with_ids(self, sql: str, ids: Iterable[int]) -> list[Any]:
        """Rows of `sql` for the distinct `ids`, in one query; `{ids}` in `sql` stands for
        their placeholders ("... WHERE id IN ({ids})")."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        with self._lock:
            return self._db.execute(sql.format(ids=",".join("?" * len(wanted))), wanted).fetchall()

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

    def compact(self) -> None:
        """Rewrite the file without its free pages (left by removed articles and by an
        upgrade that stored less), giving the space back to the disk; a file made with smaller
        pages gets `PAGE_SIZE` ones when no other process has it open. Needs free space for a
        copy of the database while it runs."""
        with self._lock:
            try:
                (page_size,) = self._db.execute("PRAGMA page_size").fetchone()
                if page_size != PAGE_SIZE:
                    self._vacuum_into_new_pages()
                self._db.execute("VACUUM")
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.DatabaseError as error:
                raise self._write_error(error) from error

    def _vacuum_into_new_pages(self) -> None:
        """VACUUM with `PAGE_SIZE` pages: possible only out of WAL mode, which needs the file
        to itself; with another process on it, the pages stay as they are."""
        try:
            self._db.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.OperationalError:
            return  # another connection holds it: a plain VACUUM follows
        try:
            self._db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            self._db.execute("VACUUM")
        finally:
            self._db.execute("PRAGMA journal_mode = WAL")

    def free_bytes(self) -> int:
        """Bytes of free pages in the file: reused by the next writes, or given back by
        `compact`."""
        with self._lock:
            (pages,) = self._db.execute("PRAGMA freelist_count").fetchone()
            (page_size,) = self._db.execute("PRAGMA page_size").fetchone()
        return int(pages) * int(page_size)

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
