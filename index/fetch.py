"""Guarded fetching: http(s) only, public addresses only, a deadline, a size cap, checked redirects.

Each hop is resolved once; the addresses are checked and the connection goes to a checked
address (`PinnedBackend`), so a name that resolves differently the second time (DNS rebinding)
cannot steer the request elsewhere.

    fetch ──check_url──> resolver (once per hop) ──> check_address (every address)
      └──client.stream(extensions={PIN: addresses})──> PinnedTransport ──> PinnedBackend
                                         connects to a checked address, never resolves again
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from index.errors import BlockedURL, FetchError, ResponseTooLarge, UnsupportedContent

__all__ = [
    "DEFAULT_DEADLINE",
    "FetchClient",
    "FetchedPage",
    "PinnedBackend",
    "PinnedTransport",
    "Resolver",
    "check_address",
    "check_url",
    "decode_text",
    "fetch",
    "make_client",
]

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot; article indexer)"
DEFAULT_DEADLINE = 30.0
# The request extension that carries the checked addresses of the request's host.
PIN = "newsbot.checked_addresses"
_ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Ordinary IPv6 hosts live in 2000::/3; everything outside it that is not an IPv4 address in
# disguise (handled first) is refused: site-local fec0::/10, local-use NAT64 64:ff9b:1::/48,
# IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d, SRv6 5f00::/16, …
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_NOT_GLOBAL_V6 = (ipaddress.IPv6Network("3fff::/20"),)  # documentation (RFC 9637)


def decode_text(content: bytes, charset: str | None) -> str:
    """Text of a body whose declared charset may be missing, unknown or wrong, as browsers read it:
    the declared charset if it decodes cleanly, else a detected one, else UTF-8 with
    replacement characters."""
    if charset:
        try:
            return content.decode(charset)
        except (LookupError, UnicodeError):  # "x-bogus", "rot13" (not a text codec), lies
            pass
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    if best is not None:
        return str(best)
    return content.decode("utf-8", errors="replace")


def _known_charset(name: str | None) -> str | None:
    """The Python codec for a declared charset, or None when Python has no text codec for it."""
    if not name:
        return None
    try:
        info = codecs.lookup(name.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


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


# -- connecting only to checked addresses ---------------------------------------------------

_CHECKED: ContextVar[tuple[str, tuple[str, ...]] | None] = ContextVar(
    "newsbot_checked_addresses", default=None
)


@contextmanager
def _checked(host: str, addresses: tuple[str, ...]) -> Iterator[None]:
    token = _CHECKED.set((host.lower(), addresses))
    try:
        yield
    finally:
        _CHECKED.reset(token)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to the addresses checked for the host.

    It never resolves a name: a connection for a request without checked addresses, or for
    another host than the one checked, is refused. The TLS server name and the Host header
    stay the original host's, since httpcore still thinks it is connecting to that host.
    """

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        checked = _CHECKED.get()
        if checked is None or checked[0] != host.lower() or not checked[1]:
            raise httpcore.ConnectError(f"Refusing to connect to {host}: its address is unchecked.")
        failure: Exception | None = None
        for address in checked[1]:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error  # try the host's next checked address, as a browser would
        raise failure or httpcore.ConnectError(f"Could not connect to {host}.")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("Unix sockets are never used for fetching.")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a `PinnedBackend`; the checked addresses ride on each request.

    No connection is kept alive, so every request connects afresh to an address checked for it.
    """

    def __init__(self, network_backend: httpcore.AsyncNetworkBackend | None = None) -> None:
        super().__init__()
        # httpx offers no way to hand its pool a network backend: build the pool here instead.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=20,
            max_keepalive_connections=0,
            network_backend=PinnedBackend(network_backend),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        addresses = tuple(request.extensions.get(PIN, ()))
        with _checked(request.url.raw_host.decode("ascii"), addresses):
            return await super().handle_async_request(request)


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


# -- the address guard ----------------------------------------------------------------------


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
        if address not in _GLOBAL_UNICAST or any(address in net for net in _NOT_GLOBAL_V6):
            raise BlockedURL(f"Refusing to fetch from the non-public address {address}.")
    if not address.is_global or address.is_multicast:
        raise BlockedURL(f"Refusing to fetch from the non-public address {address}.")


async def _system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise FetchError(f"Could not find the server {host} ({reason}).") from None
    return [str(info[4][0]) for info in infos]


async def check_url(
    url: httpx.URL, allow_private: bool, resolver: Resolver | None = None
) -> tuple[str, ...]:
    """The addresses to connect to for `url`: its host resolved once, each address checked.

    Refuses a URL unless it is http(s) and, without `allow_private`, every address its host
    resolves to is public. The host is looked up in its ASCII (IDNA) form, the one the
    connection uses, so `straße.example` is checked as `xn--strae-oqa.example`.
    """
    if url.scheme not in ("http", "https"):
        raise BlockedURL(f"Only http and https links can be fetched, not {url.scheme or 'this'}.")
    host = url.raw_host.decode("ascii")
    if not host:
        raise BlockedURL("That link has no host name.")
    port = url.port or (443 if url.scheme == "https" else 80)
    # Resolving also normalises odd spellings ("2130706433", "0x7f.1", "127.1") to real addresses.
    found = await (resolver or _system_resolver)(host, port)
    if not found:
        raise FetchError(f"Could not find the server {url.host}.")
    addresses: list[str] = []
    for text in found:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise FetchError(f"Could not find the server {url.host} (got {text!r}).") from None
        if not allow_private:
            check_address(address)
        if text not in addresses:
            addresses.append(text)
    return tuple(addresses)


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
            str(current), media_type, content, _known_charset(charset), 200, *validators
        )
    raise FetchError(f"Too many redirects (more than {max_redirects}) from {url}.")
