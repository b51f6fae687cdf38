"""Guarded fetching against a real server on loopback; the address guard without connecting."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from index.errors import BlockedURL, FetchError, ResponseTooLarge, UnsupportedContent
from index.fetch import check_url, fetch, make_client
from tests.localserver import LocalServer, serving

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
