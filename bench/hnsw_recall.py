"""`python -m bench.hnsw_recall`: how much of the exact top 10 the HNSW index finds, by efSearch.

Vectors only (no SQLite, no lexical index), so a 1M-passage corpus takes minutes: the passages
of a data directory `newsbot bench` ingested (`.bench/ingest`) are copied with jittered vectors,
as `newsbot bench` builds its corpora, and MultiHop-RAG development questions are the queries.
Recall is reported by id and by source passage (copies of one passage are interchangeable).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import faiss
import numpy as np

from bench.speed import DEFAULT_CORPUS, _questions
from index import vectors as vector_module
from index.embed import build_encoder
from index.library import DATABASE_FILE
from index.settings import Settings
from index.store import Store
from index.vectors import VectorIndex


def jittered_copies(base: np.ndarray, total: int, seed: int = 0) -> np.ndarray:
    """`total` unit vectors: `base`, then copies of it with N(0, 0.02) noise, renormalised."""
    rng = np.random.default_rng(seed)
    rows = [base]
    while sum(len(r) for r in rows) < total:
        noisy = base + rng.normal(0, 0.02, base.shape).astype(np.float32)
        rows.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
    return np.ascontiguousarray(np.concatenate(rows)[:total], dtype=np.float32)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=".bench/ingest", help="an ingested data directory")
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--ef-construction", default="200", help="comma-separated values")
    parser.add_argument("--ef-search", default="128,200,400,800", help="comma-separated values")
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args(argv)
    store = Store(Path(args.source) / DATABASE_FILE)
    base = np.concatenate([vectors for _, vectors in store.iter_embeddings()])
    store.close()
    vectors = jittered_copies(base, args.passages)
    source = np.arange(len(vectors)) % len(base)
    queries = build_encoder(Settings.from_env(env_file=None)).encode_queries(
        _questions(DEFAULT_CORPUS, args.questions)
    )
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    _, truth = flat.search(queries, 10)
    print(f"{len(vectors):,} passages (copies of {len(base):,}), {len(queries)} questions")
    print("| efConstruction | build s | efSearch | recall@10 by id | by passage | ms a search |")
    print("|---:|---:|---:|---:|---:|---:|")
    for construction in (int(v) for v in args.ef_construction.split(",")):
        vector_module.HNSW_EF_CONSTRUCTION = construction
        began = time.perf_counter()
        index = VectorIndex.build(
            vectors.shape[1], [(list(range(len(vectors))), vectors)], approximate_from=1
        )
        build = time.perf_counter() - began
        for ef in (int(v) for v in args.ef_search.split(",")):
            # The floor and the size rule both lifted out of the way: exactly this efSearch.
            vector_module.HNSW_EF_SEARCH, vector_module.HNSW_VECTORS_PER_EF = ef, 10**12
            by_id, by_passage = [], []
            began = time.perf_counter()
            for query, true in zip(queries, truth, strict=True):
                found = np.array([i for i, _ in index.search(query, 10)], dtype=np.int64)
                by_id.append(len(set(true) & set(found)) / 10)
                wanted = set(source[true])
                by_passage.append(len(wanted & set(source[found])) / len(wanted))
            ms = (time.perf_counter() - began) * 1000 / len(queries)
            print(
                f"| {construction} | {build:.0f} | {ef} | {np.mean(by_id):.3f} | "
                f"{np.mean(by_passage):.3f} | {ms:.2f} |"
            )


if __name__ == "__main__":
    main()
