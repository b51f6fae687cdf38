"""The newest headlines, on any topic or on one: articles ordered by their date, newest first.

An article's date is its publication date, or the time it was added when none was found.
"""

from __future__ import annotations

from datetime import datetime

from index.models import Article
from index.question import read_question
from index.search import Searcher
from index.store import Store

__all__ = ["TOPIC_CANDIDATES", "latest_articles"]

# Passages searched for a topic; the matching articles among them are then ordered by date.
TOPIC_CANDIDATES = 100


def _dated(article: Article) -> tuple[datetime, int]:
    """Sort key: the article's date (published, else added), then its number."""
    return (article.published_at or article.added_at, article.id)


def latest_articles(
    store: Store, searcher: Searcher, topic: str | None = None, limit: int = 10
) -> list[Article]:
    """The `limit` newest articles; with a topic, those whose passages match its words."""
    if topic is None or not topic.strip():
        with store.reading() as db:
            rows = db.execute(
                "SELECT id FROM articles ORDER BY COALESCE(published_at, added_at) DESC, id DESC "
                "LIMIT ?",
                (limit,),
            ).fetchall()
        ids = [int(row[0]) for row in rows]
        found = store.get_articles(ids)
        return [found[i] for i in ids if i in found]
    # The engine's search finds the passages; only those sharing a word with the topic count,
    # so a topic nothing mentions lists nothing rather than the nearest vectors.
    question = read_question(topic, store.outlets())
    passages = searcher.search(question, TOPIC_CANDIDATES)
    matching = {p.article.id: p.article for p in passages if p.lexical > 0}
    return sorted(matching.values(), key=_dated, reverse=True)[:limit]
