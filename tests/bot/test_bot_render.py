"""Rendering answers and admin views to Telegram HTML: escaping, grouping, dates, splitting."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from bot.render import (
    MESSAGE_LIMIT,
    attribution,
    format_date,
    render_answer,
    render_decline,
    telegram_length,
)
from bot.render_admin import (
    pack_lines,
    render_article_list,
    render_ingest,
    render_problem,
    render_removed,
    render_stats,
)
from index import Answer, Article, Chunk, Holdings, IngestOutcome, Passage, Quote, Stage, Stats
from tests.support.telegram_html import html_problem, visible_text

NOV_17 = datetime(2024, 11, 17, 9, 30, tzinfo=UTC)


def article(
    article_id: int = 1,
    *,
    title: str = "Council approves tidal barrier",
    url: str | None = "https://harbor.example/barrier",
    outlet: str | None = "Harbor Daily",
    published_at: datetime | None = NOV_17,
    text: str = "",
) -> Article:
    return Article(
        id=article_id,
        title=title,
        url=url,
        outlet=outlet,
        author=None,
        published_at=published_at,
        added_at=NOV_17,
        text=text,
        chunk_count=3,
    )


def quote(source: Article, text: str) -> Quote:
    start = source.text.find(text)
    return Quote(text, source, max(start, 0), max(start, 0) + len(text))


def answer(*quotes: Quote) -> Answer:
    return Answer("a question?", True, quotes=list(quotes), confidence=1.0)


def blockquotes(message: str) -> list[str]:
    return re.findall(r"<blockquote>(.*?)</blockquote>", message, re.S)


def test_a_quote_is_blockquoted_verbatim_escaped_and_attributed() -> None:
    source = article(
        title="Rates <rise> & “fall”",
        url="https://harbor.example/story?id=1&lang=en",
        outlet="Smith & Sons <News>",
        text="Inflation fell to 2% <below> target & stayed there.",
    )
    (message,) = render_answer(answer(quote(source, source.text)))

    assert html_problem(message) is None
    assert message == (
        "<blockquote>Inflation fell to 2% &lt;below&gt; target &amp; stayed there.</blockquote>\n"
        "— <b>Smith &amp; Sons &lt;News&gt;</b>: "
        '<a href="https://harbor.example/story?id=1&amp;lang=en">Rates &lt;rise&gt; &amp; '
        "“fall”</a>, 17 November 2024"
    )
    assert visible_text(message).startswith(source.text)


def test_quotes_of_one_article_are_grouped_under_one_attribution() -> None:
    first = article(1, text="One. Two is here. Three.")
    second = article(2, title="Ferry news", url="https://coast.example/ferry", text="Ferry runs.")
    (message,) = render_answer(
        answer(quote(first, "One."), quote(second, "Ferry runs."), quote(first, "Three."))
    )
    assert blockquotes(message) == ["One.", "Three.", "Ferry runs."]
    assert message.count("— ") == 2
    first_group, second_group = message.split("\n\n")
    assert first_group.endswith("Council approves tidal barrier</a>, 17 November 2024")
    assert "Ferry news" in second_group


def test_attribution_leaves_out_what_is_unknown() -> None:
    assert attribution(article(url=None)) == (
        "— <b>Harbor Daily</b>: Council approves tidal barrier, 17 November 2024"
    )
    # Without a publication date, the day it was added stands in, marked as such.
    assert attribution(article(outlet=None, published_at=None)) == (
        '— <b>harbor.example</b>: <a href="https://harbor.example/barrier">'
        "Council approves tidal barrier</a>, added 17 November 2024"
    )
    assert attribution(article(outlet=None, url=None, published_at=None)) == (
        "— Council approves tidal barrier, added 17 November 2024"
    )


def test_only_web_links_become_links() -> None:
    for url in ("javascript:alert(1)", "tg://resolve?domain=x", "https://", "http://a b.com"):
        assert "<a " not in attribution(article(url=url)), url


def test_dates_read_like_a_newspaper() -> None:
    assert format_date(NOV_17) == "17 November 2024"
    assert format_date(datetime(2025, 1, 3)) == "3 January 2025"
    assert format_date(None) == ""


def test_a_long_answer_is_split_between_groups_within_the_limit() -> None:
    sentence = "The harbour pilots warned the port authority about the silted channel. "
    sources = [
        article(n, url=f"https://harbor.example/{n}", text=sentence * 32) for n in range(1, 4)
    ]
    # About 2,200 characters each: no two fit in one message.
    quotes = [quote(source, (sentence * 30).strip()) for source in sources]
    messages = render_answer(answer(*quotes))

    assert len(messages) == 3
    for message in messages:
        assert telegram_length(message) <= MESSAGE_LIMIT
        assert html_problem(message) is None
        assert message.startswith("<blockquote>")
        assert message.splitlines()[-1].startswith("— <b>Harbor Daily</b>")
    assert [q for m in messages for q in blockquotes(m)] == [q.text for q in quotes]


def test_quotes_that_fit_together_share_a_message() -> None:
    sources = [article(n, url=f"https://harbor.example/{n}", text="Short fact.") for n in (1, 2)]
    assert len(render_answer(answer(*(quote(s, "Short fact.") for s in sources)))) == 1


def test_a_group_too_long_for_one_message_repeats_its_attribution() -> None:
    text = ("A long sentence about the barrier and its cost to the city. " * 40).strip()
    source = article(text=text + " " + text)
    messages = render_answer(answer(quote(source, text), quote(source, text)))
    assert len(messages) == 2
    for message in messages:
        assert blockquotes(message) == [text]
        assert message.endswith(attribution(source))
        assert html_problem(message) is None


def test_an_overlong_quote_is_cut_after_a_sentence_with_an_ellipsis() -> None:
    text = " ".join(f"Sentence number {n} says the barrier & dam <cost> more." for n in range(200))
    (message,) = render_answer(answer(quote(article(text=text), text)))

    assert telegram_length(message) <= MESSAGE_LIMIT
    assert html_problem(message) is None
    (shown,) = blockquotes(message)
    plain = visible_text(shown)
    assert plain.endswith("more. …")
    assert text.startswith(plain.removesuffix(" …"))


def test_an_overlong_quote_without_sentences_is_cut_between_words() -> None:
    text = " ".join(f"word{n}" for n in range(2000))
    (message,) = render_answer(answer(quote(article(text=text), text)))
    (shown,) = blockquotes(message)
    assert telegram_length(message) <= MESSAGE_LIMIT
    assert shown.endswith("…")
    assert text.startswith(shown.removesuffix("…"))
    assert text[len(shown) - 1] == " "  # the cut fell between two words


def test_the_limit_counts_what_telegram_counts() -> None:
    # Astral characters such as emoji are two UTF-16 units each.
    text = "🌊" * 3000
    (message,) = render_answer(answer(quote(article(text=text), text)))
    assert len(message.encode("utf-16-le")) // 2 <= MESSAGE_LIMIT
    assert html_problem(message) is None


def test_a_decline_says_what_is_held_and_names_close_stories_only() -> None:
    nearby = [article(n, title=f"Headline {n}", url=f"https://harbor.example/{n}") for n in (1, 2)]
    passages = [
        Passage(Chunk(n, a.id, 0, 0, 5, "text"), a, score=1.0 / n)
        for n, a in enumerate(nearby + nearby, start=1)
    ]
    holdings = Holdings(609, datetime(2023, 9, 26, tzinfo=UTC), datetime(2023, 12, 25, tzinfo=UTC))
    far = Answer("who won?", False, passages=passages, reason="My sources don't cover that.")
    (message,) = render_answer(replace(far, holdings=holdings))
    assert message == (
        "My sources don't cover that. I have 609 articles, from 26 September 2023 to "
        "25 December 2023."
    )
    declined = replace(far, suggestions=tuple(nearby))
    (message,) = render_answer(declined)
    lines = message.splitlines()
    assert lines[0] == "My sources don't cover that."
    assert lines[2] == "The closest stories I have:"
    assert lines[3:] == [
        '• <a href="https://harbor.example/1">Headline 1</a> (Harbor Daily, 17 November 2024)',
        '• <a href="https://harbor.example/2">Headline 2</a> (Harbor Daily, 17 November 2024)',
    ]
    empty = Answer("who won?", False, reason="My sources have nothing yet.")
    assert render_decline(empty) == "My sources have nothing yet."


def test_the_article_list_numbers_each_article() -> None:
    listing = render_article_list([article(7), article(6, title="A & B")], offset=0, total=12)
    assert html_problem(listing) is None
    assert listing.splitlines()[0] == "<b>Articles 1\N{EN DASH}2 of 12</b>, newest first:"
    assert listing.splitlines()[2].startswith("<code>6</code> <a href=")
    assert "A &amp; B" in listing
    assert "3 passages" in listing
    assert "No articles yet" in render_article_list([], offset=0, total=0)


def test_stats_show_counts_and_sizes() -> None:
    text = render_stats(Stats(1234, 56789, 56789, "flat", 87_654_321, 1536, NOV_17))
    assert html_problem(text) is None
    assert "Articles: 1,234" in text
    assert "Passages: 56,789" in text
    assert "83.6 MB" in text and "1.5 KB" in text
    assert "Newest article: 17 November 2024" in text


def test_ingest_progress_reads_as_one_line_per_source() -> None:
    added = IngestOutcome("https://harbor.example/barrier", Stage.ADDED, article=article(9))
    failed = IngestOutcome("https://x.example/<a>").at(Stage.FAILED, "The site answered HTTP 404.")
    waiting = IngestOutcome("https://y.example/z")
    text = render_ingest([added, failed, waiting])
    assert html_problem(text) is None
    assert visible_text(text).splitlines() == [
        "Adding 3 links (2 done):",
        "1. ✅ Indexed 3 passages: Council approves tidal barrier (Harbor Daily, 17 November 2024)"
        " (article 9)",
        "2. ❌ Could not add https://x.example/<a>: The site answered HTTP 404.",
        "3. · Waiting: https://y.example/z",
    ]
    assert (
        render_ingest([IngestOutcome("pasted text", Stage.INDEXING)]) == "⏳ Indexing pasted text…"
    )


def test_a_page_of_long_emoji_titles_still_fits_one_telegram_message() -> None:
    # Emoji are two UTF-16 units each: ten 300-emoji titles rendered past 4,096 before.
    page = [
        article(n, title="🔥" * 300, outlet="📰" * 100, url=f"https://x.example/{'a' * 900}{n}")
        for n in range(10)
    ]
    text = render_article_list(page, 0, 100)
    assert html_problem(text) is None
    assert telegram_length(visible_text(text)) <= MESSAGE_LIMIT
    assert all(f"<code>{n}</code>" in text for n in range(10))


def test_many_removals_with_long_titles_are_packed_into_messages_that_fit() -> None:
    lines = [render_removed(article(n, title="🔥" * 300, outlet="📰" * 100)) for n in range(20)]
    lines.append(render_problem("There is no article '" + "x" * 5000 + "'."))
    messages = pack_lines(lines)
    assert len(messages) > 1
    for text in messages:
        assert html_problem(text) is None
        assert telegram_length(visible_text(text)) <= MESSAGE_LIMIT
    assert sum(text.count("Removed article") for text in messages) == 20


def test_links_are_shown_without_tracking_parameters() -> None:
    tracked = article(url="https://harbor.example/barrier?utm_source=rss&id=7&src=rss#part")
    message = attribution(tracked)
    assert 'href="https://harbor.example/barrier?id=7#part"' in message


def test_parts_the_sources_do_not_cover_are_named_after_the_quotes() -> None:
    source = article(text="The council approved the barrier on Saturday.")
    answered = replace(
        answer(quote(source, "The council approved the barrier on Saturday.")),
        uncovered=("what did the mayor say about <taxes>",),
    )
    (message,) = render_answer(answered)
    assert message.endswith("My sources don't cover “what did the mayor say about &lt;taxes&gt;”.")
    assert html_problem(message) is None
