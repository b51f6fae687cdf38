"""Guarded fetching: http(s) only, public addresses only, timeouts, size cap, checked redirects."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass

import httpx

from index.errors import BlockedURL, FetchError, ResponseTooLarge, UnsupportedContent

__all__ = ["FetchedPage", "Resolver", "check_address", "check_url", "fetch", "make_client"]

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot; article indexer)"
_ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class FetchedPage:
    """A downloaded document: the final URL after redirects, its media type and raw body."""

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


def make_client(timeout: float = 20.0) -> httpx.AsyncClient:
    """The one shared client: timeouts on every phase, redirects handled by `fetch` itself."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"},
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in an IPv4-mapped, NAT64, 6to4 or Teredo IPv6 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def check_address(address: IPAddress) -> None:
    """Refuse any address that is not globally routable unicast (private, loopback, …)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            check_address(embedded)
            return
    if not address.is_global or address.is_multicast:
        raise BlockedURL(f"Refusing to fetch from the non-public address {address}.")


async def _system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise FetchError(f"Could not find the server {host} ({error.strerror}).") from None
    return [str(info[4][0]) for info in infos]


async def check_url(url: httpx.URL, allow_private: bool, resolver: Resolver | None = None) -> None:
    """Refuse a URL unless it is http(s) and every address its host resolves to is public."""
    if url.scheme not in ("http", "https"):
        raise BlockedURL(f"Only http and https links can be fetched, not {url.scheme or 'this'}.")
    host = url.host
    if not host:
        raise BlockedURL("That link has no host name.")
    if allow_private:
        return
    port = url.port or (443 if url.scheme == "https" else 80)
    # Resolving also normalises odd spellings ("2130706433", "0x7f.1", "127.1") to real addresses.
    addresses = await (resolver or _system_resolver)(host, port)
    if not addresses:
        raise FetchError(f"Could not find the server {host}.")
    for text in addresses:
        check_address(ipaddress.ip_address(text.split("%", 1)[0]))


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
    accept: Collection[str] = _ACCEPTED_TYPES,
    headers: Mapping[str, str] | None = None,
) -> FetchedPage:
    """Download one HTML or text document, re-checking every redirect against the same guards.

    `accept` widens the media types taken (feeds are XML); `headers` go with each request
    (conditional requests: a 304 answer comes back as an empty page with `status` 304).
    """
    try:
        current = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as error:
        raise BlockedURL(f"That is not a valid link: {error}.") from None
    for _ in range(max_redirects + 1):
        await check_url(current, allow_private, resolver)
        try:
            async with client.stream(
                "GET", current, follow_redirects=False, headers=headers
            ) as response:
                if response.is_redirect and "location" in response.headers:
                    current = current.join(response.headers["location"])
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
        return FetchedPage(str(current), media_type, content, charset, 200, *validators)
    raise FetchError(f"Too many redirects (more than {max_redirects}) from {url}.")
