"""The FAISS vector index: int64 chunk ids and their vectors only, saved atomically to one file.

While the corpus is small the index is exact (inner product over normalised vectors = cosine);
past `APPROXIMATE_FROM` vectors it is built as an HNSW graph, which answers in well under a
millisecond at a million vectors. FAISS's HNSW cannot delete, so a removed id is marked dead
(a bitmap of live positions filters every search) and a re-added id gets a new position; the
dead are dropped when the library compacts the index. Indexes written as IVF by earlier
versions still load and work.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import faiss
import numpy as np
import numpy.typing as npt

from index.embed import Vectors
from index.errors import IndexFileError, StorageError

__all__ = ["APPROXIMATE_FROM", "VectorIndex"]

# Exact search costs ~0.15 ms per thousand vectors per query on one core; past this size a
# question's three or four searches would cost more than the rest of answering it.
APPROXIMATE_FROM = 20_000
# HNSW: neighbours per node, candidates kept while building and while searching. On 100k
# synthetic passages (copies of real ones, so with many near-twins) and 200 real questions,
# efConstruction 80 found 0.927 of the exact top 10 at efSearch 128, 200 found 0.980 (build
# 24 s instead of 9 s): `python -m bench.hnsw_recall`, results/hnsw-recall.md. `newsbot bench`
# measures recall@10 at every size it builds.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128
# A larger graph needs a wider search: efSearch grows by one per this many vectors (1,000 at
# 1M); results/hnsw-recall.md has recall by efSearch at 1M synthetic passages. On the bench's
# 1M corpus efSearch 800 found 0.948 of the exact top 10's passage texts, 1,000 found 0.955
# (2.1 ms a search of 200 against 1.7-2.0).
HNSW_VECTORS_PER_EF = 1_000
# A saved index at least this large is mapped from its file instead of read into memory: at
# 1M passages reading the 1.8 GB file took 1.6 s of every start, mapping it 0.1 s. FAISS
# cannot change a mapped index (it aborts the process), so the first change reads it into
# memory, from the same file even if another process has replaced it since (`_writable`).
MAP_FROM_BYTES = 128 << 20
_READ_BLOCK = 64 << 20


def _ids(ids: Iterable[int]) -> npt.NDArray[np.int64]:
    return np.ascontiguousarray(np.fromiter(ids, dtype=np.int64))


class VectorIndex:
    """A thread-safe wrapper over one FAISS index; searches return (chunk id, cosine) pairs."""

    def __init__(self, dim: int, index: Any = None) -> None:
        self.dim = dim
        # Typed as Any: faiss's SWIG stubs don't describe the numpy-friendly wrappers it adds.
        self._index: Any = index if index is not None else self._exact(dim)
        self._lock = threading.RLock()
        # HNSW only: the graph, each position's chunk id, which positions are live, and the
        # live positions packed as the bitmap FAISS filters searches with (built on demand).
        self._graph: Any = None
        self._labels: npt.NDArray[np.int64] | None = None
        self._alive: npt.NDArray[np.bool_] | None = None
        self._bitmap: npt.NDArray[np.uint8] | None = None
        self._live = 0  # live positions, kept rather than summed over the bitmap per search
        # A mapped index: the open file it is mapped from (read when it must change).
        self._mapped_file: BinaryIO | None = None
        if isinstance(self._index, faiss.IndexIDMap):
            inner = faiss.downcast_index(self._index.index)
            if isinstance(inner, faiss.IndexHNSW):
                self._graph = inner
                self._labels = faiss.vector_to_array(self._index.id_map).astype(np.int64)
                self._alive = _last_of_each(self._labels)
                self._live = int(self._alive.sum())

    @property
    def mapped(self) -> bool:
        """Whether the index is still mapped from its file (not yet changed since loading)."""
        return self._mapped_file is not None

    def _writable(self) -> None:
        """Before FAISS changes the index: a mapped index is read into memory from the file it
        is mapped from. The positions, and so the live bitmap, are the same."""
        handle = self._mapped_file
        if handle is None:
            return
        handle.seek(0)
        reader = faiss.PyCallbackIOReader(handle.read, _READ_BLOCK)  # type: ignore[attr-defined]
        index: Any = faiss.read_index(reader)
        self._index = index
        if self._graph is not None:
            self._graph = faiss.downcast_index(index.index)
        self._mapped_file = None
        handle.close()

    @staticmethod
    def _exact(dim: int) -> Any:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    @classmethod
    def build(
        cls,
        dim: int,
        batches: Iterable[tuple[list[int], Vectors]],
        approximate_from: int = APPROXIMATE_FROM,
    ) -> VectorIndex:
        """A new index holding every batch; approximate when there are many vectors."""
        all_ids: list[npt.NDArray[np.int64]] = []
        all_vectors: list[Vectors] = []
        for ids, vectors in batches:
            all_ids.append(_ids(ids))
            all_vectors.append(np.ascontiguousarray(vectors, dtype=np.float32))
        ids_array = np.concatenate(all_ids) if all_ids else np.zeros(0, dtype=np.int64)
        vectors_array = (
            np.concatenate(all_vectors) if all_vectors else np.zeros((0, dim), dtype=np.float32)
        )
        index = cls._hnsw(dim) if len(ids_array) >= approximate_from else cls._exact(dim)
        built = cls(dim, index)
        built.add(ids_array, vectors_array)
        return built

    @staticmethod
    def _hnsw(dim: int) -> Any:
        graph = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        graph.hnsw.efSearch = HNSW_EF_SEARCH
        return faiss.IndexIDMap(graph)

    @property
    def kind(self) -> str:
        """ "exact", "hnsw" or "ivf", for stats and benchmarks."""
        if isinstance(self._index, faiss.IndexIVF):
            return "ivf"
        return "hnsw" if self._graph is not None else "exact"

    @property
    def dead(self) -> int:
        """Positions an HNSW index still holds for removed or replaced ids (0 for the others);
        the library rebuilds the index when they are a large share of it."""
        with self._lock:
            return 0 if self._alive is None else len(self._alive) - self._live

    def __len__(self) -> int:
        with self._lock:
            if self._alive is not None:
                return self._live
            return int(self._index.ntotal)

    def add(self, ids: Iterable[int], vectors: Vectors) -> None:
        array = _ids(ids)
        if len(array) == 0:
            return
        with self._lock:
            self._writable()
            if self._alive is not None:
                self._mark_dead(array)  # a re-added id: its old position must not answer
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), array)
            if self._alive is not None:
                self._labels = np.concatenate([self._labels, array])
                self._alive = np.concatenate([self._alive, np.ones(len(array), dtype=bool)])
                self._live += len(array)
                self._bitmap = None

    def remove(self, ids: Iterable[int]) -> int:
        array = _ids(ids)
        if len(array) == 0:
            return 0
        with self._lock:
            if self._alive is not None:
                return self._mark_dead(array)  # no change to FAISS's own index
            self._writable()
            return int(self._index.remove_ids(array))

    def _mark_dead(self, array: npt.NDArray[np.int64]) -> int:
        """HNSW removal: how many of these ids were live; their positions are dead from now."""
        assert self._labels is not None and self._alive is not None
        hits = np.isin(self._labels, array) & self._alive
        count = int(hits.sum())
        if count:
            self._alive[hits] = False
            self._live -= count
            self._bitmap = None
        return count

    def ids(self) -> set[int]:
        """Every id held (used to check the index against the database)."""
        with self._lock:
            if self._labels is not None and self._alive is not None:
                return set(self._labels[self._alive].tolist())
            if isinstance(self._index, faiss.IndexIDMap2 | faiss.IndexIDMap):
                return set(faiss.vector_to_array(self._index.id_map).tolist())
            invlists = self._index.invlists
            found: set[int] = set()
            for list_no in range(self._index.nlist):
                size = invlists.list_size(list_no)
                if size:
                    pointer = invlists.get_ids(list_no)
                    found.update(faiss.rev_swig_ptr(pointer, size).tolist())
            return found

    def search(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        """The `k` nearest chunk ids to one query vector, best first."""
        with self._lock:
            if len(self) == 0 or k <= 0:
                return []
            query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
            with _one_thread():
                scores, ids = self._search(query, min(k, len(self)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]

    def nearest(self, vectors: Vectors) -> list[tuple[int, float]]:
        """The single nearest (id, cosine) of each row, (-1, 0.0) when the index is empty."""
        with self._lock:
            if len(self) == 0 or len(vectors) == 0:
                return [(-1, 0.0)] * len(vectors)
            scores, ids = self._search(np.ascontiguousarray(vectors, dtype=np.float32), 1)
        return [(int(i), float(s)) for i, s in zip(ids[:, 0], scores[:, 0], strict=True)]

    def exact_search(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        """The true `k` nearest ids by brute force over the same vectors: the reference an
        approximate index's recall is measured against (`newsbot bench`). Same as `search`
        on an exact index; an IVF index is answered by its own search."""
        with self._lock:
            if self._graph is None or len(self) == 0 or k <= 0:
                return self.search(vector, k)
            assert self._labels is not None and self._alive is not None
            flat = faiss.downcast_index(self._graph.storage)
            query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
            count = len(self._alive)
            if self._alive.all():
                scores, positions = flat.search(query, min(k, count))
            else:
                bitmap = np.packbits(self._alive, bitorder="little")
                params = faiss.SearchParameters()
                params.sel = faiss.IDSelectorBitmap(count, faiss.swig_ptr(bitmap))
                scores, positions = flat.search(query, min(k, len(self)), params=params)
            return [
                (int(self._labels[p]), float(s))
                for p, s in zip(positions[0], scores[0], strict=True)
                if p >= 0
            ]

    def _search(self, queries: Vectors, k: int) -> tuple[Vectors, npt.NDArray[np.int64]]:
        """FAISS search; on HNSW, over live positions only, positions mapped to chunk ids."""
        if self._graph is None:
            scores, ids = self._index.search(queries, k)
            return scores, ids
        assert self._labels is not None and self._alive is not None
        params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # missing in the stubs
        params.efSearch = max(HNSW_EF_SEARCH, k, len(self._alive) // HNSW_VECTORS_PER_EF)
        selector = None
        if self._live < len(self._alive):
            if self._bitmap is None:
                self._bitmap = np.packbits(self._alive, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(self._alive), faiss.swig_ptr(self._bitmap))
            params.sel = selector
        scores, positions = self._graph.search(queries, k, params=params)
        del selector  # FAISS holds a raw pointer to it until the search returns
        ids = np.where(positions >= 0, self._labels[np.maximum(positions, 0)], -1)
        return scores, ids

    def save(self, path: Path) -> None:
        """Write to a temporary file, then rename over `path`: a crash never leaves half a file.

        A failed save (disk full, no permission) removes the temporary file and raises
        StorageError; the previous index file, if any, is left as it was.
        """
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                faiss.write_index(self._index, str(temporary))
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException as error:
            temporary.unlink(missing_ok=True)
            if isinstance(error, OSError | RuntimeError):
                raise StorageError(
                    f"Could not save the vector index to {path} ({_reason(error)})."
                ) from error
            raise

    @classmethod
    def load(cls, path: Path, map_from_bytes: int = MAP_FROM_BYTES) -> VectorIndex:
        """The index saved at `path`, mapped from the file when it is at least
        `map_from_bytes` long; raises IndexFileError if it is unreadable or not one of ours
        (the caller rebuilds it from the database)."""
        try:
            index, handle = _read_or_map(path, map_from_bytes)
        except (OSError, RuntimeError) as error:
            raise IndexFileError(
                f"The vector index {path} cannot be read ({_reason(error)}); "
                "it can be rebuilt from the database."
            ) from None
        if not _is_ours(index):
            if handle is not None:
                handle.close()
            raise IndexFileError(
                f"The vector index {path} holds a faiss {type(index).__name__}, not the "
                "inner-product index with ids that newsbot writes; it can be rebuilt from the "
                "database."
            )
        loaded = cls(int(index.d), index)
        loaded._mapped_file = handle
        return loaded


def _read_or_map(path: Path, map_from_bytes: int) -> tuple[Any, BinaryIO | None]:
    """The FAISS index in the file at `path`: read, or mapped with the file left open (the
    handle) when it is at least `map_from_bytes` long."""
    handle = open(path, "rb")  # noqa: SIM115 - kept open while the index is mapped
    try:
        if os.fstat(handle.fileno()).st_size < map_from_bytes:
            handle.close()
            return faiss.read_index(str(path)), None
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
        if not _same_file(handle, path):  # replaced between the open and the map
            handle.close()
            return _read_or_map(path, map_from_bytes)
        return index, handle
    except BaseException:
        handle.close()
        raise


def _same_file(handle: BinaryIO, path: Path) -> bool:
    opened, current = os.fstat(handle.fileno()), os.stat(path)
    return (opened.st_dev, opened.st_ino) == (current.st_dev, current.st_ino)


def _last_of_each(labels: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Live positions of a loaded HNSW index: the last position of each id (a re-added id's
    newest vector). Ids removed before the save are dropped by the library's re-sync."""
    alive = np.zeros(len(labels), dtype=bool)
    if len(labels):
        _, first_from_end = np.unique(labels[::-1], return_index=True)
        alive[len(labels) - 1 - first_from_end] = True
    return alive


def _is_ours(index: Any) -> bool:
    """Whether `index` is of a kind newsbot writes: flat or HNSW inner product behind an id
    map, or IVF inner product (anything else lacks `ids()` or `remove`, or ranks by the wrong
    metric)."""
    if index.metric_type != faiss.METRIC_INNER_PRODUCT:
        return False
    if isinstance(index, faiss.IndexIDMap2 | faiss.IndexIDMap):
        inner = faiss.downcast_index(index.index)
        return (
            isinstance(inner, faiss.IndexFlat | faiss.IndexHNSWFlat)
            and inner.metric_type == index.metric_type
        )
    return isinstance(index, faiss.IndexIVFFlat)


def _reason(error: BaseException) -> str:
    """faiss prefixes its messages with the C++ function and source line; keep the reason."""
    return re.sub(r"^Error in .*?:\d+: ", "", str(error).strip(), flags=re.DOTALL)


@contextmanager
def _one_thread() -> Iterator[None]:
    """FAISS on the calling thread alone: one query gains nothing from OpenMP's threads, which
    only fight the encoder's for the cores (a single search took ~4x longer after encoding)."""
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)
