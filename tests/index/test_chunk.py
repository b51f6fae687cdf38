"""Sentence splitting and chunking keep exact offsets into the article text."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import Engine, HashingEncoder, IngestError, Settings
from index.chunk import chunk_spans, sentence_spans

TEXT = (
    "U.S. President Joe Biden spoke on Sunday. Mr. Smith, a former official, disagreed! "
    "Did it matter? Officials said J. R. Lee would lead the talks.\n\n"
    "A new paragraph starts here without a full stop\n\nAnd another one."
)


def test_sentences_split_at_terminal_punctuation_but_not_abbreviations() -> None:
    sentences = [TEXT[s.start : s.end] for s in sentence_spans(TEXT)]
    assert sentences == [
        "U.S. President Joe Biden spoke on Sunday.",
        "Mr. Smith, a former official, disagreed!",
        "Did it matter?",
        "Officials said J. R. Lee would lead the talks.",
        "A new paragraph starts here without a full stop",
        "And another one.",
    ]


def test_sentence_followed_by_lowercase_is_not_split() -> None:
    text = "He said the figure was approx. ten percent. The vote is due on Friday."
    assert [text[s.start : s.end] for s in sentence_spans(text)] == [
        "He said the figure was approx. ten percent.",
        "The vote is due on Friday.",
    ]
    assert len(sentence_spans("See fig. 3 and the table. it continues in lower case.")) == 1


def test_chunks_are_exact_slices_near_the_target_size_with_overlap() -> None:
    sentence = "The council voted on the harbour bridge project again today. "
    text = "".join(f"{sentence[:-2]} number {i}. " for i in range(60)).strip()
    spans = chunk_spans(text, target_words=50, overlap_sentences=1)
    assert len(spans) > 5
    for span in spans:
        chunk = text[span.start : span.end]
        assert chunk == chunk.strip() and chunk.endswith(".")
        assert len(chunk.split()) <= 50
    # Each chunk begins with the last sentence of the one before it.
    for previous, current in itertools.pairwise(spans):
        assert previous.start < current.start < previous.end
    assert spans[0].start == 0 and spans[-1].end == len(text)


def test_a_sentence_longer_than_the_target_is_its_own_chunk() -> None:
    text = "Short one. " + " ".join(["word"] * 300) + ". Short two."
    spans = chunk_spans(text, target_words=50)
    assert any(len(text[s.start : s.end].split()) > 50 for s in spans)
    assert spans[-1].end == len(text)


def test_empty_text_has_no_chunks() -> None:
    assert chunk_spans("   \n\n ") == []


# -- properties: any text chunks without error, and every offset slices to its chunk ----------

_PROSE = st.lists(
    st.sampled_from("Mr. U.S. J. said it rained . ! ? … ” ’ ) ] A b 😀 שלום".split())
    | st.sampled_from(["\n", "\n\n", " \n \n ", "\t", "\u00a0", "\u2028", "\r\n"])
    | st.text(max_size=12),
    max_size=120,
).map(lambda words: " ".join(words))


@given(_PROSE | st.text(), st.integers(1, 60), st.integers(0, 3))
def test_any_text_chunks_into_trimmed_in_bounds_spans(
    text: str, target_words: int, overlap: int
) -> None:
    spans = chunk_spans(text, target_words=target_words, overlap_sentences=overlap)
    sentences = sentence_spans(text)
    for span in [*spans, *sentences]:
        assert 0 <= span.start < span.end <= len(text)
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    if sentences:  # every sentence is in some chunk
        assert spans[0].start == sentences[0].start and spans[-1].end == sentences[-1].end


_WORD = st.sampled_from("Mr. U.S. J. said the council “voted” rained (late) ok 😀 שלום".split())
_SENTENCE = st.builds(
    lambda words, end, gap: " ".join(words) + end + gap,
    st.lists(_WORD | st.text(min_size=1, max_size=8), min_size=4, max_size=15),
    st.sampled_from([".", "!", "?", "…", ".”", "?)", ""]),
    st.sampled_from([" ", "  ", "\n", "\n\n", " \n \n ", "\u00a0", "\r\n", "\t"]),
)
_ARTICLE = st.lists(_SENTENCE, min_size=6, max_size=60).map("".join)


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    data = Path(tmp_path_factory.mktemp("chunks")) / "data"
    with Engine(Settings(data_dir=data), encoder=HashingEncoder()) as engine:
        yield engine


@settings(max_examples=30)
@given(_ARTICLE)
def test_stored_chunk_offsets_slice_the_article_to_the_chunk_text(
    shared_engine: Engine, text: str
) -> None:
    try:
        article = shared_engine.add_text(text, title="Property")
    except IngestError:  # too short, or a duplicate of an earlier example
        return
    stored = shared_engine.get_article(article.id).text
    ids = [i for i in shared_engine.store.chunk_ids()]
    chunks = [c for c in shared_engine.store.get_chunks(ids).values() if c.article_id == article.id]
    assert chunks
    for chunk in chunks:
        assert stored[chunk.start : chunk.end] == chunk.text
