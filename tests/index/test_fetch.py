"""Guarded fetching against a real server on loopback: redirects, errors, types, size, deadline.

The address guard itself (resolution, the address matrix, pinning) is tested in `test_guard`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from index import Engine
from index.errors import BlockedURL, FetchError, ResponseTooLarge, UnsupportedContent
from index.fetch import fetch, make_client
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
