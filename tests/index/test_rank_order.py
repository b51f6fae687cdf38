"""Quote candidates rank the same way in every process: Python salts the hashes of words
differently in each, so a set of words comes in another order each time, and the ranking must
not depend on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Ranks sentences sharing many of the question's words in other mixes, and prints the scores
# exactly.
_RANKING = """
from datetime import UTC, datetime
from index.models import Article, Chunk, Passage
from index.quotes import candidate_sentences, rank
words = ("harbour bridge council ferry tolls mayor ruiz vote approval budget engineers "
         "commuters suburbs crossing steel cables pylons tender contract delays").split()
sentences = [" ".join(w for j, w in enumerate(words) if (j * 7 + i) % (i + 3) != 0)
             for i in range(12)]
texts = [". ".join(s.capitalize() for s in sentences[:6]) + ".",
         ". ".join(s.capitalize() for s in sentences[6:]) + "."]
when = datetime(2024, 11, 17, tzinfo=UTC)
passages = []
for n, text in enumerate(texts, start=1):
    url = f"https://example.org/{n}"
    article = Article(n, f"Story {n}", url, "Gazette", None, when, when, text)
    passages.append(Passage(Chunk(n, n, 0, 0, len(text), text), article, 1.0, dense=0.5))
wanted = frozenset(words) | {"oats", "tidal", "quay"}
for score, candidate in rank(wanted, candidate_sentences(passages)):
    print(repr(score), candidate.article.id, candidate.span.start)
"""


def _ranking(hash_seed: int) -> str:
    root = Path(__file__).resolve().parents[2]
    environment = {**os.environ, "PYTHONHASHSEED": str(hash_seed), "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", _RANKING],
        capture_output=True,
        text=True,
        env=environment,
        cwd=root,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_candidates_rank_the_same_whatever_order_a_set_of_words_comes_in() -> None:
    rankings = {_ranking(seed) for seed in range(6)}
    assert len(rankings) == 1
    assert len(next(iter(rankings)).splitlines()) == 10  # two of the twelve repeat others
