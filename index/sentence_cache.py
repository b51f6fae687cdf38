"""Sentence vectors remembered across questions: the `said` signal compares each chat question
with the quoted story's best sentences, and a story asked about again costs no model time."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.embed import Encoder, Vectors
from index.recent import RecentlyUsed

__all__ = ["SentenceVectors"]


class SentenceVectors:
    """`encoder.encode` for sentences, the most recently used `capacity` kept; thread-safe."""

    def __init__(self, encoder: Encoder, capacity: int = 10_000) -> None:
        self.encoder = encoder
        self.capacity = capacity
        self._kept: RecentlyUsed[str, Vectors] = RecentlyUsed(capacity)

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One vector per text, as `encoder.encode` gives it; only unseen texts are encoded."""
        found: dict[str, Vectors] = {}
        for text in texts:
            vector = self._kept.get(text)
            if vector is not None:
                found[text] = vector
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            # Unlocked: another question's sentences need not wait for the model.
            for text, vector in zip(missing, self.encoder.encode(missing), strict=True):
                found[text] = vector
                self._kept.put(text, vector)
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)
