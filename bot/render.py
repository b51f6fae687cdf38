"""Pure functions turning engine results into Telegram HTML messages (no I/O, no Telegram calls).

Everything that comes from an article or a user is HTML-escaped here, and every message stays
within Telegram's 4096-character limit, split only between quotes, never inside a tag.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from index import Answer, Article, Holdings, Quote
from index.dedupe import display_url

__all__ = [
    "MESSAGE_LIMIT",
    "admin_only",
    "attribution",
    "clip",
    "dateline",
    "format_date",
    "headline",
    "help_text",
    "rate_limited",
    "render_answer",
    "render_decline",
    "source_line",
    "telegram_length",
    "visible_length",
]

MESSAGE_LIMIT = 4096
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_BLOCKQUOTE_OPEN = "<blockquote>"
_BLOCKQUOTE_CLOSE = "</blockquote>"
_ELLIPSIS = "…"
# Caps on metadata shown next to quotes, so a pathological title cannot crowd out the quotes.
_MAX_TITLE = 200
_MAX_OUTLET = 80
_MAX_HREF = 1000
_MAX_SOURCE = 80
_MAX_REASON = 1000
# A sentence end: terminal punctuation, then closing quotes or brackets (straight or curly).
_SENTENCE_END = re.compile("[.!?…][\"'\u201d\u2019)\\]]*(?=\\s)")


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); the raw HTML bounds the visible text."""
    return len(text.encode("utf-16-le")) // 2


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def clip(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + _ELLIPSIS


def format_date(value: datetime | None) -> str:
    """A date the way a newspaper prints it: "17 November 2024" (no locale involved)."""
    if value is None:
        return ""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def dateline(article: Article) -> str:
    """The article's publication date, or (saying so) the day it was added when none is known."""
    if article.published_at is not None:
        return format_date(article.published_at)
    return f"added {format_date(article.added_at)}"


def _safe_href(url: str | None) -> str | None:
    """The URL if Telegram will accept it as a link target (http/https only), else None."""
    if not url or len(url) > _MAX_HREF or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return display_url(url)


def _outlet(article: Article) -> str | None:
    if article.outlet:
        return clip(article.outlet, _MAX_OUTLET)
    href = _safe_href(article.url)
    if href is not None:
        host = urlsplit(href).hostname or ""
        return host.removeprefix("www.") or None
    return None


def headline(article: Article, max_title: int = _MAX_TITLE) -> str:
    """The article's headline as a link to it, or plain text when it has no usable URL."""
    title = _escape(clip(article.title or "Untitled", max_title))
    href = _safe_href(article.url)
    if href is None:
        return title
    return f'<a href="{html.escape(href, quote=True)}">{title}</a>'


def attribution(article: Article) -> str:
    """The source line under a quote: outlet, linked headline, date (missing parts left out)."""
    outlet = _outlet(article)
    text = f"— {headline(article)}"
    if outlet:
        text = f"— <b>{_escape(outlet)}</b>: {headline(article)}"
    return f"{text}, {dateline(article)}"


def source_line(article: Article, max_title: int = _MAX_TITLE) -> str:
    """A compact one-line reference: "<a>Headline</a> (Outlet, 17 November 2024)"."""
    details = [part for part in (_outlet(article), dateline(article)) if part]
    suffix = f" ({_escape(', '.join(details))})" if details else ""
    return headline(article, max_title) + suffix


def visible_length(text: str) -> int:
    """What Telegram counts against its limit: UTF-16 units of the text without its tags."""
    return telegram_length(html.unescape(re.sub(r"<[^>]+>", "", text)))


# -- answers ---------------------------------------------------------------------------------


def _shorten(text: str, budget: int) -> str:
    """Escaped `text`, or if too long its longest prefix that fits in `budget` characters,
    cut after a sentence (else a word) and marked with an ellipsis."""
    escaped = _escape(text)
    if telegram_length(escaped) <= budget:
        return escaped
    room = budget - len(" " + _ELLIPSIS)
    # Escaping only ever lengthens text, so the longest fitting prefix can be found by bisection.
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if telegram_length(_escape(text[:middle])) <= room:
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    sentence_ends = [match.end() for match in _SENTENCE_END.finditer(cut + " ")]
    if sentence_ends and sentence_ends[-1] >= len(cut) // 2:
        return _escape(cut[: sentence_ends[-1]]) + " " + _ELLIPSIS
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= len(cut) // 2:
        cut = cut[:space]
    return _escape(cut.rstrip()) + _ELLIPSIS


def _blockquote(quote: Quote, budget: int) -> str:
    inner = budget - len(_BLOCKQUOTE_OPEN) - len(_BLOCKQUOTE_CLOSE)
    return f"{_BLOCKQUOTE_OPEN}{_shorten(quote.text.strip(), inner)}{_BLOCKQUOTE_CLOSE}"


def also_in(copies: Sequence[Article], shown: int = 5) -> str:
    """ "also in: Outlet B, Outlet C" for the other outlets' copies of a story, each linked."""
    names: list[str] = []
    for copy in copies[:shown]:
        name = _escape(clip(_outlet(copy) or copy.title or "another source", _MAX_TITLE))
        href = _safe_href(copy.url)
        names.append(f'<a href="{html.escape(href, quote=True)}">{name}</a>' if href else name)
    more = len(copies) - shown
    if more > 0:
        names.append(f"{more} more")
    return "also in: " + ", ".join(names)


def _group_blocks(
    article: Article, quotes: Sequence[Quote], limit: int, copies: Sequence[Article] = ()
) -> list[str]:
    """One article's quotes followed by its attribution; more than one block only if the quotes
    cannot share a message, in which case each block repeats the attribution."""
    source = attribution(article)
    if copies:
        source += "\n" + also_in(copies)
    budget = limit - telegram_length(source) - 1
    blocks: list[str] = []
    current: list[str] = []
    for quote in quotes:
        piece = _blockquote(quote, budget)
        if current and telegram_length("\n".join([*current, piece])) > budget:
            blocks.append("\n".join([*current, source]))
            current = []
        current.append(piece)
    if current:
        blocks.append("\n".join([*current, source]))
    return blocks


def _pack(blocks: Sequence[str], limit: int, separator: str = "\n\n") -> list[str]:
    """Consecutive blocks joined into as few messages as fit; each block must fit on its own."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}{separator}{block}" if current else block
        if telegram_length(candidate) <= limit:
            current = candidate
        else:
            if current:
                messages.append(current)
            current = block
    if current:
        messages.append(current)
    return messages


def render_answer(answer: Answer, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The messages to send for an answer: quotes grouped by article, or the decline."""
    if not answer.answered or not answer.quotes:
        return [render_decline(answer)]
    blocks: list[str] = []
    for article, quotes in answer.quotes_by_article():
        blocks.extend(_group_blocks(article, quotes, limit, answer.also_in.get(article.id, ())))
    if answer.uncovered:
        blocks.append(_uncovered_note(answer.uncovered))
    return _pack(blocks, limit)


def render_decline(answer: Answer, headlines: int = 3) -> str:
    """One sentence saying the sources do not cover it, what the library holds, and the
    closest headlines when they came close."""
    # The reason may repeat names from the question, which can be as long as a message.
    text = _escape(clip(answer.reason, _MAX_REASON) or "My sources don't cover that.")
    if answer.holdings is not None and answer.language == "en":
        text += " " + _holdings_sentence(answer.holdings)
    closest = answer.suggestions[:headlines]
    if closest:
        lines = "\n".join(f"• {source_line(article)}" for article in closest)
        text += f"\n\nThe closest stories I have:\n{lines}"
    return text


def _holdings_sentence(holdings: Holdings) -> str:
    count = f"{holdings.articles:,} article{'s' if holdings.articles != 1 else ''}"
    first, last = holdings.first_published, holdings.last_published
    if holdings.articles == 0:
        return "I have no articles yet."
    if first is None or last is None:
        return f"I have {count}."
    if format_date(first) == format_date(last):
        return f"I have {count}, from {format_date(first)}."
    return f"I have {count}, from {format_date(first)} to {format_date(last)}."


def _uncovered_note(parts: Sequence[str]) -> str:
    listed = "; ".join(f"“{_escape(clip(part, 200))}”" for part in parts[:4])
    return f"My sources don't cover {listed}."


# -- fixed texts -----------------------------------------------------------------------------


def help_text(bot_username: str | None, is_admin: bool) -> str:
    """What the bot does and how to ask; admins also see their commands."""
    mention = f"@{bot_username}" if bot_username else "me"
    text = (
        "I answer questions about the news with <b>exact quotes</b> from the articles my admins "
        "gave me, each with its source: outlet, headline (linked) and date, so you can check "
        "every claim. If my sources don't cover something, I say so instead of guessing.\n\n"
        "<b>How to ask</b>\n"
        "• In a private chat, just write your question.\n"
        f"• In a group, mention {_escape(mention)}, reply to one of my messages, "
        "or use /ask.\n"
        "• /ask QUESTION works everywhere, e.g. <code>/ask What did the council decide?</code>\n"
        "• /latest lists the newest headlines; /latest TOPIC the newest on a topic."
    )
    if is_admin:
        text += (
            "\n\n<b>Admin commands</b>\n"
            "• /add URL… adds articles by link (several links at once are fine).\n"
            "• /add followed by pasted text, or /add as a reply to a message, adds that text "
            "(for articles longer than one message, send a .txt file).\n"
            "• Forward a channel post to me here to add it, attributed to the channel.\n"
            "• Send me an .html, .htm or .txt file to add it.\n"
            "• /articles lists what I have, /remove ID|URL removes one, /stats shows counts.\n"
            "• /feeds add URL [MINUTES] follows an RSS or Atom feed on its own; "
            "/feeds list and /feeds remove ID manage them."
        )
    return text


def rate_limited(retry_after: float) -> str:
    seconds = max(1, math.ceil(retry_after))
    unit = "second" if seconds == 1 else "seconds"
    return (
        "You're asking faster than I can keep up; please wait about "
        f"{seconds} {unit} and ask again."
    )


def admin_only(user_id: int | None) -> str:
    """The refusal for admin commands; the user id helps an operator add themselves."""
    text = "Sorry, only this bot's admins can add, list or remove articles."
    if user_id is not None:
        text += f" (Your Telegram user id is <code>{user_id}</code>.)"
    return text
