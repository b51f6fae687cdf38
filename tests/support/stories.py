"""Short hand-written stories as article drafts, numbered, for engine tests."""

from __future__ import annotations

from collections.abc import Sequence

from index import ArticleDraft


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
