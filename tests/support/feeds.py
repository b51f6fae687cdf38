"""Fictional RSS and Atom feeds and the article pages they point to, served on loopback.

`FeedSite` puts a feed and its pages on a `LocalServer`; publishing again replaces the feed and
its ETag / Last-Modified, as a real site's feed changes when a story is added.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from tests.support.web import LocalServer, Route

__all__ = ["STORIES", "FeedSite", "Story", "article_page", "atom", "rss"]


@dataclass(frozen=True)
class Story:
    """A fictional news story: its page at `/news/<slug>` and its entry in a feed."""

    slug: str
    title: str
    published: datetime
    paragraphs: tuple[str, ...]
    summary: str = ""

    @property
    def path(self) -> str:
        return f"/news/{self.slug}"


# Fictional stories, written for these tests; each page has enough text to be an article.
STORIES = {
    story.slug: story
    for story in (
        Story(
            "lighthouse-museum",
            "Skarholm lighthouse to reopen as a fishing museum",
            datetime(2025, 2, 3, 8, 0, tzinfo=UTC),
            (
                "The Skarholm lighthouse, dark since its lamp was automated in 1987, will reopen "
                "in June as a museum of the island's fishing history, the island council said on "
                "Monday.",
                "Volunteers from the Skarholm heritage society have restored the keeper's cottage "
                "and the brass lens, which was found in a barn on the mainland two years ago.",
                "Entry will be free for island residents, and the council expects about nine "
                "thousand visitors in the first summer.",
            ),
            "The Skarholm lighthouse will reopen in June as a museum of the island's fishing "
            "history, the island council said, after volunteers restored the keeper's cottage "
            "and the old brass lens.",
        ),
        Story(
            "night-ferry",
            "Northline Ferries adds a night crossing to Skarholm",
            datetime(2025, 2, 5, 7, 0, tzinfo=UTC),
            (
                "Northline Ferries will run a night crossing between Port Ellery and the island "
                "of Skarholm from the first of March, the company announced on Wednesday, after "
                "islanders collected more than four thousand signatures.",
                "The new departure leaves the mainland at 23:40 and takes ninety minutes, using "
                "the smaller vessel Kestrel, which carries up to three hundred passengers.",
            ),
            "Northline Ferries will run a night crossing to Skarholm from March, leaving the "
            "mainland at 23:40, after islanders collected four thousand signatures for it.",
        ),
        Story(
            "salmon-count",
            "Record salmon run counted in the Sable River",
            datetime(2025, 2, 7, 12, 30, tzinfo=UTC),
            (
                "Wardens counted eleven thousand salmon passing the weir on the Sable River this "
                "autumn, the highest number since counting began in 1961, the regional fisheries "
                "office said on Friday.",
                "Biologists credit the removal of two old mill dams upstream, which reopened "
                "spawning grounds that had been cut off for more than a century.",
            ),
            "Wardens counted eleven thousand salmon passing the Sable River weir this autumn, a "
            "record since counting began in 1961, which biologists credit to removed mill dams.",
        ),
        Story(
            "tram-strike",
            "Port Ellery tram drivers call off Monday strike",
            datetime(2025, 2, 9, 18, 15, tzinfo=UTC),
            (
                "Tram drivers in Port Ellery called off the strike planned for Monday after the "
                "transport company offered a four per cent pay rise and a shorter night rota, the "
                "drivers' union said on Sunday evening.",
                "Members will vote on the offer next week; until then every line runs to the "
                "normal timetable, the company said.",
            ),
            "Port Ellery tram drivers called off Monday's strike after the transport company "
            "offered a four per cent pay rise and a shorter night rota; members vote next week.",
        ),
    )
}


def article_page(story: Story, outlet: str) -> str:
    """The story's web page, with the metadata news sites put in their heads."""
    paragraphs = "\n".join(f"      <p>{html.escape(p)}</p>" for p in story.paragraphs)
    title = html.escape(story.title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} | {html.escape(outlet)}</title>
  <meta property="og:title" content="{title}">
  <meta property="og:site_name" content="{html.escape(outlet)}">
  <meta property="article:published_time" content="{story.published.isoformat()}">
</head>
<body>
  <nav><a href="/">Home</a> <a href="/local">Local</a></nav>
  <main>
    <article>
      <h1>{title}</h1>
{paragraphs}
    </article>
  </main>
  <footer><p>Subscribe now to support local journalism.</p></footer>
</body>
</html>
"""


def rss(title: str, base_url: str, stories: Sequence[Story], guids: bool = True) -> bytes:
    """An RSS 2.0 feed listing `stories` in the given order (newest first, as sites do)."""
    items = []
    for story in stories:
        guid = f'<guid isPermaLink="false">{story.slug}-1</guid>' if guids else ""
        items.append(
            f"<item><title>{html.escape(story.title)}</title>"
            f"<link>{base_url}{story.path}</link>{guid}"
            f"<pubDate>{format_datetime(story.published)}</pubDate>"
            f"<description>{html.escape(f'<p>{story.summary}</p>')}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>{base_url}/</link>"
        f"<description>News</description>{''.join(items)}</channel></rss>"
    ).encode()


def atom(title: str, base_url: str, stories: Sequence[Story]) -> bytes:
    """An Atom 1.0 feed listing `stories` in the given order."""
    entries = []
    for story in stories:
        entries.append(
            f"<entry><title>{html.escape(story.title)}</title>"
            f'<link href="{base_url}{story.path}"/><id>tag:example,2025:{story.slug}</id>'
            f"<updated>{story.published.isoformat()}</updated>"
            f'<content type="html">{html.escape(f"<p>{story.summary}</p>")}</content></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{html.escape(title)}</title><id>tag:example,2025:feed</id>"
        f"<updated>2025-02-10T00:00:00Z</updated>{''.join(entries)}</feed>"
    ).encode()


class FeedSite:
    """A news site on a loopback server: article pages and feeds that can change."""

    def __init__(self, server: LocalServer, outlet: str = "Skarholm Sentinel") -> None:
        self.server = server
        self.outlet = outlet

    def page(self, story: Story) -> str:
        """Serve the story's page; returns its URL."""
        return self.server.add(story.path, article_page(story, self.outlet))

    def publish(self, path: str, body: bytes, content_type: str = "application/rss+xml") -> str:
        """Serve `body` as the feed at `path`, with an ETag and Last-Modified of this version."""
        version = hashlib.sha256(body).hexdigest()[:16]
        self.server.routes[path] = Route(
            body,
            headers={"Content-Type": content_type},
            etag=f'"{version}"',
            last_modified=format_datetime(datetime(2025, 2, 10, tzinfo=UTC), usegmt=True),
        )
        return self.server.url(path)

    def rss(self, path: str, stories: Sequence[Story], pages: bool = True) -> str:
        """Publish an RSS feed of `stories` (and their pages, unless `pages` is False)."""
        if pages:
            for story in stories:
                self.page(story)
        return self.publish(path, rss(self.outlet, self.server.base_url, stories))

    def atom(self, path: str, stories: Sequence[Story]) -> str:
        for story in stories:
            self.page(story)
        return self.publish(
            path, atom(self.outlet, self.server.base_url, stories), "application/atom+xml"
        )

    def conditional_requests(self, path: str) -> list[dict[str, str]]:
        """Headers of the requests for `path` that carried If-None-Match or If-Modified-Since."""
        return [
            headers
            for seen, headers in self.server.request_headers
            if seen == path and ("if-none-match" in headers or "if-modified-since" in headers)
        ]
