"""Turn HTML pages, plain-text copies and JSON records into clean article drafts with metadata."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from index.dedupe import canonical_url
from index.errors import ExtractError
from index.models import ArticleDraft

__all__ = [
    "MIN_WORDS",
    "clean_paragraphs",
    "draft_from_record",
    "extract_html",
    "extract_text",
    "parse_date",
]

MIN_WORDS = 20

# A paragraph that opens a site's donation or subscription appeal; it and all that follows go.
_APPEAL_START = re.compile(
    r"^(a message from\b|dear (readers?|friends)\b|support (us|our|independent|quality)\b"
    r"|please (support|donate|consider supporting)\b"
    r"|become a (member|supporter|subscriber|patron)\b"
    r"|donate\b|subscribe (now|today|to our)\b|you can support\b|help us keep\b)",
    re.IGNORECASE,
)
# A line that is part of the site's chrome, whatever its length.
_CHROME = re.compile(
    r"^(read (the )?(entire|full|more) (article|story)|continue reading|remind me later\.?"
    r"|share (this|on)\b|advertisement|skip to (main )?content|sign up\b|log ?in\b"
    r"|related (articles|stories|coverage)|most read|cookie|accept (all )?cookies)",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^by\s+(?P<name>[^|\n]+?)\s*\|\s*(?:created|published|posted|updated)\s*(?:at|on)?\s*"
    r"(?P<date>\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]\s*$")


def parse_date(value: object) -> datetime | None:
    """An ISO-ish date or datetime (string or datetime), as an aware UTC datetime.

    A date that cannot exist (`2023-02-30`, year 0, beyond year 9999 in UTC) or cannot be read
    is None: the article is still worth having without it.
    """
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            parsed = value
        else:
            text = str(value).strip().replace("Z", "+00:00")
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                match = re.match(r"\d{4}-\d{2}-\d{2}", text)
                if match is None:
                    return None
                parsed = datetime.fromisoformat(match.group())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _is_chrome(line: str) -> bool:
    """Short fragments without sentence punctuation ("Continue", "Truth") are page furniture."""
    if _CHROME.match(line):
        return True
    return len(line.split()) <= 3 and not _SENTENCE_END.search(line)


def clean_paragraphs(lines: list[str]) -> list[str]:
    """Drop page furniture and cut the trailing donation or subscription appeal."""
    kept: list[str] = []
    for raw in lines:
        # Inner spacing (non-breaking spaces included) is kept, so quotes match the source.
        line = raw.strip()
        if not line:
            continue
        if _APPEAL_START.match(line):
            break
        if _is_chrome(line):
            continue
        kept.append(line)
    return kept


def _word_count(text: str) -> int:
    return len(text.split())


def _finish(draft: ArticleDraft) -> ArticleDraft:
    words = _word_count(draft.text)
    if words < MIN_WORDS:
        detail = "no article text" if words == 0 else f"only {words} words of text"
        raise ExtractError(f"That has {detail}; it does not look like an article.")
    return draft


def extract_html(content: str | bytes, url: str | None = None) -> ArticleDraft:
    """Main text and metadata of an article page, via trafilatura; raises ExtractError if none."""
    import trafilatura  # imported lazily: it is slow to import and the bot must start fast

    try:
        document = trafilatura.bare_extraction(
            content,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception as error:  # trafilatura raises assorted parser errors on junk input
        raise ExtractError(f"That page could not be read as an article ({error}).") from None
    if document is None:
        raise ExtractError("That page has no article text; it does not look like an article.")
    data: dict[str, Any] = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    title = " ".join(str(data.get("title") or "").split())
    paragraphs = clean_paragraphs(str(data.get("text") or "").splitlines())
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    text = "\n\n".join(paragraphs)
    if not title:
        title = _fallback_title(text)
    outlet = data.get("sitename") or data.get("hostname")
    return _finish(
        ArticleDraft(
            text=text,
            title=title,
            url=url,
            outlet=str(outlet) if outlet else None,
            author=str(data["author"]) if data.get("author") else None,
            published_at=parse_date(data.get("date")),
        )
    )


def _fallback_title(text: str) -> str:
    first = text.split("\n", 1)[0]
    words = first.split()
    return " ".join(words[:12]) + ("…" if len(words) > 12 else "")


def extract_text(
    content: str,
    *,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    published_at: datetime | None = None,
) -> ArticleDraft:
    """An article from plain text copied from a page or pasted into a chat.

    Without a given title the first line is the headline. A "By NAME | Created at DATE" byline
    supplies the outlet and date when they are not given.
    """
    lines = content.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if title is None and len(lines) > 1 and lines[0].strip():
        headline = " ".join(lines[0].split())
        # A first line that is a sentence of a longer paragraph is not a headline.
        if _word_count(headline) <= 30:
            title = headline
            lines = lines[1:]
    for index, line in enumerate(lines[:6]):
        match = _BYLINE.match(line.strip())
        if match:
            outlet = outlet or match.group("name").strip()
            published_at = published_at or parse_date(match.group("date"))
            del lines[index]
            break
    paragraphs = clean_paragraphs(lines)
    text = "\n\n".join(paragraphs)
    return _finish(
        ArticleDraft(
            text=text,
            title=title or _fallback_title(text),
            url=url,
            outlet=outlet,
            author=author,
            published_at=published_at,
        )
    )


def draft_from_record(record: Mapping[str, Any]) -> ArticleDraft:
    """An article from a JSON record (`text` or `body`, `title`, `url`, `outlet` or `source`, …).

    The text is kept as given (only line endings and outer whitespace normalised), so quotes
    match the record's own text.
    """
    body = record.get("text") or record.get("body") or ""
    if not isinstance(body, str):
        raise ExtractError("The record's text is not a string.")
    text = body.replace("\r\n", "\n").strip()
    title = " ".join(str(record.get("title") or "").split()) or _fallback_title(text)
    outlet = record.get("outlet") or record.get("source")
    url = str(record["url"]).strip() if record.get("url") else None
    if url:
        canonical_url(url)  # a malformed link fails this record alone, here, with its reason
    return _finish(
        ArticleDraft(
            text=text,
            title=title,
            url=url or None,
            outlet=str(outlet) if outlet else None,
            author=str(record["author"]) if record.get("author") else None,
            published_at=parse_date(record.get("published_at") or record.get("date")),
        )
    )
