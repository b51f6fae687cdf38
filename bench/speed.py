"""`newsbot bench`: ingest throughput, cold start, memory and question latency by corpus size.

Ingest is measured with the real encoder on real articles. Larger corpora are made by copying
the embedded passages (text and vectors, each copy's vector slightly perturbed) so that 100k or
1M passages can be measured without hours of encoding; questions are then answered through the
same `Engine.ask` path as the bot, each size in a fresh process so start-up and memory are its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.metrics import percentile
from bench.start import run_start
from index.chunk import Span
from index.engine import Engine
from index.library import DATABASE_FILE, VECTORS_FILE
from index.models import ArticleDraft, Stage
from index.settings import Settings
from index.store import Store
from index.vectors import APPROXIMATE_FROM, VectorIndex

__all__ = ["register_cli", "run_benchmark"]

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "data" / "multihop-rag"
# Starts of the bot measured for each size and backend (after an uncounted one).
START_RUNS = 3
# Questions in the `newsbot ask FILE` run that measures what each further question costs.
ASK_MARGINAL_QUESTIONS = 50
FALLBACK_QUESTIONS = [
    "What did the central bank decide about interest rates?",
    "Who is accused of fraud in the crypto trial?",
    "What happened in the latest election?",
    "Which company announced layoffs this week?",
]


def _rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB.

    Linux's VmHWM, not `ru_maxrss`: the latter survives fork and exec, so a child started by
    the benchmark would report its parent's peak (torch and all) whenever that was larger.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _corpus_drafts(corpus_dir: Path, limit: int) -> list[ArticleDraft]:
    from index.sources import iter_path_drafts

    drafts: list[ArticleDraft] = []
    for _, item in iter_path_drafts(corpus_dir / "corpus.json"):
        if isinstance(item, ArticleDraft):
            drafts.append(item)
        if len(drafts) >= limit:
            break
    return drafts


def _questions(corpus_dir: Path, count: int) -> list[str]:
    path = corpus_dir / "queries-dev.json"
    if not path.exists():
        return FALLBACK_QUESTIONS[:count]
    queries = json.loads(path.read_text(encoding="utf-8"))
    return [str(q["query"]) for q in queries[:count]]


def measure_ingest(settings: Settings, drafts: list[ArticleDraft]) -> dict[str, Any]:
    """Encode and store `drafts` into a fresh data directory (or an emptied scratch database)
    with the configured model."""
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    engine = Engine(settings)
    started = time.perf_counter()
    engine.open()
    opened = time.perf_counter()
    results = engine.add_drafts(drafts)
    finished = time.perf_counter()
    stats = engine.stats()
    # The same passages through the encoder alone, in the ingest's batches: what the model
    # costs, so the rest of the pipeline (chunking, dedupe, storage, indexes) shows as the gap.
    texts = [text for batch in engine.library.store.iter_chunk_texts() for _, text in batch]
    began = time.perf_counter()
    for start in range(0, len(texts), 64):
        engine.encoder.encode(texts[start : start + 64])
    raw = time.perf_counter() - began
    engine.close()
    seconds = finished - opened
    added = sum(outcome.stage is Stage.ADDED for outcome in results)
    return {
        "encode_only_seconds": round(raw, 2),
        "encode_only_passages_per_second": round(len(texts) / raw, 2),
        "pipeline_share": round(max(0.0, 1 - raw / seconds), 3),
        "articles": added,
        "passages": stats.chunks,
        "seconds": round(seconds, 2),
        "articles_per_second": round(added / seconds, 2),
        "passages_per_second": round(stats.chunks / seconds, 2),
        "model_load_seconds": round(opened - started, 2),
    }


def build_synthetic(source_dir: Path, target_dir: Path, passages: int, seed: int = 0) -> None:
    """A data directory of about `passages` chunks copied from `source_dir`, vectors jittered."""
    shutil.rmtree(target_dir, ignore_errors=True)
    source = Store(source_dir / DATABASE_FILE)
    rows: list[tuple[ArticleDraft, str, list[Span], np.ndarray]] = []
    for article, spans, vectors in source.export_articles():
        draft = ArticleDraft(
            article.text,
            article.title,
            article.url,
            article.outlet,
            article.author,
            article.published_at,
        )
        rows.append((draft, article.url or f"article-{article.id}", spans, vectors))
    model = source.get_meta("embedding_model") or ""
    source.close()
    if not any(spans for _, _, spans, _ in rows):
        raise SystemExit(f"newsbot bench: no passages in {source_dir} to copy")
    target = Store(target_dir / DATABASE_FILE)
    target.set_meta("embedding_model", model)
    rng = np.random.default_rng(seed)
    total = 0
    copy = 0
    while total < passages:
        for draft, url, spans, vectors in rows:
            if total >= passages:
                break
            if copy:
                noisy = vectors + rng.normal(0, 0.02, vectors.shape).astype(np.float32)
                vectors = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
            target.add_article(draft, f"{url}#copy{copy}", f"copy{copy}:{url}", spans, vectors)
            total += len(spans)
        copy += 1
    dim = int(rows[0][3].shape[1])
    VectorIndex.build(dim, target.iter_embeddings()).save(target_dir / VECTORS_FILE)
    target.close()


def measure_questions(settings: Settings, questions: list[str]) -> dict[str, Any]:
    """Cold start, memory and per-question latency of a data directory, in this process."""
    started = time.perf_counter()
    engine = Engine(settings).open()
    cold = time.perf_counter() - started
    rss_open = _rss_mb()
    engine.ask("warm up")  # first call pays one-off lazy initialisation
    latencies = []
    for question in questions:
        began = time.perf_counter()
        engine.ask(question)
        latencies.append((time.perf_counter() - began) * 1000)
    # The two seams on their own: embedding one question, one lexical query (as search asks).
    embed_ms, lexical_ms = [], []
    lexical = engine.library.lexical
    for question in questions:
        began = time.perf_counter()
        engine.encoder.encode([question])
        embed_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        lexical.search(question, engine.search_params.lexical_candidates)
        lexical_ms.append((time.perf_counter() - began) * 1000)
    recall, recall_texts = _recall_at_10(engine, questions)
    stats = engine.stats()
    engine.close()
    return {
        "recall_at_10": recall,
        "recall_at_10_texts": recall_texts,
        # The runtime that ran (auto and onnx may have fallen back to torch); int8 by name.
        "encoder": (
            settings.encoder
            if settings.encoder == "onnx-int8"
            else getattr(engine.encoder, "runtime", settings.encoder)
        ),
        "lexical": "postgresql" if settings.database_url else settings.lexical,
        "torch_imported": "torch" in sys.modules,
        "embed_p50_ms": round(percentile(embed_ms, 50), 1),
        "lexical_p50_ms": round(percentile(lexical_ms, 50), 1),
        "lexical_p95_ms": round(percentile(lexical_ms, 95), 1),
        "passages": stats.chunks,
        "index_type": stats.index_type,
        "cold_start_seconds": round(cold, 2),
        "rss_after_open_mb": round(rss_open),
        "rss_peak_mb": round(_rss_mb()),
        "questions": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "database_mb": round(stats.database_bytes / 2**20),
        "database_bytes_per_passage": round(stats.database_bytes / max(1, stats.chunks)),
        "index_mb": round(stats.index_bytes / 2**20),
        "lexical_mb": _lexical_mb(settings),
    }


def _lexical_mb(settings: Settings) -> float:
    """Size of a lexical index kept outside the database (tantivy's directory), in MiB."""
    from index.lexical_tantivy import LEXICAL_DIR

    path = settings.data_dir / LEXICAL_DIR
    if settings.database_url or settings.lexical != "tantivy" or not path.is_dir():
        return 0
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def measure_ask_wall(env: dict[str, str], question: str, runs: int = 3) -> float:
    """Median wall time of `newsbot ask QUESTION` as a user runs it: a new process that starts
    the runtime, opens the data directory, answers and exits. One uncounted run first leaves
    Python's bytecode cache of the checkout, as any run on a user's machine does (this one may
    set PYTHONDONTWRITEBYTECODE, which would recompile the project's modules in every run)."""
    env = _with_bytecode_cache(env)
    times = [_ask_seconds(env, [question]) for _ in range(runs + 1)][1:]
    return round(percentile(times, 50), 2)


def measure_ask_marginal(
    env: dict[str, str],
    questions: list[str],
    work: Path,
    runs: int = 3,
    ask: Callable[[dict[str, str], list[str]], float] | None = None,
) -> float | None:
    """Milliseconds each further question adds to one `newsbot ask FILE` run: the median wall
    time of a file of all `questions`, less that of a file of the first alone, over the
    questions beyond the first (start-up and loading counted once, as in a script that asks
    many). None with fewer than two questions."""
    if len(questions) < 2:
        return None
    ask = ask or _ask_seconds
    env = _with_bytecode_cache(env)
    files = []
    for name, chosen in (("one", questions[:1]), ("many", questions)):
        path = work / f"ask-{name}.txt"
        path.write_text("".join(" ".join(q.split()) + "\n" for q in chosen), encoding="utf-8")
        files.append(str(path))
    ask(env, [files[0]])  # uncounted: leaves the bytecode cache
    one = percentile([ask(env, [files[0]]) for _ in range(runs)], 50)
    many = percentile([ask(env, [files[1]]) for _ in range(runs)], 50)
    return round((many - one) / (len(questions) - 1) * 1000, 1)


def _with_bytecode_cache(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _ask_seconds(env: dict[str, str], arguments: list[str]) -> float:
    """Wall seconds of one `newsbot ask ARGUMENTS` process, start to exit."""
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "index", "ask", *arguments],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - began


def _recall_at_10(engine: Engine, questions: list[str]) -> tuple[float | None, float | None]:
    """Share of the exact top 10 that the vector index's own search finds, over the questions'
    vectors: by id, and by passage text. The synthetic corpora hold hundreds of jittered copies
    of each real passage, so the exact top 10 is often ten copies of one text whose order is
    noise; finding other copies of the same texts is what matters to an answer. (None, None)
    where the index has no brute-force reference; an exact index is 1.0 by definition."""
    index = engine.library.vectors
    exact_search = getattr(index, "exact_search", None)
    if index.kind == "exact" or exact_search is None:
        return (1.0, 1.0) if index.kind == "exact" else (None, None)
    by_id, by_text = [], []
    store = engine.library.store
    for vector in engine.encoder.encode(questions):
        truth = [i for i, _ in exact_search(vector, 10)]
        got = [i for i, _ in index.search(vector, 10)]
        by_id.append(len(set(truth) & set(got)) / max(1, len(truth)))
        texts = {i: c.text for i, c in store.get_chunks([*truth, *got]).items()}
        true_texts = {texts[i] for i in truth if i in texts}
        found_texts = {texts[i] for i in got if i in texts}
        by_text.append(len(true_texts & found_texts) / max(1, len(true_texts)))
    if not by_id:
        return None, None
    return round(float(np.mean(by_id)), 3), round(float(np.mean(by_text)), 3)


def run_benchmark(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work_dir)
    corpus_dir = Path(args.data)
    if not (corpus_dir / "corpus.json").exists():
        raise SystemExit(f"newsbot bench: {corpus_dir}/corpus.json not found (use --data)")
    drafts = _corpus_drafts(corpus_dir, args.articles)
    questions = _questions(corpus_dir, args.questions)
    # The embedded runs are embedded whatever NEWSBOT_DATABASE_URL says; PostgreSQL is measured
    # only where --database-url names a scratch database.
    settings = replace(settings, database_url=None)
    base = replace(settings, data_dir=work / "ingest")
    backends: list[tuple[str, str]] = args.backends or [(settings.encoder, settings.lexical)]
    report: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": (
            f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
        ),
        "load": _load(),
        "model": settings.embedding_model,
        "ingest": [],
        "sizes": [],
    }
    if any(encoder != "torch" for encoder, _ in backends):
        _export_once(settings)
    for encoder in dict.fromkeys(encoder for encoder, _ in backends):
        print(f"ingesting {len(drafts)} articles with {encoder} …", file=sys.stderr)
        ingest = measure_ingest(replace(base, encoder=encoder), drafts)
        report["ingest"].append({"encoder": encoder, **ingest})
    database_url = getattr(args, "bench_database_url", None)
    if database_url:
        encoder = backends[0][0]
        print(f"ingesting {len(drafts)} articles into PostgreSQL with {encoder} …", file=sys.stderr)
        empty_scratch_database(database_url)
        shared = replace(
            base, data_dir=work / "ingest-postgresql", encoder=encoder, database_url=database_url
        )
        ingest = measure_ingest(shared, drafts)
        report["ingest"].append({"encoder": f"{encoder}, PostgreSQL", **ingest})
    questions_file = work / "questions.json"
    questions_file.write_text(json.dumps(questions))
    for size in args.sizes:
        target = work / f"size-{size}"
        print(f"building a {size:,}-passage corpus …", file=sys.stderr)
        began = time.perf_counter()
        build_synthetic(base.data_dir, target, size)
        build_seconds = time.perf_counter() - began
        lexical_build: dict[str, float] = {}
        for encoder, lexical in backends:
            seconds = _prepare_lexical(target, lexical)
            lexical_build.setdefault(lexical, seconds)
            _name_vectors(target, replace(settings, encoder=encoder))
            result = _measure_in_child(
                settings,
                target,
                questions_file,
                questions,
                {"NEWSBOT_ENCODER": encoder, "NEWSBOT_LEXICAL": lexical},
            )
            result["build_seconds"] = round(build_seconds, 1)
            result["lexical_build_seconds"] = lexical_build.get(lexical, 0.0)
            report["sizes"].append(result)
            print(json.dumps(result), file=sys.stderr)
            # Written after every run, so a long 1M-passage run keeps what it already measured.
            report["load_after"] = _load()
            write_report(report, args.results)
        if database_url:
            result = _measure_on_postgresql(
                settings, target, database_url, backends[0][0], questions_file, questions
            )
            copy = result.pop("lexical_build_seconds")
            result["build_seconds"] = f"{build_seconds:.1f} + {copy} copy"
            report["sizes"].append(result)
            print(json.dumps(result), file=sys.stderr)
            report["load_after"] = _load()
            write_report(report, args.results)
        if not args.keep:
            shutil.rmtree(target, ignore_errors=True)
    return report


