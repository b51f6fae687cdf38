"""The FAISS vector index: exact and approximate (HNSW) kinds, removal, saving and loading."""

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
    assert index.kind == ("exact" if approximate_from > 1000 else "hnsw")
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
    assert approximate.kind == "hnsw"
    queries = _unit_vectors(20, seed=2)
    overlap = []
    for query in queries:
        truth = {i for i, _ in exact.search(query, 10)}
        got = {i for i, _ in approximate.search(query, 10)}
        overlap.append(len(truth & got) / 10)
    # A graph search is not exact, but it must find nearly all true neighbours.
    assert float(np.mean(overlap)) >= 0.95


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


def _hnsw(count: int) -> tuple[VectorIndex, Vectors]:
    vectors = _unit_vectors(count)
    return VectorIndex.build(32, [(list(range(count)), vectors)], approximate_from=1), vectors


def test_a_removed_id_added_again_answers_with_its_new_vector_only() -> None:
    index, vectors = _hnsw(600)
    index.remove([7])
    assert index.dead == 1
    replacement = _unit_vectors(1, seed=77)
    index.add([7], replacement)
    assert len(index) == 600 and 7 in index.ids()
    assert index.search(replacement[0], 1)[0][0] == 7
    # The old vector's position stays dead: searching near it finds its neighbours, not id 7.
    assert 7 not in {i for i, _ in index.search(vectors[7], 5)}
    # Adding an id that is live replaces its vector too (an article's re-embedded passage).
    index.add([8], _unit_vectors(1, seed=88))
    assert len(index) == 600 and index.dead == 2


def test_removals_on_hnsw_are_undone_by_neither_save_nor_load_of_a_re_added_id(
    tmp_path: Path,
) -> None:
    index, _ = _hnsw(300)
    newer = _unit_vectors(1, seed=5)
    index.remove([3])
    index.add([3], newer)
    path = tmp_path / "vectors.faiss"
    index.save(path)
    loaded = VectorIndex.load(path)
    assert loaded.kind == "hnsw" and len(loaded) == 300
    # Both positions of id 3 are in the file; only the newest one is live after loading.
    assert loaded.dead == 1
    [(best, score)] = loaded.search(newer[0], 1)
    assert best == 3 and score == pytest.approx(1.0, abs=1e-5)


def test_searches_over_mostly_removed_hnsw_return_only_live_ids() -> None:
    index, vectors = _hnsw(500)
    gone = list(range(0, 500, 2))
    assert index.remove(gone) == 250
    assert index.remove(gone) == 0  # already gone
    found = {i for query in vectors[:20] for i, _ in index.search(query, 10)}
    assert found and found.isdisjoint(gone)
    assert [i for i, _ in index.nearest(vectors[[1, 3]])] == [1, 3]


def test_exact_search_is_the_brute_force_reference_for_an_approximate_index() -> None:
    index, vectors = _hnsw(400)
    index.remove([10, 11])
    reference = VectorIndex.build(
        32, [([i for i in range(400) if i not in (10, 11)], np.delete(vectors, [10, 11], axis=0))]
    )
    for query in _unit_vectors(5, seed=3):
        assert [i for i, _ in index.exact_search(query, 10)] == [
            i for i, _ in reference.search(query, 10)
        ]


@pytest.mark.parametrize("approximate_from", [10**9, 500])
def test_a_large_saved_index_is_mapped_and_read_into_memory_at_its_first_change(
    tmp_path: Path, approximate_from: int
) -> None:
    vectors = _unit_vectors(1000)
    path = tmp_path / "vectors.faiss"
    VectorIndex.build(32, [(list(range(1000)), vectors)], approximate_from).save(path)
    in_memory = VectorIndex.load(path)  # small: read as before
    mapped = VectorIndex.load(path, map_from_bytes=0)
    assert mapped.mapped and not in_memory.mapped
    for row in (0, 500, 999):
        assert mapped.search(vectors[row], 5) == in_memory.search(vectors[row], 5)
    # A removal from a graph only marks positions dead: the index stays mapped.
    assert mapped.remove([5]) == 1 and mapped.mapped == (mapped.kind == "hnsw")
    # An addition (and an exact index's removal) reads it into memory first.
    extra = _unit_vectors(3, seed=9)
    mapped.add([2000, 2001, 2002], extra)
    assert not mapped.mapped
    assert mapped.search(extra[1], 1)[0][0] == 2001
    assert 5 not in {i for i, _ in mapped.search(vectors[5], 50)}
    assert len(mapped) == 1002


def test_a_mapped_index_keeps_its_own_content_when_another_process_saves_over_the_file(
    tmp_path: Path,
) -> None:
    vectors = _unit_vectors(1000)
    path = tmp_path / "vectors.faiss"
    VectorIndex.build(32, [(list(range(1000)), vectors)], 500).save(path)
    mapped = VectorIndex.load(path, map_from_bytes=0)
    # Another process saves its index (other ids) over the file, by rename.
    VectorIndex.build(32, [(list(range(5000, 5100)), vectors[:100])], 500).save(path)
    mapped.add([2000], _unit_vectors(1, seed=9))
    assert mapped.ids() == set(range(1000)) | {2000}
    assert VectorIndex.load(path).ids() == set(range(5000, 5100))
