"""Bodies whose charset is missing, unknown or lying decode as a browser would, end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from index import Engine
from index.fetch import FetchedPage, fetch, make_client
from tests.localserver import LocalServer, serving


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serving() as running:
        yield running


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(timeout=5.0) as shared:
        yield shared


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
