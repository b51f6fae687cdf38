"""`python -m bench.pg_recall URL`: recall@10 of pgvector's HNSW search against an exact scan.

For a database the shared backend already holds (for example the bench's scratch database after
`newsbot bench --database-url URL --keep`), it encodes the first questions of the bench's
question file, finds each one's exact top 10 with the index switched off, then the top 10
through the HNSW index at each `ef_search`, and prints the share found and the time a search.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from index.embed import build_encoder
from index.pg_search import PgVectorIndex
from index.pg_store import PostgresStore
from index.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="postgresql://… holding a corpus")
    parser.add_argument("--questions", type=Path, default=Path(".bench/questions.json"))
    parser.add_argument("--count", type=int, default=40, help="questions (default 40)")
    parser.add_argument("--ef", default="100,200,400,800", help="ef_search values to try")
    args = parser.parse_args()
    questions = json.loads(args.questions.read_text())[: args.count]
    vectors = build_encoder(Settings()).encode(questions)
    store = PostgresStore(args.url)
    try:
        index = PgVectorIndex(store, int(vectors.shape[1]))
        truth = [{i for i, _ in index.exact_search(v, 10)} for v in vectors]
        print(f"{store.count_chunks():,} passages, {len(questions)} questions")
        for ef in (int(x) for x in args.ef.split(",")):
            with store.reading() as db:
                db.execute("SELECT set_config('hnsw.ef_search', ?, false)", (str(ef),))
                found, began = [], time.perf_counter()
                for vector, exact in zip(vectors, truth, strict=True):
                    rows = db.execute(
                        f"SELECT id FROM chunks ORDER BY {index.order} LIMIT 10", (vector,)
                    ).fetchall()
                    found.append(len(exact & {int(r[0]) for r in rows}) / max(1, len(exact)))
                seconds = (time.perf_counter() - began) / len(vectors)
            print(f"ef_search {ef}: recall@10 {np.mean(found):.3f}, {seconds * 1000:.1f} ms")
    finally:
        store.close()


if __name__ == "__main__":
    main()
