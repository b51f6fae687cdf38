"""The FAISS vector index: exact and approximate kinds, removal, saving and loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embed import Vectors
from index.vectors import VectorIndex


def _unit_vectors(count: int, dim: int = 32, seed: int = 0) -> Vectors:
    """Vectors around 40 topics, as sentence embeddings cluster (uniform noise would not)."""
    rng = np.random.default_rng(seed)
    topics = np.random.default_rng(1234).normal(size=(40, dim))
    vectors = (topics[rng.integers(0, 40, count)] + 0.35 * rng.normal(size=(count, dim))).astype(
        np.float32
    )
    normalised: Vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return normalised


def test_exact_index_finds_each_vector_itself_first() -> None:
    vectors = _unit_vectors(50)
    index = VectorIndex.build(32, [(list(range(100, 150)), vectors)])
    assert index.kind == "exact"
    assert len(index) == 50
    for row in (0, 17, 49):
        best_id, score = index.search(vectors[row], 3)[0]
        assert best_id == 100 + row
        assert score == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("approximate_from", [10**9, 500])
def test_removed_ids_are_never_returned(approximate_from: int) -> None:
    vectors = _unit_vectors(1000)
    index = VectorIndex.build(32, [(list(range(1000)), vectors)], approximate_from)
    assert index.kind == ("exact" if approximate_from > 1000 else "ivf")
    assert index.remove([5, 6, 7]) == 3
    assert len(index) == 997
    assert {5, 6, 7}.isdisjoint(index.ids())
    found = {i for i, _ in index.search(vectors[5], 50)}
    assert 5 not in found


def test_approximate_index_agrees_with_exact_search_on_most_neighbours() -> None:
    vectors = _unit_vectors(3000, seed=1)
    ids = list(range(3000))
    exact = VectorIndex.build(32, [(ids, vectors)])
    approximate = VectorIndex.build(32, [(ids, vectors)], approximate_from=1000)
    assert approximate.kind == "ivf"
    queries = _unit_vectors(20, seed=2)
    overlap = []
    for query in queries:
        truth = {i for i, _ in exact.search(query, 10)}
        got = {i for i, _ in approximate.search(query, 10)}
        overlap.append(len(truth & got) / 10)
    # IVF probing 16 of ~219 lists is not exact, but it must find nearly all true neighbours.
    assert float(np.mean(overlap)) >= 0.9


@pytest.mark.parametrize("approximate_from", [10**9, 500])
def test_saved_index_loads_with_the_same_ids_and_kind(
    tmp_path: Path, approximate_from: int
) -> None:
    vectors = _unit_vectors(800)
    index = VectorIndex.build(32, [(list(range(800)), vectors)], approximate_from)
    index.add([9000], _unit_vectors(1, seed=9))
    path = tmp_path / "vectors.faiss"
    index.save(path)
    loaded = VectorIndex.load(path)
    assert loaded.kind == index.kind
    assert loaded.dim == 32
    assert loaded.ids() == set(range(800)) | {9000}
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.faiss"]  # no temporary left


def test_nearest_gives_one_neighbour_per_row_and_a_marker_when_empty() -> None:
    empty = VectorIndex(32)
    assert empty.nearest(_unit_vectors(2)) == [(-1, 0.0), (-1, 0.0)]
    vectors = _unit_vectors(10)
    index = VectorIndex.build(32, [(list(range(10)), vectors)])
    assert [i for i, _ in index.nearest(vectors[[3, 8]])] == [3, 8]
