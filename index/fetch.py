"""Guarded fetching: one document over http(s) within a deadline, a size cap and accepted types.

Every redirect hop goes back through the address guard (`index.guard`): the link is checked,
its host resolved once, and the connection pinned to a checked address.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from index.charset import decode_text, known_charset
from index.errors import BlockedURL, FetchError, ResponseTooLarge, UnsupportedContent
from index.guard import PIN, PinnedTransport, Resolver, check_url

__all__ = [
    "DEFAULT_DEADLINE",
    "FetchClient",
    "FetchedPage",
    "fetch",
    "make_client",
]

USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot; article indexer)"
DEFAULT_DEADLINE = 30.0
_ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True)
class FetchedPage:
    """A downloaded document: the final URL after redirects, its media type and raw body.

    `charset` is the declared charset when Python knows it (None otherwise); `text()` decodes.
    """

    url: str
    content_type: str
    content: bytes
    charset: str | None = None
    # 304 when a conditional request (If-None-Match / If-Modified-Since) found it unchanged,
    # with no content; the validators to send next time, as the server gave them.
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None

    @property
    def is_html(self) -> bool:
        return self.content_type != "text/plain"

    def text(self) -> str:
        """The body as text; an unknown or wrong charset falls back to detection, then UTF-8."""
        return decode_text(self.content, self.charset)


class FetchClient(httpx.AsyncClient):
    """The client `make_client` builds: pinned connections, and the deadline of one fetch."""

    def __init__(self, *, deadline: float = DEFAULT_DEADLINE, **options: Any) -> None:
        super().__init__(**options)
        self.deadline = deadline


def make_client(
    timeout: float = 20.0,
    *,
    deadline: float = DEFAULT_DEADLINE,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
) -> FetchClient:
    """The one shared client: a timeout on every read, a `deadline` on each whole fetch,
    connections only to checked addresses, redirects handled by `fetch` itself.

    `network_backend` replaces the socket layer under the address pinning (tests record where
    connections would go without making any).
    """
    return FetchClient(
        deadline=deadline,
        transport=PinnedTransport(network_backend),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"},
    )


def _describe(media_type: str) -> str:
    """ "an image (image/png)", "a PDF (application/pdf)", … for error messages."""
    kinds = {"image": "an image", "video": "a video", "audio": "an audio file"}
    major = media_type.split("/", 1)[0]
    if media_type == "application/pdf":
        return f"a PDF ({media_type})"
    return f"{kinds.get(major, 'a file')} ({media_type})"


def _media_type(response: httpx.Response) -> tuple[str, str | None]:
    header = response.headers.get("content-type", "")
    media_type = header.split(";", 1)[0].strip().lower()
    return media_type, response.charset_encoding


async def fetch(
    url: str,
    client: httpx.AsyncClient,
    *,
    allow_private: bool = False,
    max_bytes: int = 5_000_000,
    max_redirects: int = 5,
    resolver: Resolver | None = None,
    deadline: float | None = None,
    accept: Collection[str] = _ACCEPTED_TYPES,
    headers: Mapping[str, str] | None = None,
) -> FetchedPage:
    """Download one HTML or text document, re-checking every redirect against the same guards.

    The whole fetch, redirects and body included, must finish within `deadline` seconds (by
    default the client's, see `make_client`): a server that sends a byte a second fails it.
    Only a client from `make_client` pins connections to the checked addresses. `accept`
    widens the media types taken (feeds are XML); `headers` go with each request (conditional
    requests: a 304 answer comes back as an empty page with `status` 304).
    """
    if deadline is None:
        deadline = client.deadline if isinstance(client, FetchClient) else DEFAULT_DEADLINE
    try:
        async with asyncio.timeout(deadline):
            return await _fetch(
                url, client, allow_private, max_bytes, max_redirects, resolver, accept, headers
            )
    except TimeoutError:
        raise FetchError(
            f"Gave up on {url.strip()}: the download took longer than {deadline:g} seconds."
        ) from None


async def _fetch(
    url: str,
    client: httpx.AsyncClient,
    allow_private: bool,
    max_bytes: int,
    max_redirects: int,
    resolver: Resolver | None,
    accept: Collection[str],
    headers: Mapping[str, str] | None,
) -> FetchedPage:
    try:
        current = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as error:
        raise BlockedURL(f"That is not a valid link: {error}.") from None
    for _ in range(max_redirects + 1):
        addresses = await check_url(current, allow_private, resolver)
        try:
            async with client.stream(
                "GET",
                current,
                follow_redirects=False,
                headers=headers,
                extensions={PIN: addresses},
            ) as response:
                if response.is_redirect and "location" in response.headers:
                    try:
                        current = current.join(response.headers["location"])
                    except httpx.InvalidURL as error:
                        raise FetchError(
                            f"The site redirected to an invalid link ({error})."
                        ) from None
                    continue
                validators = response.headers.get("etag"), response.headers.get("last-modified")
                if response.status_code == 304:
                    return FetchedPage(str(current), "", b"", None, 304, *validators)
                if response.status_code >= 400:
                    raise FetchError(
                        f"The site answered HTTP {response.status_code} "
                        f"({response.reason_phrase or 'error'}) for {current}."
                    )
                media_type, charset = _media_type(response)
                if media_type and media_type not in accept:
                    raise UnsupportedContent(
                        f"That link is {_describe(media_type)}, not an article page."
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise ResponseTooLarge(
                        f"That page is too large ({int(declared):,} bytes; "
                        f"the limit is {max_bytes:,})."
                    )
                body = bytearray()
                async for piece in response.aiter_bytes():
                    body.extend(piece)
                    if len(body) > max_bytes:
                        raise ResponseTooLarge(
                            f"That page is too large (over the {max_bytes:,} byte limit)."
                        )
        except httpx.TimeoutException:
            raise FetchError(f"Timed out fetching {current}.") from None
        except httpx.ConnectError:
            raise FetchError(f"Could not connect to {current.host}.") from None
        except httpx.HTTPError as error:
            raise FetchError(f"Fetching {current} failed: {error}.") from None
        content = bytes(body)
        if not media_type:
            if b"\x00" in content[:4096]:
                raise UnsupportedContent("That link is a binary file, not an article page.")
            media_type = "text/html" if b"<" in content[:4096] else "text/plain"
        elif b"\x00" in content[:4096]:
            raise UnsupportedContent("That link is a binary file, not an article page.")
        return FetchedPage(
            str(current), media_type, content, known_charset(charset), 200, *validators
        )
    raise FetchError(f"Too many redirects (more than {max_redirects}) from {url}.")