def empty_scratch_database(url: str) -> None:
    """Empty the bench's PostgreSQL database, refusing one that holds anyone else's articles."""
    from index.pg_store import PostgresStore

    store = PostgresStore(url)
    try:
        if store.count_articles() and store.get_meta("bench_scratch") != "1":
            raise SystemExit(
                "newsbot bench: the --database-url database holds articles the bench did not "
                "write; give it an empty scratch database (it is emptied between runs)."
            )
        with store.writing() as db:
            db.execute("TRUNCATE articles, chunks, feeds, feed_items CASCADE")
        store.set_meta("bench_scratch", "1")
        store.generation += 1
    finally:
        store.close()


def _measure_on_postgresql(
    settings: Settings,
    target: Path,
    url: str,
    encoder: str,
    questions_file: Path,
    questions: list[str],
) -> dict[str, Any]:
    """Copy a synthetic corpus into PostgreSQL (as `newsbot migrate` does, HNSW index built at
    the end) and measure questions there in a fresh process."""
    from index.migrate import migrate

    print(f"copying {target.name} into PostgreSQL …", file=sys.stderr)
    empty_scratch_database(url)
    began = time.perf_counter()
    migrate(target, url)
    copy_seconds = time.perf_counter() - began
    result = _measure_in_child(
        settings,
        target,
        questions_file,
        questions,
        {"NEWSBOT_ENCODER": encoder, "NEWSBOT_DATABASE_URL": url},
    )
    result["lexical_build_seconds"] = round(copy_seconds, 1)
    return result


