"""The admins' views as Telegram HTML: article pages, removals, stats and /add progress.

Pure functions, like `bot.render`, whose escaping, clipping and length rules they use; every
message fits Telegram's 4096 characters as Telegram counts them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot.render import (
    _MAX_REASON,
    _MAX_SOURCE,
    _MAX_TITLE,
    MESSAGE_LIMIT,
    _escape,
    clip,
    format_date,
    source_line,
    telegram_length,
    visible_length,
)
from index import Article, IngestOutcome, Stage, Stats

__all__ = [
    "pack_lines",
    "render_article_list",
    "render_ingest",
    "render_problem",
    "render_removed",
    "render_stats",
]


def render_article_list(articles: Sequence[Article], offset: int, total: int) -> str:
    """One page of the stored articles, newest first, each with its number for /remove."""
    if not articles:
        if offset == 0:
            return "No articles yet. Add one with /add followed by a link."
        return "No more articles."
    first, last = offset + 1, offset + len(articles)
    # Long (or emoji-rich: two UTF-16 units each) titles are cut shorter until the page fits.
    for max_title in (_MAX_TITLE, 120, 80, 50, 30, 15):
        lines = [f"<b>Articles {first}\N{EN DASH}{last} of {total}</b>, newest first:"]
        for article in articles:
            passages = "passage" if article.chunk_count == 1 else "passages"
            line = source_line(article, max_title)
            lines.append(f"<code>{article.id}</code> {line} · {article.chunk_count} {passages}")
        lines.append("\nRemove one with /remove followed by its number.")
        page = "\n".join(lines)
        if visible_length(page) <= MESSAGE_LIMIT:
            break
    return page


def _size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{count} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def render_stats(stats: Stats) -> str:
    """Counts and sizes of the stored corpus."""
    lines = [
        "<b>Sources</b>",
        f"Articles: {stats.articles:,}",
        f"Passages: {stats.chunks:,}",
        f"Vectors: {stats.vectors:,} ({_escape(stats.index_type)} index, "
        f"{_size(stats.index_bytes)})",
        f"Database: {_size(stats.database_bytes)}",
    ]
    if stats.latest_published_at is not None:
        lines.append(f"Newest article: {format_date(stats.latest_published_at)}")
    return "\n".join(lines)


def render_removed(article: Article) -> str:
    return f"Removed article <code>{article.id}</code>: {source_line(article)}."


def render_problem(reason: str) -> str:
    """One line saying why something was not done (the reason may repeat user input)."""
    return _escape(clip(reason, _MAX_REASON // 4))


def pack_lines(lines: Sequence[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Whole lines of HTML packed into as few messages as fit Telegram's limit each."""
    messages: list[str] = []
    current: list[str] = []
    for line in lines:
        if current and visible_length("\n".join([*current, line])) > limit:
            messages.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        messages.append("\n".join(current))
    return messages


# -- ingest progress -------------------------------------------------------------------------


def _ingest_line(outcome: IngestOutcome) -> str:
    source = _escape(clip(outcome.source, _MAX_SOURCE))
    match outcome.stage:
        case Stage.WAITING:
            return f"· Waiting: {source}"
        case Stage.FETCHING:
            return f"⏳ Fetching {source}…"
        case Stage.EXTRACTING:
            return f"⏳ Extracting the article from {source}…"
        case Stage.INDEXING:
            return f"⏳ Indexing {source}…"
        case Stage.ADDED:
            assert outcome.article is not None
            article = outcome.article
            passages = "passage" if article.chunk_count == 1 else "passages"
            return (
                f"✅ Indexed {article.chunk_count} {passages}: {source_line(article)} "
                f"(article <code>{article.id}</code>){_story_note(article)}"
            )
        case Stage.DUPLICATE:
            return f"☑️ {_escape(outcome.message)}"
        case Stage.FAILED:
            return f"❌ Could not add {source}: {_escape(outcome.message)}"


def _story_note(article: Article) -> str:
    """What a new article did to its story: replaced an older version, or joined a copy."""
    if article.replaces is not None:
        return f"; it replaces the older version, article <code>{article.replaces}</code>"
    if article.story_id is not None:
        return f"; the same story as article <code>{article.story_id}</code>, grouped with it"
    return ""


def render_ingest(outcomes: Sequence[IngestOutcome], limit: int = MESSAGE_LIMIT) -> str:
    """The status message of an /add: one line per source."""
    if len(outcomes) == 1:
        text = _ingest_line(outcomes[0])
    else:
        done = sum(outcome.stage.done for outcome in outcomes)
        header = f"Adding {len(outcomes)} links ({done} done):"
        lines = (f"{i}. {_ingest_line(outcome)}" for i, outcome in enumerate(outcomes, 1))
        text = "\n".join([header, *lines])
    if telegram_length(text) > limit:
        # Only reachable with many long titles; plain text is safe to cut anywhere.
        text = _escape(clip(html.unescape(re.sub(r"<[^>]+>", "", text)), limit // 2))
    return text
