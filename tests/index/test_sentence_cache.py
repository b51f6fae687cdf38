"""Sentence vectors remembered across questions give the model's vectors, encoding each once."""

from __future__ import annotations

import numpy as np

from index.sentence_cache import SentenceVectors
from tests.conftest import NamedEncoder


def test_a_sentence_seen_before_is_not_encoded_again_and_gets_the_same_vector() -> None:
    encoder = NamedEncoder("counting")
    sentences = SentenceVectors(encoder, capacity=3)
    first = sentences.encode(["The ferry leaves at nine.", "Fares are unchanged."])
    assert encoder.encoded == 2
    again = sentences.encode(["Fares are unchanged.", "The bridge opens in May."])
    assert encoder.encoded == 3  # only the new sentence
    np.testing.assert_array_equal(again[0], first[1])
    np.testing.assert_array_equal(
        again, encoder.encode(["Fares are unchanged.", "The bridge opens in May."])
    )
    assert sentences.encode([]).shape == (0, encoder.dim)


def test_the_least_recently_used_sentence_is_forgotten_first() -> None:
    encoder = NamedEncoder("counting")
    sentences = SentenceVectors(encoder, capacity=2)
    sentences.encode(["one sentence here", "two sentences here"])
    sentences.encode(["one sentence here"])  # used again: "two" is now the oldest
    sentences.encode(["three sentences here"])
    before = encoder.encoded
    sentences.encode(["one sentence here"])
    assert encoder.encoded == before
    sentences.encode(["two sentences here"])
    assert encoder.encoded == before + 1
