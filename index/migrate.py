"""`newsbot migrate --to postgresql://…`: copy an embedded data directory into the shared store.

Articles keep their numbers (readers and admins refer to them), their passages, vectors, story
groups and dates; feeds keep their polling state and the items they have seen. Nothing is
re-embedded. It is resumable and idempotent: articles go over in batches, each batch in one
transaction, and an article whose number is already there is skipped, so running it again
after an interruption (or twice) copies only what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import StorageError
from index.library import DATABASE_FILE, same_model
from index.pg_store import PostgresStore
from index.store import Store

__all__ = ["BATCH", "MigrationReport", "migrate"]

log = logging.getLogger(__name__)

# Articles per transaction: small enough that an interruption loses little work.
BATCH = 200


@dataclass(frozen=True)
class MigrationReport:
    articles: int  # copied now
    passages: int
    skipped: int  # already in the target
    feeds: int
    seen_items: int

    def summary(self) -> str:
        return (
            f"Copied {self.articles} articles ({self.passages} passages) and {self.feeds} feeds "
            f"({self.seen_items} seen feed items); {self.skipped} articles were already there."
        )


def migrate(
    data_dir: Path,
    target_url: str,
    progress: Callable[[int | None], Any] | None = None,
) -> MigrationReport:
    """Copy the embedded store in `data_dir` into the PostgreSQL database at `target_url`.

    `progress(total)` may return a tqdm-like object (`update(n)`, `close()`) to show progress.
    """
    path = data_dir / DATABASE_FILE
    if not path.exists():
        raise StorageError(f"There is no newsbot database in {data_dir} to copy.")
    source = Store(path)
    target = PostgresStore(target_url)
    try:
        _check_model(source, target)
        report = _copy_articles(source, target, progress)
        feeds, items = _copy_feeds(source, target)
        dim = source.get_meta("embedding_dim")
        if dim is not None:
            target.ensure_vector_index(int(dim))
        target.generation += 1  # every process's caches are stale now
        return MigrationReport(report[0], report[1], report[2], feeds, items)
    finally:
        source.close()
        target.close()


def _check_model(source: Store, target: PostgresStore) -> None:
    """Vectors of two models cannot share an index: refuse rather than mix them."""
    model = source.get_meta("embedding_model")
    held = target.get_meta("embedding_model")
    if model and held and not same_model(held, model) and target.count_articles():
        raise StorageError(
            f"The target database holds vectors of {held}, the data directory of {model}; "
            "copy into an empty database, or open the target once with the same model."
        )
    for key in ("embedding_model", "embedding_dim"):
        value = source.get_meta(key)
        if value is not None:
            target.set_meta(key, value)


def _copy_articles(
    source: Store, target: PostgresStore, progress: Callable[[int | None], Any] | None
) -> tuple[int, int, int]:
    keys = {int(r[0]): (r[1], str(r[2])) for r in source.read(_KEYS)}
    present = {int(r[0]) for r in target.read("SELECT id FROM articles")}
    bar = progress(len(keys)) if progress else None
    copied = passages = skipped = 0
    batch: list[Any] = []

    def flush() -> None:
        nonlocal copied, passages
        if not batch:
            return
        with target.writing() as db:
            for article, spans, vectors in batch:
                canonical, text_key = keys[article.id]
                target.import_article(db, article, canonical, text_key, spans, vectors)
                passages += len(spans)
        copied += len(batch)
        if bar is not None:
            bar.update(len(batch))
        batch.clear()

    try:
        for article, spans, vectors in source.export_articles():
            if article.id in present:
                skipped += 1
                if bar is not None:
                    bar.update(1)
                continue
            batch.append((article, spans, vectors))
            if len(batch) >= BATCH:
                flush()
        flush()
    finally:
        if bar is not None:
            bar.close()
    target.restart_numbering()
    return copied, passages, skipped


_KEYS = "SELECT id, canonical_url, content_hash FROM articles"

_FEED_COLUMNS = (
    "url, canonical_url, title, interval_minutes, added_at, next_poll_at, last_polled_at, "
    "last_success_at, last_error, failures, etag, last_modified"
)


def _copy_feeds(source: Store, target: PostgresStore) -> tuple[int, int]:
    """Subscriptions (matched by canonical URL) and the items each has seen."""
    feeds = items = 0
    for row in source.read(f"SELECT id, {_FEED_COLUMNS} FROM feeds ORDER BY id"):
        with target.writing() as db:
            found = db.execute("SELECT id FROM feeds WHERE canonical_url = ?", (row[2],)).fetchone()
            if found is None:
                marks = ", ".join("?" * 12)
                found = db.execute(
                    f"INSERT INTO feeds({_FEED_COLUMNS}) VALUES ({marks}) RETURNING id",
                    tuple(row[1:]),
                ).fetchone()
                feeds += 1
            seen = source.read(
                "SELECT key, outcome, attempts, article_id, seen_at FROM feed_items "
                "WHERE feed_id = ?",
                (row[0],),
            )
            db.executemany(
                "INSERT INTO feed_items(feed_id, key, outcome, attempts, article_id, seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (feed_id, key) DO NOTHING",
                [(int(found[0]), *item) for item in seen],
            )
            items += len(seen)
    return feeds, items
