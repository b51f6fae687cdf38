"""Sentence splitting and chunking keep exact offsets into the article text."""

from __future__ import annotations

import itertools

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
