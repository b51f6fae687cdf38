"""The FAISS vector index: int64 chunk ids and their vectors only, saved atomically to one file.

While the corpus is small the index is exact (inner product over normalised vectors = cosine);
past `APPROXIMATE_FROM` vectors it is rebuilt as an IVF index, which also supports removal.
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from index.embed import Vectors
from index.errors import IndexFileError, StorageError

__all__ = ["APPROXIMATE_FROM", "VectorIndex"]

APPROXIMATE_FROM = 200_000


def _ids(ids: Iterable[int]) -> npt.NDArray[np.int64]:
    return np.ascontiguousarray(np.fromiter(ids, dtype=np.int64))


class VectorIndex:
    """A thread-safe wrapper over one FAISS index; searches return (chunk id, cosine) pairs."""

    def __init__(self, dim: int, index: Any = None) -> None:
        self.dim = dim
        # Typed as Any: faiss's SWIG stubs don't describe the numpy-friendly wrappers it adds.
        self._index: Any = index if index is not None else self._exact(dim)
        self._lock = threading.RLock()

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
        index: Any
        if len(ids_array) >= approximate_from:
            nlist = int(4 * math.sqrt(len(ids_array)))
            quantizer = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(0)
            sample = vectors_array[
                rng.choice(len(vectors_array), min(len(vectors_array), 64 * nlist), replace=False)
            ]
            index.train(sample)
            index.nprobe = 16
        else:
            index = cls._exact(dim)
        if len(ids_array):
            index.add_with_ids(vectors_array, ids_array)
        return cls(dim, index)

    @property
    def kind(self) -> str:
        """ "exact" or "ivf", for stats and benchmarks."""
        return "ivf" if isinstance(self._index, faiss.IndexIVF) else "exact"

    def __len__(self) -> int:
        with self._lock:
            return int(self._index.ntotal)

    def add(self, ids: Iterable[int], vectors: Vectors) -> None:
        array = _ids(ids)
        if len(array) == 0:
            return
        with self._lock:
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), array)

    def remove(self, ids: Iterable[int]) -> int:
        array = _ids(ids)
        if len(array) == 0:
            return 0
        with self._lock:
            return int(self._index.remove_ids(array))

    def ids(self) -> set[int]:
        """Every id held (used to check the index against the database)."""
        with self._lock:
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
            if self._index.ntotal == 0 or k <= 0:
                return []
            query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
            scores, ids = self._index.search(query, min(k, int(self._index.ntotal)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]

    def nearest(self, vectors: Vectors) -> list[tuple[int, float]]:
        """The single nearest (id, cosine) of each row, (-1, 0.0) when the index is empty."""
        with self._lock:
            if self._index.ntotal == 0 or len(vectors) == 0:
                return [(-1, 0.0)] * len(vectors)
            scores, ids = self._index.search(np.ascontiguousarray(vectors, dtype=np.float32), 1)
        return [(int(i), float(s)) for i, s in zip(ids[:, 0], scores[:, 0], strict=True)]

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
    def load(cls, path: Path) -> VectorIndex:
        """The index saved at `path`; raises IndexFileError if it is unreadable or not one of
        ours (the caller rebuilds it from the database)."""
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as error:
            raise IndexFileError(
                f"The vector index {path} cannot be read ({_reason(error)}); "
                "it can be rebuilt from the database."
            ) from None
        if not _is_ours(index):
            raise IndexFileError(
                f"The vector index {path} holds a faiss {type(index).__name__}, not the "
                "inner-product index with ids that newsbot writes; it can be rebuilt from the "
                "database."
            )
        return cls(int(index.d), index)


def _is_ours(index: Any) -> bool:
    """Whether `index` is of a kind `build` makes: flat inner product behind an id map, or IVF
    inner product (anything else lacks `ids()` or `remove`, or ranks by the wrong metric)."""
    if index.metric_type != faiss.METRIC_INNER_PRODUCT:
        return False
    if isinstance(index, faiss.IndexIDMap2 | faiss.IndexIDMap):
        inner = faiss.downcast_index(index.index)
        return isinstance(inner, faiss.IndexFlat) and inner.metric_type == index.metric_type
    return isinstance(index, faiss.IndexIVFFlat)


def _reason(error: BaseException) -> str:
    """faiss prefixes its messages with the C++ function and source line; keep the reason."""
    return re.sub(r"^Error in .*?:\d+: ", "", str(error).strip(), flags=re.DOTALL)
