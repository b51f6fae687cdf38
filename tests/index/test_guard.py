"""The address guard: links resolved once, every address checked, connections pinned to them.

Names are resolved by fake resolvers the tests control; where a check must pass for a public
address, a fake network (`FakeNetwork`) records where the connection would go and answers
from memory, so nothing ever leaves loopback.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Iterator

import httpcore
import httpx
import pytest

from index.errors import BlockedURL, FetchError
from index.fetch import fetch, make_client
from index.guard import check_url
from tests.localserver import LocalServer, serving

PAGE = "<html><head><title>T</title></head><body><p>Hello from the local server.</p></body></html>"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serving() as running:
        yield running


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",  # decimal
        "http://0x7f.0.0.1/",  # hex
        "http://017700000001/",  # octal
        "http://127.1/",  # short form
        "http://0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[::ffff:7f00:1]/",
        "http://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
        "http://[2002:c0a8:101::]/",  # 6to4 of 192.168.1.1
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://169.254.169.254/",  # link-local (cloud metadata)
        "http://[fe80::1]/",
        "http://[fc00::1]/",  # unique local
        "http://224.0.0.1/",  # multicast
        "http://240.0.0.1/",  # reserved
    ],
)
async def test_non_public_addresses_are_refused_however_written(url: str) -> None:
    with pytest.raises(BlockedURL):
        await check_url(httpx.URL(url), allow_private=False)


async def test_host_names_are_checked_after_resolution() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {"intranet.example": ["93.184.216.34", "10.0.0.7"]}[host]

    with pytest.raises(BlockedURL, match=r"10\.0\.0\.7"):
        await check_url(httpx.URL("http://intranet.example/"), False, resolver)


async def test_public_addresses_pass_the_guard_without_connecting() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]

    await check_url(httpx.URL("https://news.example/a"), False, resolver)


# -- connecting only to the checked address ----------------------------------------------------


class Resolver:
    """A fake DNS: each name's answers in turn (the last one repeats); records every lookup."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        found = self.answers.get(host)
        if not found:
            raise FetchError(f"Could not find the server {host}.")
        return found.pop(0) if len(found) > 1 else found[0]


class FakeStream(httpcore.AsyncNetworkStream):
    """One connection of the fake network: records what is written, replies from memory."""

    def __init__(self, reply: bytes, network: FakeNetwork) -> None:
        self.reply = [reply]
        self.network = network

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.reply.pop(0) if self.reply else b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.network.sent.append(buffer)

    async def aclose(self) -> None:
        return None

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.network.server_names.append(server_hostname)
        return self


class FakeNetwork(httpcore.AsyncNetworkBackend):
    """Where connections would go, without a socket: one canned reply per connection."""

    def __init__(self, *replies: bytes) -> None:
        self.replies = list(replies)
        self.connects: list[tuple[str, int]] = []
        self.sent: list[bytes] = []
        self.server_names: list[str | None] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        return FakeStream(self.replies.pop(0), self)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AssertionError("never used")

    async def sleep(self, seconds: float) -> None:
        return None


