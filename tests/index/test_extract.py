"""Extraction: headline, outlet, date and clean main text from pages, pasted text and records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.errors import ExtractError, IngestError, InvalidURL
from index.extract import draft_from_record, extract_html, extract_text, parse_date
from tests.conftest import SEED_ARTICLE, require


def test_html_page_gives_metadata_and_main_text_only(fixtures: Path) -> None:
    draft = extract_html(
        (fixtures / "harbour-bridge.html").read_bytes(), "https://courier.example/b"
    )
    assert draft.title == "Port Aldwin council approves new harbour bridge"
    assert draft.outlet == "The Aldwin Courier"
    assert draft.author == "Mara Lindqvist"
    assert draft.published_at is not None and draft.published_at.date().isoformat() == "2025-03-14"
    assert "voted eleven to four" in draft.text
    for junk in ("cookies", "Ferry fares", "monthly donation", "Privacy", "Sport"):
        assert junk not in draft.text


def test_plain_text_copy_uses_headline_and_byline(fixtures: Path) -> None:
    draft = extract_text((fixtures / "vaccine-trial.txt").read_text())
    assert draft.title == "Northvale hospital begins trial of nasal flu vaccine"
    assert draft.outlet == "The Northvale Gazette"
    assert draft.published_at == datetime(2025, 1, 20, 8, 15, tzinfo=UTC)
    assert draft.text.startswith("Doctors at Northvale General Hospital")
    assert draft.text.endswith("the hospital said.")
    for junk in ("Health", "Dear readers", "donation", "Continue", "Remind me later", "By The"):
        assert junk not in draft.text


def test_seed_article_loses_its_donation_appeal_and_navigation() -> None:
    draft = extract_text(require(SEED_ARTICLE).read_text())
    assert draft.title.startswith("Biden Authorizes Ukraine to Use Long-Range U.S. Missiles")
    assert draft.outlet == "The Moscow Times"
    assert draft.published_at is not None and draft.published_at.date().isoformat() == "2024-11-17"
    assert "authorized Ukraine to use U.S.-made long-range weapons" in draft.text
    for junk in ("undesirable", "Dear readers", "Remind me later", "Read Entire Article", "Truth"):
        assert junk not in draft.text


def test_given_metadata_wins_over_the_text() -> None:
    text = "A long enough paragraph " * 5
    draft = extract_text(text, title="Given", outlet="Channel", url="https://t.me/c/1")
    assert (draft.title, draft.outlet, draft.url) == ("Given", "Channel", "https://t.me/c/1")
    assert draft.text.startswith("A long enough")


@pytest.mark.parametrize(
    "content", ["", "   ", "Too short to be news.", "<html><body><nav>Home</nav></body></html>"]
)
def test_empty_or_tiny_input_is_refused(content: str) -> None:
    with pytest.raises(ExtractError):
        extract_html(content) if content.startswith("<") else extract_text(content)


def test_record_keeps_its_text_verbatim() -> None:
    body = "  First line of the story, with  double spaces kept.\nSecond line " + "word " * 30
    draft = draft_from_record(
        {
            "body": body,
            "title": "T",
            "source": "Outlet",
            "published_at": "2023-10-01T14:00:29+00:00",
        }
    )
    assert draft.text == body.strip()
    assert draft.outlet == "Outlet"
    assert draft.published_at == datetime(2023, 10, 1, 14, 0, 29, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2023-02-30",  # no such day
        "2023-02-30T10:00:00",
        "2023-13-01",
        "0000-01-01",  # year 0
        "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-05:00",  # after year 9999 in UTC
        "yesterday",
        pytest.param(10**5000, id="a-5000-digit-number"),
    ],
)
def test_an_impossible_or_unreadable_date_is_no_date(value: object) -> None:
    assert parse_date(value) is None


def test_a_record_with_an_impossible_date_is_kept_undated() -> None:
    draft = draft_from_record(
        {"title": "T", "text": " ".join(["word"] * 30), "published_at": "2023-02-30"}
    )
    assert draft.published_at is None and draft.text.startswith("word")


def test_a_record_with_a_malformed_link_is_refused_with_its_reason() -> None:
    with pytest.raises(InvalidURL, match="99x"):
        draft_from_record({"url": "https://example.com:99x/", "text": " ".join(["w"] * 30)})


# -- properties: whatever comes in, extraction gives a draft or one of the project's errors ------

_JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
_DATE_TEXT = st.from_regex(
    r"-?\d{1,5}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{1,2}(:\d{1,2})?(Z|[+-]\d{2}:\d{2})?)?",
    fullmatch=True,
)
_ZONES = st.builds(
    timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))
)
_DATES = (
    _DATE_TEXT
    | st.text(max_size=30)
    | st.datetimes(timezones=st.none() | _ZONES)
    | st.integers()
    | _JSON
)
_WORDS = st.lists(
    st.sampled_from(["The", "council", "voted", "eleven", "to", "four.", "Ferry", "“", "\n\n"])
    | st.text(max_size=12),
    max_size=80,
).map(" ".join)
_LINKS = st.sampled_from(
    ["https://news.example/a", "https://example.com:99x/", "http://[::1", "ftp://x", "", "  "]
) | st.text(max_size=30)


@given(_DATES)
def test_any_date_value_is_an_aware_utc_datetime_or_none(value: object) -> None:
    parsed = parse_date(value)
    assert parsed is None or parsed.utcoffset() == timedelta(0)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "url": _LINKS | _JSON,
            "title": _JSON,
            "text": _WORDS | _JSON,
            "body": _WORDS,
            "outlet": _JSON,
            "source": _JSON,
            "author": _JSON,
            "published_at": _DATES,
            "date": _DATES,
        },
    )
)
def test_any_record_is_a_draft_or_an_ingest_error(record: dict[str, Any]) -> None:
    try:
        draft = draft_from_record(record)
    except IngestError:
        return
    assert len(draft.text.split()) >= 20 and isinstance(draft.title, str)


@given(_WORDS | st.text())
def test_any_pasted_text_is_a_draft_or_an_extract_error(text: str) -> None:
    try:
        draft = extract_text(text)
    except ExtractError:
        return
    assert draft.text and draft.title is not None


_TAGS = st.sampled_from(
    [
        "<html>",
        "<head>",
        "<title>",
        "</title>",
        '<meta charset="x-bogus">',
        '<meta property="article:published_time" content="2023-02-30">',
        '<meta name="date" content="0000-00-00">',
        "<body>",
        "<article>",
        "<p>",
        "</p>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "<![CDATA[",
        "&amp;",
        "&#0;",
        "&#xD800;",
        "<",
        ">",
        "\x00",
    ]
)


@settings(max_examples=25)
@given(st.lists(_TAGS | _WORDS, max_size=30).map("".join), st.booleans())
def test_any_html_is_a_draft_or_an_extract_error(html: str, as_bytes: bool) -> None:
    try:
        draft = extract_html(html.encode("utf-8", "surrogatepass") if as_bytes else html)
    except ExtractError:
        return
    assert draft.text.strip()
