"""Extraction: headline, outlet, date and clean main text from pages, pasted text and records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.errors import ExtractError
from index.extract import draft_from_record, extract_html, extract_text
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
