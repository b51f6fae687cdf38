"""The address guard: only public addresses are fetched from, and connections go only to them.

Each hop is resolved once; the addresses are checked and the connection goes to a checked
address (`PinnedBackend`), so a name that resolves differently the second time (DNS rebinding)
cannot steer the request elsewhere.

    check_url ──> resolver (once per hop) ──> check_address (every address)
    client.stream(extensions={PIN: addresses}) ──> PinnedTransport ──> PinnedBackend
                                   connects to a checked address, never resolves again
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpcore
import httpx

from index.errors import BlockedURL, FetchError

__all__ = [
    "PIN",
    "PinnedBackend",
    "PinnedTransport",
    "Resolver",
    "check_address",
    "check_url",
]

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The request extension that carries the checked addresses of the request's host.
PIN = "newsbot.checked_addresses"
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Ordinary IPv6 hosts live in 2000::/3; everything outside it that is not an IPv4 address in
# disguise (handled first) is refused: site-local fec0::/10, local-use NAT64 64:ff9b:1::/48,
# IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d, SRv6 5f00::/16, …
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_NOT_GLOBAL_V6 = (ipaddress.IPv6Network("3fff::/20"),)  # documentation (RFC 9637)


# -- which addresses are public -------------------------------------------------------------


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


# -- resolving a link once ------------------------------------------------------------------


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