def _reply(status: str = "200 OK", body: bytes = PAGE.encode(), **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Content-Type: text/html", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


PUBLIC = "93.184.216.34"


async def test_a_name_is_resolved_once_and_the_connection_goes_to_the_checked_address() -> None:
    # DNS rebinding: public for the check, loopback for a second lookup that never comes.
    resolver = Resolver({"news.example": [[PUBLIC], ["127.0.0.1"]]})
    network = FakeNetwork(_reply())
    async with make_client(network_backend=network) as pinned:
        page = await fetch("http://news.example/story", pinned, resolver=resolver)
    assert b"Hello from the local server" in page.content
    assert resolver.lookups == ["news.example"]
    assert network.connects == [(PUBLIC, 80)]
    assert b"Host: news.example\r\n" in b"".join(network.sent)


async def test_tls_keeps_the_original_host_name_while_connecting_to_the_checked_address() -> None:
    resolver = Resolver({"news.example": [[PUBLIC]]})
    network = FakeNetwork(_reply())
    async with make_client(network_backend=network) as pinned:
        await fetch("https://news.example/story", pinned, resolver=resolver)
    assert network.connects == [(PUBLIC, 443)]
    assert network.server_names == ["news.example"]
    assert b"Host: news.example\r\n" in b"".join(network.sent)


async def test_a_host_with_several_addresses_connects_to_a_checked_one() -> None:
    resolver = Resolver({"news.example": [["2606:2800:220:1:248:1893:25c8:1946", PUBLIC]]})
    network = FakeNetwork(_reply())
    async with make_client(network_backend=network) as pinned:
        await fetch("http://news.example/", pinned, resolver=resolver)
    assert network.connects == [("2606:2800:220:1:248:1893:25c8:1946", 80)]


async def test_every_redirect_hop_is_resolved_checked_and_pinned() -> None:
    resolver = Resolver({"news.example": [[PUBLIC]], "intranet.example": [["10.0.0.7"]]})
    network = FakeNetwork(_reply("302 Found", b"", Location="http://intranet.example/admin"))
    async with make_client(network_backend=network) as pinned:
        with pytest.raises(BlockedURL, match=r"10\.0\.0\.7"):
            await fetch("http://news.example/story", pinned, resolver=resolver)
    assert resolver.lookups == ["news.example", "intranet.example"]
    assert network.connects == [(PUBLIC, 80)]


async def test_the_ascii_spelling_of_an_international_name_is_checked_and_used() -> None:
    # getaddrinfo would look up "strasse.example" (IDNA 2003); httpx connects to the IDNA 2008
    # name. Only the name really used may decide.
    resolver = Resolver(
        {
            "xn--strae-oqa.example": [["127.0.0.1"]],
            "strasse.example": [[PUBLIC]],
            "straße.example": [[PUBLIC]],
        }
    )
    with pytest.raises(BlockedURL, match=r"127\.0\.0\.1"):
        await check_url(httpx.URL("http://straße.example/"), False, resolver)
    assert resolver.lookups == ["xn--strae-oqa.example"]
    network = FakeNetwork(_reply())
    public = Resolver({"xn--strae-oqa.example": [[PUBLIC]]})
    async with make_client(network_backend=network) as pinned:
        await fetch("http://straße.example/", pinned, resolver=public)
    assert network.connects == [(PUBLIC, 80)]
    assert b"Host: xn--strae-oqa.example\r\n" in b"".join(network.sent)


async def test_a_name_pointing_at_a_loopback_server_is_fetched_when_private_is_allowed(
    server: LocalServer,
) -> None:
    port = server.url("/").split(":")[-1].rstrip("/")
    final = server.add("/final", PAGE)
    server.add("/old", "", status=301, Location=f"http://other.example:{port}/final")
    # The second answer for news.example would lead nowhere; it is never asked for.
    resolver = Resolver(
        {"news.example": [["127.0.0.1"], ["127.0.0.2"]], "other.example": [["127.0.0.1"]]}
    )
    async with make_client(timeout=5.0) as pinned:
        page = await fetch(
            f"http://news.example:{port}/old", pinned, allow_private=True, resolver=resolver
        )
    assert page.url == final.replace("127.0.0.1", "other.example")
    assert resolver.lookups == ["news.example", "other.example"]
    assert server.hosts == [f"news.example:{port}", f"other.example:{port}"]


async def test_a_pinned_client_refuses_requests_that_did_not_go_through_the_guard(
    server: LocalServer,
) -> None:
    url = server.add("/story", PAGE)
    async with make_client(timeout=5.0) as pinned:
        with pytest.raises(httpx.ConnectError, match="unchecked"):
            await pinned.get(url)
    assert server.requests == []


# -- the address matrix, without connecting ----------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "fec0::1",  # site-local (deprecated)
        "feff::1",
        "64:ff9b:1::a00:1",  # local-use NAT64
        "64:ff9b:1::808:808",
        "::127.0.0.1",  # IPv4-compatible (deprecated)
        "::7f00:1",
        "::a9fe:a9fe",  # ::169.254.169.254
        "::8.8.8.8",
        "::ffff:0:7f00:1",  # IPv4-translated
        "::ffff:0:808:808",
        "::",
        "::1",
        "100::1",  # discard
        "2001:db8::1",  # documentation
        "3fff::1",  # documentation (2024)
        "5f00::1",  # SRv6
        "fe80::1%eth0",
        "ff02::1",
        "64:ff9b::7f00:1",  # NAT64 of loopback
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 of loopback
        "0.0.0.0",
        "127.255.255.254",
        "192.0.0.1",
        "192.0.2.1",
        "198.18.0.1",
        "255.255.255.255",
    ],
)
async def test_every_non_public_address_form_is_refused(address: str) -> None:
    resolver = Resolver({"news.example": [[address]]})
    with pytest.raises(BlockedURL, match="non-public"):
        await check_url(httpx.URL("https://news.example/"), False, resolver)


@pytest.mark.parametrize(
    "address",
    [
        PUBLIC,
        "8.8.8.8",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",  # IPv4-mapped public
        "64:ff9b::808:808",  # NAT64 of a public address
        "2002:808:808::1",  # 6to4 of a public address
    ],
)
async def test_public_addresses_pass_and_are_the_ones_to_connect_to(address: str) -> None:
    resolver = Resolver({"news.example": [[address]]})
    assert await check_url(httpx.URL("https://news.example/"), False, resolver) == (address,)