def _measure_in_child(
    settings: Settings,
    target: Path,
    questions_file: Path,
    questions: list[str],
    backend: dict[str, str],
) -> dict[str, Any]:
    """`measure_questions` in a fresh process (so cold start and memory are its own), with the
    backend's variables; then the wall time of `newsbot ask` there."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "NEWSBOT_DATABASE_URL"},
        "NEWSBOT_DATA_DIR": str(target),
        **backend,
    }
    if settings.embedding_model:
        env["NEWSBOT_EMBEDDING_MODEL"] = settings.embedding_model
    if settings.cache_dir:
        env["NEWSBOT_CACHE_DIR"] = str(settings.cache_dir)
    done = subprocess.run(
        [sys.executable, "-m", "bench.speed", str(target), str(questions_file)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["ask_wall_seconds"] = measure_ask_wall(env, questions[0])
    result["ask_marginal_ms"] = measure_ask_marginal(
        env, questions[:ASK_MARGINAL_QUESTIONS], questions_file.parent
    )
    start = run_start(target, START_RUNS, log=lambda _line: None, env=env)
    result["bot_polling_seconds"] = start["polling_seconds_median"]
    result["bot_answer_seconds"] = start["answer_seconds_median"]
    result["bot_rss_peak_mb"] = start["rss_peak_mb_median"]
    return result


def _name_vectors(data_dir: Path, settings: Settings) -> None:
    """Record the run's model as the one whose vectors a synthetic corpus holds. They are
    jittered copies, as good for timing one encoder as another (int8's vectors differ from
    the full-precision model's), and under another name the library would re-embed them all."""
    from index.embed import build_encoder

    store = Store(data_dir / DATABASE_FILE)
    try:
        store.set_meta("embedding_model", build_encoder(settings).name)
    finally:
        store.close()


def _load() -> str:
    """The machine's load averages (1, 5, 15 minutes): how busy the cores were with other work."""
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _export_once(settings: Settings) -> None:
    """Export the model to ONNX before anything is timed, so no run pays for the export."""
    from index.embed_onnx import OnnxUnavailable, ensure_export

    try:
        ensure_export(Path(settings.model_name_or_path), settings.cache_dir or _cache_dir())
    except OnnxUnavailable as error:
        print(f"onnx runs will use torch: {error}", file=sys.stderr)


def _cache_dir() -> Path:
    from index.embed_onnx import default_cache_dir

    return default_cache_dir()


def _prepare_lexical(data_dir: Path, lexical: str) -> float:
    """Make a synthetic corpus ready for `lexical` as a first start would (build the tantivy
    index, or fill the FTS5 rows), out of the measured cold start; its seconds. The rows of the
    other backend are dropped and the file compacted, so the database is the size it would be
    had it only ever served this one."""
    from index.lexical_tantivy import LEXICAL_DIR, TantivyIndex

    began = time.perf_counter()
    store = Store(data_dir / DATABASE_FILE)
    try:
        store.keep_fts5_rows(lexical == "fts5")
        if lexical == "tantivy" and not (data_dir / LEXICAL_DIR).is_dir():
            TantivyIndex.build(data_dir / LEXICAL_DIR, store).close()
        seconds = time.perf_counter() - began
        if store.free_bytes():
            store.compact()
    finally:
        store.close()
    return round(seconds, 1)


def format_report(report: dict[str, Any]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {report['date']} on {report['machine']} with `newsbot bench` "
        f"(model: {report['model']}). Load averages (1/5/15 min) at the start: "
        f"{report.get('load', 'unknown')}; at the end: {report.get('load_after', 'unknown')}. "
        + _quiet_or_not(report.get("load", "")),
        "",
        "## Ingest (real encoder, MultiHop-RAG articles)",
        "",
        "| encoder | articles | passages | seconds | articles/s | passages/s | model load s "
        "| encoding alone passages/s | share outside the model |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for ingest in report["ingest"]:
        lines.append(
            f"| {ingest.get('encoder', '')} | {ingest['articles']} | {ingest['passages']} | "
            f"{ingest['seconds']} | {ingest['articles_per_second']} | "
            f"{ingest['passages_per_second']} | {ingest['model_load_seconds']} | "
            f"{ingest.get('encode_only_passages_per_second', '')} | "
            f"{ingest.get('pipeline_share', '')} |"
        )
    lines += _ingest_ratio(report["ingest"])
    lines += [
        "",
        "## Questions by corpus size and backend (each run in a fresh process)",
        "",
        "| passages | encoder | lexical | torch imported | cold start s | RSS after open MiB "
        "| peak RSS MiB | p50 ms | p95 ms | embed p50 ms | lexical p50 ms | lexical p95 ms "
        "| questions | index | recall@10 | recall@10 (texts) | corpus build s "
        "| `newsbot ask` wall s | `newsbot ask` ms a further question "
        "| bot to polling s | bot to first answer s | bot peak RSS MiB |",
        "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:"
        "|---:|---:|---:|",
    ]
    for size in report["sizes"]:
        lines.append(
            f"| {size['passages']:,} | {size.get('encoder', '')} | {size.get('lexical', '')} | "
            f"{'yes' if size.get('torch_imported') else 'no'} | {size['cold_start_seconds']} | "
            f"{size['rss_after_open_mb']} | {size['rss_peak_mb']} | {size['p50_ms']} | "
            f"{size['p95_ms']} | {size.get('embed_p50_ms', '')} | "
            f"{size.get('lexical_p50_ms', '')} | {size.get('lexical_p95_ms', '')} | "
            f"{size['questions']} | {size['index_type']} | {size.get('recall_at_10', '')} | "
            f"{size.get('recall_at_10_texts', '')} | "
            f"{size.get('build_seconds', '')} | {size.get('ask_wall_seconds', '')} | "
            f"{size.get('ask_marginal_ms') or ''} | {size.get('bot_polling_seconds') or ''} | "
            f"{size.get('bot_answer_seconds') or ''} | {size.get('bot_rss_peak_mb') or ''} |"
        )
    lines += [
        "",
        "## Disk by corpus size and backend",
        "",
        "| passages | encoder | lexical | database MiB | database bytes per passage "
        "| vector file MiB | lexical index MiB |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for size in report["sizes"]:
        if "database_mb" not in size:
            continue
        lines.append(
            f"| {size['passages']:,} | {size.get('encoder', '')} | {size.get('lexical', '')} | "
            f"{size['database_mb']:,} | {size.get('database_bytes_per_passage', '')} | "
            f"{size.get('index_mb', '')} | {size.get('lexical_mb', '')} |"
        )
    lines += [
        "",
        "Database = the SQLite file (with its write-ahead log): articles, passages' offsets and "
        "vectors, feeds, and the FTS5 rows where FTS5 is the lexical index (tantivy keeps its "
        "own directory, the last column). Each corpus holds only the rows of the lexical index "
        "it runs with, and is compacted after a switch, as one that only ever served it.",
        "",
        "Cold start = importing the encoder's runtime (torch and sentence-transformers, or "
        "onnxruntime and tokenizers), loading the model, opening SQLite, loading the FAISS file "
        "and opening the lexical index (the ONNX export and the tantivy build are done before, "
        "as on any start after the first). Latency = the whole `Engine.ask` (embed the question "
        "and its parts, dense and BM25 search, fusion, quote selection). Embed = one question "
        "through the encoder; lexical = one query for 200 candidates, as search makes for the "
        "question (and 100 for each part). Passages beyond the real ones are copies with "
        "perturbed vectors, so lexical scores see repeated text. RSS is the peak resident size "
        "of the process (VmHWM). Recall@10 = the share of the exact top 10 (brute force over "
        "the same vectors) that the vector index finds for each question's vector; by texts = the "
        "share of the passage texts among those ten that it finds (a synthetic corpus holds "
        "hundreds of jittered copies of each passage, interchangeable for an answer); corpus build "
        "= copying the passages and building the vector index (HNSW from "
        f"{APPROXIMATE_FROM:,} passages). `newsbot ask` wall = the median of three runs of "
        "`newsbot ask QUESTION` in a new process, start to exit, after one uncounted run that "
        "leaves Python's bytecode cache (as any earlier run on a user's machine has); a "
        "further question = what each question beyond the first adds to one `newsbot ask FILE` "
        f"run of the first {ASK_MARGINAL_QUESTIONS} questions (the median wall time of that "
        "file less that of a file of the first question alone, over the rest); bot = "
        f"`python -m bot` started {START_RUNS} times after an uncounted start (`newsbot bench "
        "start`: a fake Bot API server on loopback, a question already waiting), the medians "
        "of the seconds from the spawn to its first poll and to its answer, and of the "
        "process's peak resident size once it has answered. Rows with "
        "lexical "
        "`postgresql` ran on the shared backend (`--database-url`): the same corpus copied in "
        "with `newsbot migrate` (its seconds, HNSW build included, in the corpus build column "
        "beside the synthetic build), PostgreSQL on the same machine over a Unix socket; its "
        "database size is the whole database's.",
        "",
    ]
    return "\n".join(lines)


def _ingest_ratio(ingests: list[dict[str, Any]]) -> list[str]:
    """How the fastest ingest compares with torch encoding the same passages on its own."""
    torch_raw = next(
        (i.get("encode_only_passages_per_second") for i in ingests if i.get("encoder") == "torch"),
        None,
    )
    if not torch_raw:
        return []
    best = max(ingests, key=lambda i: float(i["passages_per_second"]))
    ratio = float(best["passages_per_second"]) / float(torch_raw)
    return [
        "",
        f"Ingest with {best['encoder']}: {ratio:.2f}× the throughput of torch (fp32) encoding "
        "the same passages alone.",
    ]


def _quiet_or_not(load: str) -> str:
    """How far to trust the timings. The benchmark cannot know what else ran; a 1-minute load
    over 1 when it started means the cores were busy then (often with the previous job)."""
    try:
        busy = float(load.split("/")[0]) > 1.0
    except ValueError:
        return ""
    if busy:
        return (
            "The machine was busy when the run started (1-minute load over 1), so figures may "
            "be noisy: compare rows of one run rather than runs of different days."
        )
    return "The machine was idle when the run started."


def write_report(report: dict[str, Any], path: str | None) -> None:
    """The Markdown report and its JSON twin; nothing when `path` is empty."""
    if not path:
        return
    results = Path(path)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(format_report(report), encoding="utf-8")
    results.with_suffix(".json").write_text(json.dumps(report, indent=2), encoding="utf-8")


def cmd_bench(settings: Settings, args: argparse.Namespace) -> int:
    report = run_benchmark(settings, args)
    print(format_report(report))
    write_report(report, args.results)
    return 0


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def _backends(text: str) -> list[tuple[str, str]]:
    from index.settings import ENCODERS, LEXICAL_BACKENDS

    pairs: list[tuple[str, str]] = []
    for part in text.split(","):
        encoder, _, lexical = part.strip().partition("+")
        if encoder not in ENCODERS or lexical not in LEXICAL_BACKENDS:
            raise argparse.ArgumentTypeError(
                f"{part!r} is not ENCODER+LEXICAL ({'|'.join(ENCODERS)} + "
                f"{'|'.join(LEXICAL_BACKENDS)})"
            )
        pairs.append((encoder, lexical))
    return pairs


def register_cli(commands: Any) -> Any:
    """Add `newsbot bench`; returns its parser, which other tools hang subcommands on."""
    bench = commands.add_parser("bench", help="measure ingest speed, start-up, memory and latency")
    bench.add_argument(
        "--data",
        default=os.environ.get("NEWSBOT_MULTIHOP_DIR", str(DEFAULT_CORPUS)),
        help="MultiHop-RAG folder with corpus.json and queries-dev.json",
    )
    bench.add_argument("--articles", type=int, default=200, help="articles to ingest (default 200)")
    bench.add_argument(
        "--questions", type=int, default=200, help="questions per size (default 200)"
    )
    bench.add_argument(
        "--sizes",
        type=_sizes,
        default=_sizes("10000,100000"),
        help="comma-separated passage counts (default 10000,100000; try 1000000)",
    )
    bench.add_argument("--work-dir", default=".bench", help="scratch folder (default .bench)")
    bench.add_argument(
        "--results",
        default=str(REPO_ROOT / "results" / "bench.md"),
        help="where to write the Markdown report ('' to skip)",
    )
    bench.add_argument(
        "--backends",
        type=_backends,
        default=None,
        help="comma-separated ENCODER+LEXICAL pairs to compare, e.g. "
        "torch+fts5,onnx+fts5,torch+tantivy,onnx+tantivy (default: the configured ones)",
    )
    bench.add_argument("--keep", action="store_true", help="keep the generated corpora")
    bench.add_argument(
        "--database-url",
        dest="bench_database_url",
        metavar="URL",
        help="also measure the shared PostgreSQL backend in this scratch database (emptied)",
    )
    bench.set_defaults(handler=cmd_bench, standalone=True)
    return bench


def _child(argv: list[str]) -> Iterator[str]:
    data_dir, questions_file = Path(argv[0]), Path(argv[1])
    settings = replace(Settings.from_env(env_file=None), data_dir=data_dir)
    questions = json.loads(questions_file.read_text())
    yield json.dumps(measure_questions(settings, questions))


if __name__ == "__main__":
    for line in _child(sys.argv[1:]):
        print(line)
