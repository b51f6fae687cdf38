"""Questions as hostile input: cue reading, question parts, the FTS query and the whole search
never crash, whatever a user types (query syntax, control characters, NULs, huge or RTL text)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from index import ArticleDraft, Engine, HashingEncoder, Settings
from index.cues import named_outlets, named_sources, question_parts, read_cues
from index.lexical import fts_query

OUTLETS = ["The Verge", "TechCrunch", "Fortune", "Cnbc | World Business News Leader", "The Age"]

# Pieces a question may be built from: words, outlet names, dates, FTS5 and regex syntax,
# the cue parser's own placeholder characters, control characters and right-to-left text.
_PIECES = st.sampled_from(
    [
        "What did",
        "the",
        "The Verge",
        "TechCrunch",
        "Fortune's",
        "article from",
        "according to",
        "October 7, 2023",
        "2023-02-30",
        "12:30",
        "latest",
        ",",
        ";",
        "?",
        " while ",
        '"NEAR(',
        "NEAR(a b, 2)",
        "*",
        "AND",
        "OR",
        "NOT",
        "^",
        ":",
        "(",
        ")",
        "{col}",
        "\\",
        "\x00",
        "\x001\x00",
        "\x00-1\x00",
        "\x0099\x00",
        "\x1b[31m",
        "\u202e",
        "\u200f",
        "سلام",
        "שלום",
        "\ud7ff",
        "😀",
    ]
)
QUESTIONS = st.lists(_PIECES | st.text(max_size=10), max_size=25).map(" ".join) | st.text()
LONG = "Did The Verge say \x001\x00 AND NEAR( * " * 300  # ~11,000 characters


@given(QUESTIONS)
@example("What did \x001\x00 say, and \x005\x00 report on the vote?")
@example("a \x000\x00 b, c \x000\x00 d TechCrunch and The Verge")
@example(LONG)
def test_question_parsing_never_crashes(question: str) -> None:
    parts = question_parts(question, OUTLETS)
    assert all("\x00" not in part for part in parts)
    read_cues(question, OUTLETS)
    named_outlets(question, OUTLETS)
    assert all("\x00" not in name for name in named_sources(question, OUTLETS))


def test_a_question_cannot_forge_the_parsers_placeholders() -> None:
    question = (
        "What did \x001\x00 report about layoffs at Acme, "
        "and what did The Verge report about hiring plans?"
    )
    assert question_parts(question, OUTLETS) == [
        "What did 1 report about layoffs at Acme",
        "and what did The Verge report about hiring plans",
    ]


@given(QUESTIONS)
@example(LONG)
def test_the_fts_query_is_always_valid_fts5(question: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'porter unicode61')")
    db.execute("INSERT INTO t VALUES ('the verge reported layoffs')")
    query = fts_query(question)
    if query:
        db.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A small corpus on the fake encoder, shared by every example of the property below."""
    data = Path(tmp_path_factory.mktemp("cues")) / "data"
    with Engine(Settings(data_dir=data), encoder=HashingEncoder()) as engine:
        for number, outlet in enumerate(OUTLETS):
            engine.add_draft(
                ArticleDraft(
                    text=f"{outlet} reported on layoffs at company {number}. "
                    f"The report said hiring would resume in {2020 + number}, "
                    f"and that the company {number} board met on October {number + 1}.",
                    title=f"Layoffs at company {number}",
                    url=f"https://example.org/{number}",
                    outlet=outlet,
                    published_at=datetime(2023, 10, number + 1, tzinfo=UTC),
                )
            )
        yield engine


@settings(max_examples=40)
@given(QUESTIONS)
@example(LONG)
@example("What did \x001\x00 say, and \x005\x00 report on the vote?")
def test_any_question_is_answered_or_declined(corpus: Engine, question: str) -> None:
    answer = corpus.ask(question)
    assert answer.answered or answer.reason
