"""Guarded fetching against a real server on loopback; the address guard without connecting.

Names are resolved by fake resolvers the tests control; where a check must pass for a public
address, a fake network (`FakeNetwork`) records where the connection would go and answers
from memory, so nothing ever leaves loopback.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import AsyncIterator, Iterable, Iterator

import httpcore
import httpx
import pytest

from index import Engine
from index.errors import BlockedURL, FetchError, ResponseTooLarge, UnsupportedContent
from index.fetch import FetchedPage, check_url, fetch, make_client
from tests.localserver import LocalServer, Route, serving

PAGE = "<html><head><title>T</title></head><body><p>Hello from the local server.</p></body></html>"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serving() as running:
        yield running


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(timeout=5.0) as shared:
        yield shared


async def test_fetches_an_html_page_from_loopback_when_allowed(
    server: LocalServer, client: httpx.AsyncClient
) -> None:
    url = server.add("/story", PAGE)
    page = await fetch(url, client, allow_private=True)
    assert page.content_type == "text/html" and page.is_html
    assert b"Hello from the local server" in page.content
    assert page.url == url


async def test_follows_redirects_and_reports_the_final_url(
    server: LocalServer, client: httpx.AsyncClient
) -> None:
    final = server.add("/final", PAGE)
    server.add("/old", "", status=301, Location="/final")
    page = await fetch(server.url("/old"), client, allow_private=True)
    assert page.url == final


async def test_loopback_is_refused_by_default(
    server: LocalServer, client: httpx.AsyncClient
) -> None:
    url = server.add("/story", PAGE)
    with pytest.raises(BlockedURL):
        await fetch(url, client)
    assert server.requests == []


async def test_http_errors_are_reported(server: LocalServer, client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        await fetch(server.url("/missing"), client, allow_private=True)


async def test_unreachable_server_is_a_clear_error(client: httpx.AsyncClient) -> None:
    with serving() as doomed:
        url = doomed.url("/gone")
    with pytest.raises(FetchError, match="Could not connect"):
        await fetch(url, client, allow_private=True)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("image/png", b"\x89PNG\r\n\x1a\n\x00\x00"), ("application/pdf", b"%PDF-1.7")],
)
async def test_non_text_content_is_refused(
    server: LocalServer, client: httpx.AsyncClient, content_type: str, body: bytes
) -> None:
    url = server.add("/file", body, content_type=content_type)
    with pytest.raises(UnsupportedContent, match=content_type):
        await fetch(url, client, allow_private=True)


async def test_binary_body_without_content_type_is_refused(
    server: LocalServer, client: httpx.AsyncClient
) -> None:
    url = server.add("/blob", b"\x00\x01\x02binary", content_type="none")
    with pytest.raises(UnsupportedContent, match="binary"):
        await fetch(url, client, allow_private=True)


async def test_declared_oversize_is_refused(server: LocalServer, client: httpx.AsyncClient) -> None:
    url = server.add("/big", b"x" * 5000)
    with pytest.raises(ResponseTooLarge):
        await fetch(url, client, allow_private=True, max_bytes=1000)


async def test_streamed_oversize_without_length_is_cut_off(
    server: LocalServer, client: httpx.AsyncClient
) -> None:
    url = server.add("/stream", b"<p>" + b"y" * 200_000, headers={"Content-Length": "none"})
    with pytest.raises(ResponseTooLarge):
        await fetch(url, client, allow_private=True, max_bytes=10_000)


async def test_redirect_to_a_private_address_is_refused_before_any_request() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data"})

    async def public_resolver(host: str, port: int) -> list[str]:
        return {"news.example": ["93.184.216.34"]}.get(host, [host])

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as mocked:
        with pytest.raises(BlockedURL, match=r"169\.254\.169\.254"):
            await fetch("http://news.example/story", mocked, resolver=public_resolver)
    assert seen == ["http://news.example/story"]


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


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "gopher://x/"])
async def test_only_http_and_https_are_fetched(url: str, client: httpx.AsyncClient) -> None:
    with pytest.raises(BlockedURL, match="http"):
        await fetch(url, client, allow_private=True)


async def test_malformed_links_are_refused(client: httpx.AsyncClient) -> None:
    with pytest.raises(BlockedURL):
        await fetch("http://0177.0.0.1/", client)


# -- a total deadline per fetch ----------------------------------------------------------------


async def test_a_server_dripping_bytes_fails_at_the_deadline(server: LocalServer) -> None:
    # 400 bytes at one per 50 ms: each read is quick, the whole page would take 20 seconds.
    url = server.add("/drip", Route(b"<p>" + b"x" * 400, drip=0.05))
    started = time.monotonic()
    async with make_client(timeout=5.0, deadline=0.5) as slow:
        with pytest.raises(FetchError, match=r"longer than 0\.5 seconds"):
            await fetch(url, slow, allow_private=True)
    assert time.monotonic() - started < 3


async def test_a_stalled_server_fails_at_the_deadline(server: LocalServer) -> None:
    url = server.add("/stall", Route(b"<p>never</p>", gate=threading.Event()))
    started = time.monotonic()
    async with make_client(timeout=20.0) as patient:
        with pytest.raises(FetchError, match=r"took longer than 0\.4 seconds"):
            await fetch(url, patient, allow_private=True, deadline=0.4)
    assert time.monotonic() - started < 3


async def test_a_slow_server_adds_nothing_to_the_engine(
    server: LocalServer, engine: Engine
) -> None:
    url = server.add("/drip", Route(PAGE.encode() * 3, drip=0.05))
    async with make_client(timeout=5.0, deadline=0.5) as slow:
        with pytest.raises(FetchError, match="took longer"):
            await engine.add_url(url, slow)
    assert engine.stats().articles == 0 and engine.stats().chunks == 0


# -- charsets ----------------------------------------------------------------------------------

TEXT = "Le conseil a voté: « la passerelle ouvrira en été », a déclaré la maire. " * 4


@pytest.mark.parametrize(
    ("declared", "body"),
    [
        ("x-bogus", TEXT.encode("utf-8")),  # unknown to Python
        ("rot13", TEXT.encode("utf-8")),  # a codec, but not a text encoding
        ("utf-8", TEXT.encode("cp1252")),  # a lie: the bytes are Windows-1252
        ("x-bogus", TEXT.encode("cp1252")),
    ],
)
async def test_an_unknown_or_lying_charset_falls_back_to_detection(
    server: LocalServer, client: httpx.AsyncClient, declared: str, body: bytes
) -> None:
    url = server.add("/t", body, content_type=f"text/plain; charset={declared}")
    page = await fetch(url, client, allow_private=True)
    assert page.text() == TEXT
    # What the engine does today with `charset` must not crash either.
    page.content.decode(page.charset or "utf-8", errors="replace")


def test_undecodable_bytes_become_replacement_characters() -> None:
    page = FetchedPage("https://a.example/", "text/plain", b"ok \xff\xfe\x80 ok", "x-bogus")
    assert page.text().startswith("ok ") and page.text().endswith(" ok")


async def test_a_text_page_with_an_unknown_charset_is_added(
    server: LocalServer, engine: Engine
) -> None:
    url = server.add("/story", TEXT.encode(), content_type="text/plain; charset=x-bogus")
    article = await engine.add_url(url)
    assert "passerelle ouvrira en été" in engine.get_article(article.id).text


async def test_an_html_page_with_an_unknown_charset_is_added(
    server: LocalServer, engine: Engine
) -> None:
    html = "<html><head><meta charset='x-bogus'><title>Été</title></head><body><article>"
    html += f"<p>{TEXT}</p><p>{TEXT}</p></article></body></html>"
    url = server.add("/page", html.encode(), content_type="text/html; charset=x-bogus")
    article = await engine.add_url(url)
    assert "passerelle ouvrira en été" in engine.get_article(article.id).text


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
