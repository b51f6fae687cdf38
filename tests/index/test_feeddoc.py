"""Reading one feed document: items' links, GUIDs, dates and text; never a fetch of its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.errors import NotAFeed
from index.feeddoc import parse_feed
from tests.support.web import serving

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>  Harbour   News </title>
<item><title>Barrier &lt;vote&gt;</title><link>/news/barrier</link><guid>b-1</guid>
<pubDate>Sun, 17 Nov 2024 09:30:00 +0100</pubDate>
<description>&lt;p&gt;First &amp;amp; foremost.&lt;/p&gt;
&lt;p&gt;Second&lt;br/&gt;line.&lt;/p&gt;</description>
</item>
<item><title>No link here</title><description>Only text.</description></item>
<item><title>Odd link</title><link>javascript:alert(1)</link></item>
</channel></rss>"""


def test_items_carry_absolute_links_guids_utc_dates_and_plain_text() -> None:
    document = parse_feed(RSS, "https://harbour.example/feed.xml", "application/rss+xml")
    assert document.title == "Harbour News"
    first, bare, odd = document.items
    assert first.title == "Barrier <vote>"
    assert first.link == "https://harbour.example/news/barrier"
    assert first.published_at == datetime(2024, 11, 17, 8, 30, tzinfo=UTC)
    assert first.content == "First & foremost.\n\nSecond\n\nline."
    assert first.keys == [f"guid:{first.guid}", "url:https://harbour.example/news/barrier"]
    assert bare.link is None and bare.keys[0].startswith("text:")
    assert odd.link is None  # only web links are followed


def test_a_string_that_looks_like_a_url_is_never_fetched() -> None:
    with serving() as server:
        url = server.add("/feed.xml", RSS, content_type="application/rss+xml")
        with pytest.raises(NotAFeed):
            parse_feed(url.encode(), "https://harbour.example/feed.xml", "text/plain")
        assert server.requests == []


def test_html_titles_lose_their_tags_and_plain_ones_keep_their_brackets() -> None:
    html_title = RSS.replace(
        b"Barrier &lt;vote&gt;", b"Barrier &lt;b&gt;vote&lt;/b&gt; &amp;amp; more"
    )
    (first, *_) = parse_feed(html_title, "https://harbour.example/feed.xml").items
    assert first.title == "Barrier vote & more"
