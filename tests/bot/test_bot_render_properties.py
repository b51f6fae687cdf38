"""Whatever articles, quotes and outlets hold, every rendered message is HTML Telegram accepts,
within 4096 characters as Telegram counts them (UTF-16 code units of the visible text)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import (
    render_answer,
    render_decline,
)
from bot.render_admin import (
    render_article_list,
    render_ingest,
    render_removed,
)
from index import Answer, Article, Chunk, IngestOutcome, Passage, Quote, Stage
from tests.support.telegram_html import html_problem

# Text that tries hard: markup, entities, astral characters (two UTF-16 units each), RTL marks.
_NASTY = st.sampled_from(
    [
        *("<b>", "</blockquote>", "<a href='x'>", "&amp;", "&", "&lt;", "<", ">", '"', "'"),
        *("😀", "𝕏", "\u202e", "שלום", "\u00a0", "\n", "\n\n", ". ", "… ", "”", "\x00", "\t"),
    ]
)
_SHORT = st.lists(_NASTY | st.text(max_size=10), max_size=20).map("".join)
# Long text without generating thousands of characters one by one.
_LONG = st.builds(lambda piece, times: piece * times, _SHORT, st.integers(1, 400))
_URLS = (
    st.none()
    | st.sampled_from(
        [
            "https://news.example/a?b=1&c=<2>",
            'https://news.example/"quoted"',
            "javascript:alert(1)",
            "https://example.com:99x/",
            "http://[::1",
            "https://news.example/" + "x" * 1200,
            "",
        ]
    )
    | st.text(max_size=30)
)
_DATES = st.none() | st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
)


@st.composite
def articles(draw: st.DrawFn, article_id: int) -> Article:
    return Article(
        id=article_id,
        title=draw(_SHORT | _LONG),
        url=draw(_URLS),
        outlet=draw(st.none() | _SHORT | _LONG),
        author=None,
        published_at=draw(_DATES),
        added_at=datetime(2024, 1, 1, tzinfo=UTC),
        text=draw(_SHORT | _LONG),
        chunk_count=draw(st.integers(0, 10**6)),
    )


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    sources = [draw(articles(article_id)) for article_id in range(1, draw(st.integers(1, 4)) + 1)]
    quotes = []
    for _ in range(draw(st.integers(0, 8))):
        source = draw(st.sampled_from(sources))
        start = draw(st.integers(0, len(source.text)))
        end = draw(st.integers(start, len(source.text)))
        quotes.append(Quote(source.text[start:end], source, start, end))
    passages = [
        Passage(Chunk(n, s.id, 0, 0, len(s.text), s.text), s, 1.0 / n)
        for n, s in enumerate(sources, start=1)
    ]
    return Answer(
        question=draw(_SHORT),
        answered=draw(st.booleans()),
        quotes=quotes,
        passages=passages,
        reason=draw(_SHORT | _LONG),
    )


def assert_valid(message: str) -> None:
    problem = html_problem(message)
    assert problem is None, f"{problem}: {message[:300]!r}"


@settings(max_examples=60)
@given(answers())
def test_every_answer_message_is_valid_telegram_html(answer: Answer) -> None:
    messages = render_answer(answer)
    assert messages
    for message in messages:
        assert_valid(message)


@given(answers())
def test_every_decline_is_valid_telegram_html(answer: Answer) -> None:
    assert_valid(render_decline(answer))


@given(
    st.lists(st.integers(1, 10**9), min_size=1, max_size=10, unique=True).flatmap(
        lambda ids: st.tuples(*(articles(i) for i in ids))
    )
)
def test_article_lists_and_removals_are_valid_telegram_html(listed: tuple[Article, ...]) -> None:
    assert_valid(render_article_list(list(listed), 0, len(listed)))
    for article in listed:
        assert_valid(render_removed(article))


@given(
    st.lists(
        st.builds(
            IngestOutcome,
            source=_SHORT | _LONG | _URLS.map(str),
            stage=st.sampled_from(
                [Stage.WAITING, Stage.FETCHING, Stage.EXTRACTING, Stage.INDEXING, Stage.FAILED]
            ),
            message=_SHORT | _LONG,
        ),
        min_size=1,
        max_size=20,
    ),
    articles(7),
)
def test_ingest_progress_is_valid_telegram_html(
    statuses: list[IngestOutcome], added: Article
) -> None:
    statuses.append(IngestOutcome("https://a.example/", Stage.ADDED, added))
    statuses.append(IngestOutcome("https://a.example/", Stage.DUPLICATE, message="Already have."))
    assert_valid(render_ingest(statuses))
