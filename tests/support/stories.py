"""Short hand-written stories as article drafts, numbered, for engine tests, or as the one
passage an answer is composed from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from index import ArticleDraft
from index.models import Article, Chunk, Passage

PUBLISHED = datetime(2024, 11, 17, tzinfo=UTC)


def numbered_drafts(
    texts: Sequence[str], title: str, slug: str, outlet: str = "Harbour Herald"
) -> list[ArticleDraft]:
    """One draft per text: titled "<title>, part N", at https://news.example/<slug>-<N-1>."""
    return [
        ArticleDraft(
            text=text,
            title=f"{title}, part {number + 1}",
            url=f"https://news.example/{slug}-{number}",
            outlet=outlet,
        )
        for number, text in enumerate(texts)
    ]


def one_passage(text: str, title: str = "Harbour story", outlet: str = "Gazette") -> Passage:
    """`text` as the whole of one article's one passage, found with a cosine of 0.7."""
    return article_passage(1, text, title, outlet)


def article_passage(
    number: int, text: str, title: str, outlet: str = "Gazette", dense: float = 0.7
) -> Passage:
    """`text` as the whole of article `number`'s one passage, found with cosine `dense`."""
    url = f"https://example.org/{number}"
    article = Article(number, title, url, outlet, None, PUBLISHED, PUBLISHED, text)
    return Passage(Chunk(number, number, 0, 0, len(text), text), article, 1.0, dense=dense)
