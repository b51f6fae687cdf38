"""Reading one RSS or Atom document: its title and items, each with its link, GUID, date and text.

feedparser parses bytes that `index.fetch` downloaded; it is never handed a URL (it would fetch
it). A web page, non-XML or an empty body is `NotAFeed`; an unreadable item is skipped.
"""

from __future__ import annotations

import calendar
import html
import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from index.dedupe import canonical_url, content_hash
from index.errors import NotAFeed

__all__ = ["FeedDocument", "FeedItem", "parse_feed"]

log = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|div|li|h[1-6]|blockquote|tr)>")


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: where its article is and what the feed itself says about it."""

    title: str
    link: str | None
    guid: str | None
    published_at: datetime | None
    content: str  # the entry's own text (content or summary) as plain text; "" if none

    @property
    def keys(self) -> list[str]:
        """What identifies this item in its feed: its GUID and its canonical link."""
        keys = [f"guid:{self.guid}"] if self.guid else []
        if self.link:
            keys.append(f"url:{canonical_url(self.link)}")
        return keys or [f"text:{content_hash(self.title + chr(10) + self.content)}"]

    @property
    def label(self) -> str:
        return self.link or self.title or "an untitled item"


@dataclass(frozen=True)
class FeedDocument:
    """A parsed feed: its title and its items, in the feed's order."""

    title: str | None
    items: list[FeedItem]


def parse_feed(content: bytes, url: str, content_type: str = "") -> FeedDocument:
    """Read RSS or Atom from `content`; raises NotAFeed for a web page, non-XML or nothing."""
    import feedparser  # imported lazily: the bot starts without it

    if not content.strip():
        raise NotAFeed("The feed is empty: the server sent nothing.")
    # A stream, never a string: feedparser would fetch a string that looks like a URL.
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers={"content-location": url, "content-type": content_type},
    )
    if not parsed.get("version"):
        head = content[:2048].lower()
        if content_type in ("text/html", "application/xhtml+xml") or b"<html" in head:
            raise NotAFeed("That link is a web page, not an RSS or Atom feed.")
        reason = parsed.get("bozo_exception")
        detail = f" (not valid XML: {reason})" if reason else ""
        raise NotAFeed(f"That link is not an RSS or Atom feed{detail}.")
    items: list[FeedItem] = []
    for entry in parsed.entries:
        try:
            items.append(_item(entry))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            log.warning("Skipping an unreadable item of %s: %s", url, error)
    title = " ".join(str(parsed.feed.get("title") or "").split()) or None
    return FeedDocument(title, items)


def _item(entry: Any) -> FeedItem:
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    texts = [str(part.get("value") or "") for part in entry.get("content") or []]
    texts.append(str(entry.get("summary") or ""))
    link = str(entry.get("link") or "").strip() or None
    if link is not None and not link.lower().startswith(("http://", "https://")):
        link = None
    return FeedItem(
        title=" ".join(_text(entry, "title").split()),
        link=link,
        guid=str(entry.get("id") or "").strip() or None,
        published_at=datetime.fromtimestamp(calendar.timegm(when), UTC) if when else None,
        content=_plain(max(texts, key=len)),
    )


def _text(entry: Any, key: str) -> str:
    """A text field of an entry as plain text (feedparser says whether it holds HTML)."""
    value = str(entry.get(key) or "")
    detail = entry.get(f"{key}_detail") or {}
    return _plain(value) if "html" in str(detail.get("type", "")) else value


def _plain(markup: str) -> str:
    """Text of an item's (sanitised) HTML: tags dropped, blocks kept as paragraphs."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n\n", markup)))
    paragraphs = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)
