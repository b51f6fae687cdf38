"""Fictional news pages for the end-to-end tests, served by the shared loopback test server.

Holding a response lets a test keep an ingest in its "fetching" stage for as long as it likes.
"""

from __future__ import annotations

import threading

from tests.support.web import LocalServer, Route

__all__ = ["ARTICLE_HTML", "FERRY_HTML", "ArticleServer", "Page"]

# A fictional article, written for these tests.
ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Port Ellery council approves tidal barrier after decade of floods | Harbor Daily</title>
  <meta property="og:title"
        content="Port Ellery council approves tidal barrier after decade of floods">
  <meta property="og:site_name" content="Harbor Daily">
  <meta property="og:type" content="article">
  <meta property="article:published_time" content="2024-11-17T09:30:00+00:00">
  <meta name="author" content="Mara Lindqvist">
</head>
<body>
  <header>
    <nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav>
  </header>
  <main>
    <article>
      <h1>Port Ellery council approves tidal barrier after decade of floods</h1>
      <p class="byline">By Mara Lindqvist, 17 November 2024</p>
      <p>The Port Ellery city council voted nine to two on Saturday to build a movable tidal
      barrier across the mouth of the Sable River, ending a decade of debate over how to protect
      the old harbour district from winter storm surges.</p>
      <p>The barrier will cost an estimated 240 million crowns and is due to be finished in 2029,
      according to the council's engineering office. Construction is scheduled to begin next
      spring once the regional environment agency signs off on the dredging plan.</p>
      <p>Mayor Ilse Brandt said the vote was the most important decision the council had taken in
      a generation. "Every winter we have watched the water come over the quay and into people's
      kitchens, and today we finally said enough," Brandt told reporters outside the town hall.</p>
      <p>The two councillors who voted against the plan, both from the Green Coast party, argued
      that the barrier would harm the river's salmon run and that the money would be better spent
      on raising homes and restoring the salt marshes north of the city.</p>
      <p>Flooding has forced the evacuation of the harbour district four times since 2014, most
      recently in January, when a storm surge of 2.1 metres damaged more than three hundred
      buildings and closed the ferry terminal for eleven days.</p>
      <p>Fishermen's association chair Tomas Reuter welcomed the decision but asked the council
      to keep a shipping lane open while the barrier is built, so that the fleet can still reach
      the fish market during the herring season.</p>
    </article>
  </main>
  <aside><h2>Most read</h2><ul><li><a href="/a">Ferry prices rise again</a></li></ul></aside>
  <footer><p>Subscribe now to support local journalism.</p></footer>
</body>
</html>
"""


# A second, unrelated fictional article.
FERRY_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Northline Ferries adds a night crossing to Skarholm</title>
  <meta property="og:title" content="Northline Ferries adds a night crossing to Skarholm">
  <meta property="og:site_name" content="Coastal Courier">
  <meta property="article:published_time" content="2025-01-08T07:00:00+00:00">
</head>
<body>
  <article>
    <h1>Northline Ferries adds a night crossing to Skarholm</h1>
    <p>Northline Ferries will run a night crossing between Port Ellery and the island of
    Skarholm from the first of March, the company announced on Wednesday, after islanders
    collected more than four thousand signatures asking for a late connection.</p>
    <p>The new departure leaves the mainland at 23:40 and takes ninety minutes. Chief executive
    Rasmus Oyen said the crossing would use the smaller vessel Kestrel, which carries up to
    three hundred passengers and sixty cars.</p>
    <p>Night workers at the Skarholm fish processing plant said the late ferry would let them
    live on the mainland without paying for rooms on the island during the week.</p>
  </article>
</body>
</html>
"""


def Page(
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: int = 200,
    gate: threading.Event | None = None,
) -> Route:
    """What one path answers; a `gate` holds the response until the test sets it."""
    return Route(body, status, {"Content-Type": content_type}, gate)


# The shared loopback test server, under the name these tests use for it.
ArticleServer = LocalServer
