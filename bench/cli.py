"""`newsbot eval multihop` and `newsbot bench`: the evaluation commands on the engine's CLI.

The `newsbot` command line (index/cli.py) adds these when the `bench` package is importable, as
it is in a checkout; the runtime bot never imports them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench import crash, profile, speed, start, stress
from bench.dataset import default_data_dir, repo_root
from bench.fit import cmd_eval_fit
from bench.fit_languages import cmd_eval_fit_languages
from bench.judge import QUESTION_SETS, cmd_eval_judge
from bench.natural import DEFAULT_QUESTIONS, cmd_eval_natural
from bench.report import format_text, write_results
from bench.run import run_multihop
from bench.written import WRITTEN
from index.cli import day_argument
from index.settings import Settings

__all__ = ["register_cli"]


def cmd_eval_multihop(settings: Settings, args: Any) -> int:
    """The `eval multihop` command."""
    progress = sys.stderr.isatty() and not args.json

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.postgresql_ranking != "bm25":
        from index.pg_search import PgLexicalIndex

        PgLexicalIndex.ranking = args.postgresql_ranking
    report = run_multihop(
        settings,
        args.data,
        queries_name=args.queries,
        work_dir=args.work_dir,
        limit=args.limit,
        ablations=args.ablations,
        progress=progress,
        log=log,
    )
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(format_text(report))
    if args.results is not None and str(args.results) != "-":
        command = "newsbot eval multihop" + "".join(
            f" {a}" for a in sys.argv[3:] if sys.argv[1:3] == ["eval", "multihop"]
        )
        write_results(report, args.results, command)
        log(f"Results written to {args.results} and {args.results.with_suffix('.json')}")
    return 0


def register_cli(commands: Any) -> None:
    """Add `eval multihop`, `eval natural`, `bench` and its `crash`, `stress`, `start` and
    `profile`."""
    bench = speed.register_cli(commands)
    # `newsbot bench` alone measures speed; `bench crash` and `bench stress` test reliability.
    tools = bench.add_subparsers(dest="bench_tool", metavar="TOOL")
    crash.register_cli(tools)
    stress.register_cli(tools)
    start.register_cli(tools)
    profile.register_cli(tools)
    evaluate = commands.add_parser("eval", help="measure answer quality on a benchmark")
    benchmarks = evaluate.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    multihop = benchmarks.add_parser(
        "multihop",
        help="MultiHop-RAG: retrieval, quotes and declines on news questions",
        description="Ingest the MultiHop-RAG corpus into a scratch directory (reused while "
        "unchanged), ask every question as the bot would, and report Hits@4/10, MRR@10, "
        "article recall, quote precision, verbatim rate, declines and latency.",
    )
    multihop.add_argument(
        "--data",
        type=Path,
        default=default_data_dir(),
        help="directory with corpus.json and the query files "
        "(default: $NEWSBOT_MULTIHOP_DIR or ../shared/data/multihop-rag)",
    )
    multihop.add_argument(
        "--queries",
        default="queries-dev.json",
        help="query file name inside --data (default: queries-dev.json)",
    )
    multihop.add_argument(
        "--work-dir",
        type=Path,
        default=repo_root() / ".eval" / "multihop",
        help="scratch data directory for the ingested corpus "
        "(default: .eval/multihop in the checkout)",
    )
    multihop.add_argument("--limit", type=int, help="only the first N questions")
    multihop.add_argument(
        "--results",
        type=Path,
        default=repo_root() / "results" / "multihop-dev.md",
        help="Markdown results file, with a .json twin; - to write none "
        "(default: results/multihop-dev.md)",
    )
    multihop.add_argument(
        "--ablations",
        action="store_true",
        help="also measure each tuning idea switched off (slower)",
    )
    multihop.add_argument("--json", action="store_true", help="print the figures as JSON")
    multihop.add_argument(
        "--postgresql-ranking",
        choices=["bm25", "ts_rank_cd"],
        default="bm25",
        help="with NEWSBOT_DATABASE_URL: rank full-text matches by BM25 (default) or by "
        "PostgreSQL's ts_rank_cd alone, to measure the difference",
    )
    multihop.set_defaults(handler=cmd_eval_multihop, standalone=True)
    natural = benchmarks.add_parser(
        "natural",
        help="natural questions: casual, two-story, out-of-scope and Russian/Ukrainian",
        description="Ask the hand-written natural questions over the MultiHop-RAG corpus (same "
        "scratch directory as eval multihop) and report, per kind of question, gold stories "
        "quoted, both stories quoted, declines, wrong answers, verbatim rate and latency.",
    )
    natural.add_argument(
        "--data",
        type=Path,
        default=default_data_dir(),
        help="directory with corpus.json (default: $NEWSBOT_MULTIHOP_DIR or "
        "../shared/data/multihop-rag)",
    )
    natural.add_argument(
        "--questions",
        type=Path,
        default=DEFAULT_QUESTIONS,
        help="JSON Lines question file (default: bench/data/natural/questions.jsonl)",
    )
    natural.add_argument(
        "--work-dir",
        type=Path,
        default=repo_root() / ".eval" / "multihop",
        help="scratch data directory for the ingested corpus (default: .eval/multihop)",
    )
    natural.add_argument(
        "--results",
        type=Path,
        default=repo_root() / "results" / "natural-dev.md",
        help="Markdown results file, with a .json twin; - to write none "
        "(default: results/natural-dev.md)",
    )
    natural.add_argument(
        "--languages", help="only questions in these languages, e.g. ru,uk (default: all)"
    )
    natural.add_argument(
        "--corpus-sample",
        type=int,
        metavar="N",
        help="ingest only the chosen questions' gold articles and N others drawn at random "
        "(fixed seed), for a model too slow for the whole corpus; use another --work-dir",
    )
    natural.add_argument(
        "--as-of",
        type=day_argument,
        metavar="YYYY-MM-DD",
        help="ask as if it were that day (default: the day of the corpus's newest article, "
        "as the questions ask about its stories as current news)",
    )
    natural.add_argument(
        "--no-judge",
        action="store_true",
        help="ask without the answer judge (by default it is made in WORK_DIR when missing, "
        "once, about seventy minutes with its picker; see `newsbot eval judge`)",
    )
    natural.add_argument(
        "--written",
        choices=WRITTEN,
        default="as-typed",
        help="ask the English questions as typed, with their first letter capitalised, also "
        "with each word written as the articles mostly write it, or with a question mark where "
        "they had none and none where they had one (default: as-typed)",
    )
    natural.set_defaults(handler=cmd_eval_natural, standalone=True)
    fit = benchmarks.add_parser(
        "fit",
        help="fit the weights of the decision to answer on the development questions",
        description="Collect the evidence signals of every development question (MultiHop-RAG "
        "and natural), cross-validate a logistic regression with all signals and with each "
        "left out, and print the weights and threshold fitted on all of them.",
    )
    fit.add_argument("--data", type=Path, default=default_data_dir())
    fit.add_argument(
        "--questions",
        type=Path,
        nargs="+",
        default=[DEFAULT_QUESTIONS],
        metavar="FILE",
        help="natural question files (default: the development set)",
    )
    fit.add_argument("--work-dir", type=Path, default=repo_root() / ".eval" / "multihop")
    fit.add_argument(
        "--judge",
        action="store_true",
        help="fit the short rule with the answer judge too: each file's questions are judged "
        "by a judge trained on the other files (made in WORK_DIR where missing, ~12 minutes "
        "each); give every natural set",
    )
    fit.add_argument(
        "--judge-folds",
        type=int,
        default=0,
        metavar="K",
        help="with --judge: deal the files to K folds, each judged by one judge trained on "
        "the other folds (K judges to make, not one per file)",
    )
    fit.add_argument(
        "--samples",
        type=Path,
        help="JSON file of collected signals: fitted from if it exists, else written after "
        "collecting (collecting asks every question and takes minutes)",
    )
    fit.set_defaults(handler=cmd_eval_fit, standalone=True)
    judge = benchmarks.add_parser(
        "judge",
        help="make the answer judge and its picker from the natural questions over the corpus "
        "(about seventy minutes)",
        description="Rank the candidate sentences of every short English question of the "
        "natural question sets over the MultiHop-RAG corpus, label them by the gold facts, and "
        "fine-tune the bundled MiniLM on them as a cross-encoder: the answer judge, used by "
        "the decision to answer when it is in the data directory's 'judge' (or "
        "NEWSBOT_JUDGE_DIR). Then fine-tune the judge again on which sentences of a gold story "
        "state the fact: its picker, kept in the judge's directory, which chooses the "
        "sentences an answer quotes.",
    )
    judge.add_argument("--data", type=Path, default=default_data_dir())
    judge.add_argument(
        "--questions",
        type=Path,
        nargs="+",
        default=list(QUESTION_SETS),
        metavar="FILE",
        help="question files to learn from (default: every natural set but those held out to "
        "check it, bench.judge.HELD_OUT_SETS)",
    )
    judge.add_argument("--work-dir", type=Path, default=repo_root() / ".eval" / "multihop")
    judge.add_argument(
        "--out", type=Path, help="where to write the judge (default: WORK_DIR/judge)"
    )
    judge.add_argument("--epochs", type=int, default=2)
    judge.set_defaults(handler=cmd_eval_judge, standalone=True)
    languages = benchmarks.add_parser(
        "fit-languages",
        help="fit the cosine at which a question in another language is answered",
        description="Ask the Russian/Ukrainian questions of each set once over its corpus "
        "sample with the configured multilingual model, and print what each threshold on the "
        "quoted sentence's cosine would give, and the one answering most questions right "
        "within the allowed share of wrong answers.",
    )
    languages.add_argument("--data", type=Path, default=default_data_dir())
    languages.add_argument(
        "--set",
        action="append",
        required=True,
        metavar="QUESTIONS:WORK_DIR",
        help="a question file and the scratch directory of its corpus sample (repeatable)",
    )
    languages.add_argument("--corpus-sample", type=int, default=100, metavar="N")
    languages.add_argument(
        "--max-errors",
        type=float,
        default=0.10,
        help="the largest share of the news questions that may get a wrong answer (0.10)",
    )
    languages.set_defaults(handler=cmd_eval_fit_languages, standalone=True)
