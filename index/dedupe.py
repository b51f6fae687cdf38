"""Identity of an article: a canonical form of its URL, a hash of its normalised text, and how
much of its wording another article shares (a copy or an update of the same story)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from index.errors import InvalidURL

__all__ = ["canonical_url", "content_hash", "display_url", "same_outlet", "shared_wording"]

# Query parameters that track the reader rather than select the page.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref|ref_src|cmpid|smid|"
    r"share|s_cid|ocid|guccounter|_ga|at_\w+)$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, fragment or tracking parameters.

    `https://www.Example.com:443/a/?utm_source=x#top` and `https://www.example.com/a` are one page.
    Raises InvalidURL for a link that cannot be parsed (`https://example.com:99x/`).
    """
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError as error:
        shown = url.strip() if len(url.strip()) <= 200 else url.strip()[:199] + "…"
        raise InvalidURL(f"That is not a valid link: {shown!r} ({error}).") from None
    scheme = parts.scheme.lower() or "http"
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)
        )
    )
    return urlunsplit((scheme, host, path, query, ""))


# Parameters that name where a reader came from ("?src=rss", "?source=twitter"): tracking too,
# but only with such a value, since a site may also use the name for real.
_CAME_FROM = re.compile(r"^(src|source|from|cmp|feed|rss)$", re.IGNORECASE)
_CAME_FROM_VALUES = re.compile(
    r"^(rss|feed|feeds|atom|feedburner|twitter|x|facebook|fb|linkedin|newsletter|email|"
    r"social|share|app|google|yahoo|msn|flipboard|apple_news|push)\w*$",
    re.IGNORECASE,
)


def display_url(url: str) -> str:
    """`url` as shown to readers: without tracking parameters, otherwise exactly as given.

    The stored URL keeps them (it is what the admin gave); only what is shown is cleaned.
    """
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return url
    kept = [
        (k, v)
        for k, v in pairs
        if not _TRACKING.match(k) and not (_CAME_FROM.match(k) and _CAME_FROM_VALUES.match(v))
    ]
    if len(kept) == len(pairs):
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


def content_hash(text: str) -> str:
    """SHA-256 of the text's words, lower-cased: spacing and punctuation changes don't matter."""
    normalised = " ".join(_WORD.findall(text.lower()))
    return hashlib.sha256(normalised.encode()).hexdigest()


def _shingles(text: str, size: int) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def shared_wording(first: str, second: str, size: int = 5) -> float:
    """0..1: the share of the shorter text's runs of `size` words that the other one also has.

    A wire copy with its own first line, an update with a corrected paragraph, or a shortened
    syndication all share most of their runs; two reports of one event in their own words
    share almost none.
    """
    a, b = _shingles(first, size), _shingles(second, size)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def same_outlet(
    outlet: str | None, url: str | None, other_outlet: str | None, other_url: str | None
) -> bool:
    """Whether two articles come from one publisher: the same outlet name when both have one,
    else the same web host when both have a link, else (pasted text with neither) yes."""
    if outlet and other_outlet:
        return " ".join(outlet.lower().split()) == " ".join(other_outlet.lower().split())
    host, other_host = _host(url), _host(other_url)
    if host and other_host:
        return host == other_host
    return not (outlet or other_outlet or host or other_host)
