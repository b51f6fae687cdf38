"""The MultiHop-RAG evaluation: metric functions on hand-made cases, and the command end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.metrics import (
    QuestionResult,
    all_gold_found,
    article_recall,
    distinct,
    hit_flags,
    hits_at,
    is_verbatim,
    percentile,
    reciprocal_rank,
    score_question,
    squash,
    summarise,
    summarise_by_type,
)
from bench.report import format_markdown, write_results
from bench.run import run_multihop
from index import Engine, HashingEncoder, Settings
from index.cli import build_parser
from index.models import Answer, Article, Chunk, Passage, Quote
from tests.conftest import MULTIHOP_CORPUS, require

# -- the metric functions ------------------------------------------------------------------


def test_squash_drops_spaces_and_line_breaks_only() -> None:
    assert squash(" The  Fed\nheld rates.\n\n") == "TheFedheldrates."
    assert squash("U.S.-made") == "U.S.-made"


def test_a_passage_is_a_hit_when_it_holds_a_fact_whatever_the_spacing() -> None:
    passages = [
        "Nothing to see here.",
        "The Fed held\nrates  steady on Wednesday, officials said.",
        "Rates steady",
    ]
    facts = ["The Fed held rates steady on Wednesday"]
    assert hit_flags(passages, facts) == [False, True, False]
    # Part of a fact is not the fact; an empty fact never matches everything.
    assert hit_flags(["The Fed held"], facts) == [False]
    assert hit_flags(["anything"], [" ", ""]) == [False]


def test_hits_at_k_count_only_the_first_k_passages() -> None:
    flags = [False, False, False, False, True]
    assert hits_at(flags, 4) == 0.0
    assert hits_at(flags, 5) == 1.0
    assert hits_at(flags, 10) == 1.0
    assert hits_at([], 10) == 0.0


def test_reciprocal_rank_is_one_over_the_first_hit_within_k() -> None:
    assert reciprocal_rank([True, True]) == 1.0
    assert reciprocal_rank([False, False, True, True]) == pytest.approx(1 / 3)
    assert reciprocal_rank([False] * 10 + [True]) == 0.0  # rank 11 is outside MRR@10
    assert reciprocal_rank([False, True], k=1) == 0.0
    assert reciprocal_rank([]) == 0.0


def test_article_recall_counts_distinct_gold_articles() -> None:
    retrieved = distinct(["a", "a", "b", "c", "b"])
    assert retrieved == ["a", "b", "c"]
    assert article_recall(retrieved, ["a", "d"]) == 0.5
    assert article_recall(retrieved, ["a", "a", "b"]) == 1.0  # a repeated gold counts once
    assert article_recall(retrieved, []) == 1.0
    assert all_gold_found(retrieved, ["c", "a"])
    assert not all_gold_found(retrieved, ["c", "z"])


def test_verbatim_means_character_for_character() -> None:
    body = "He said: “We will win.”\n\nThen he left."
    assert is_verbatim("He said: “We will win.”", body)
    assert not is_verbatim('He said: "We will win."', body)  # straightened quotes
    assert not is_verbatim("He said:  “We will win.”", body)  # extra space
    assert not is_verbatim("", body)


def test_percentile_interpolates() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(n) for n in range(1, 101)], 95) == pytest.approx(95.05)


# -- scoring an answer ---------------------------------------------------------------------

WHEN = datetime(2023, 10, 1, tzinfo=UTC)


def _article(article_id: int, url: str, text: str) -> Article:
    return Article(article_id, f"Title {article_id}", url, "Outlet", None, WHEN, WHEN, text)


def _passage(article: Article, start: int, end: int, score: float = 1.0) -> Passage:
    chunk = Chunk(article.id * 100 + start, article.id, 0, start, end, article.text[start:end])
    return Passage(chunk, article, score, dense=0.5)


def _quote(article: Article, start: int, end: int, text: str | None = None) -> Quote:
    return Quote(article.text[start:end] if text is None else text, article, start, end)


GOLD_TEXT = "First gold sentence. The key fact is here. Closing line."
OTHER_TEXT = "An unrelated story. It says other things."
GOLD = _article(1, "https://example.org/gold", GOLD_TEXT)
OTHER = _article(2, "https://example.org/other", OTHER_TEXT)
BODIES = {GOLD.url or "": GOLD_TEXT, OTHER.url or "": OTHER_TEXT}
QUERY = {
    "qid": 7,
    "query": "What is the key fact?",
    "question_type": "inference_query",
    "evidence_list": [
        {"url": "https://example.org/gold", "fact": "The key  fact is here."},
        {"url": "https://example.org/missing", "fact": "Never retrieved."},
    ],
}
NULL_QUERY = {"qid": 8, "query": "Nothing?", "question_type": "null_query", "evidence_list": []}


def test_score_question_measures_hits_recall_and_quotes() -> None:
    passages = [
        _passage(OTHER, 0, len(OTHER_TEXT)),
        _passage(GOLD, 0, 20),  # "First gold sentence." only: gold article, no fact
        _passage(GOLD, 21, 43),  # the fact
    ]
    quotes = [
        _quote(GOLD, 21, 43),  # verbatim, gold
        _quote(OTHER, 0, 19),  # verbatim, not gold
        _quote(GOLD, 21, 43, text="The key fact is HERE."),  # claims to be what it is not
    ]
    answer = Answer("What is the key fact?", True, quotes=quotes, passages=passages)
    result = score_question(QUERY, answer, BODIES, seconds=0.01)
    assert result.flags == (False, False, True)
    assert result.answerable and result.answered
    assert result.gold_articles == ("https://example.org/gold", "https://example.org/missing")
    assert result.retrieved_articles == ("https://example.org/other", "https://example.org/gold")
    assert result.article_recall == 0.5
    assert not result.all_gold
    assert (result.quotes, result.quotes_from_gold, result.quotes_verbatim) == (3, 2, 2)


def test_a_quote_must_be_in_the_original_body_not_only_the_stored_text() -> None:
    # The stored text was altered (say, by extraction); the quote matches it but not the source.
    altered = _article(1, "https://example.org/gold", GOLD_TEXT.replace("key", "main"))
    answer = Answer("q", True, quotes=[_quote(altered, 21, 44)], passages=[])
    assert score_question(QUERY, answer, BODIES).quotes_verbatim == 0


def _result(
    question_type: str,
    *,
    flags: tuple[bool, ...] = (),
    answered: bool = True,
    gold: tuple[str, ...] = ("g",),
    retrieved: tuple[str, ...] = (),
    quotes: tuple[int, int, int] = (0, 0, 0),
    seconds: float = 0.01,
) -> QuestionResult:
    return QuestionResult(
        qid=0,
        question_type=question_type,
        answerable=bool(gold),
        answered=answered,
        flags=flags,
        gold_articles=gold,
        retrieved_articles=retrieved,
        quotes=quotes[0],
        quotes_from_gold=quotes[1],
        quotes_verbatim=quotes[2],
        seconds=seconds,
    )


def test_summary_leaves_null_questions_out_of_retrieval_and_precision() -> None:
    results = [
        _result("inference_query", flags=(True,), retrieved=("g",), quotes=(2, 2, 2)),
        _result(
            "comparison_query",
            flags=(False,) * 4 + (True,),
            gold=("g", "h"),
            retrieved=("g", "x"),
            quotes=(2, 1, 2),
            answered=True,
        ),
        _result("temporal_query", flags=(False,), retrieved=("x",), answered=False),
        # Null questions: one declined, one answered with a (necessarily wrong) quote.
        _result("null_query", gold=(), answered=False, seconds=0.03),
        _result("null_query", gold=(), answered=True, quotes=(1, 0, 1), seconds=0.05),
    ]
    overall = summarise(results)
    assert overall.questions == 5 and overall.answerable == 3 and overall.null_questions == 2
    assert overall.hits_at_4 == pytest.approx(1 / 3)
    assert overall.hits_at_10 == pytest.approx(2 / 3)
    assert overall.mrr_at_10 == pytest.approx((1 + 1 / 5 + 0) / 3)
    assert overall.article_recall_at_10 == pytest.approx((1 + 0.5 + 0) / 3)
    assert overall.all_gold_at_10 == pytest.approx(1 / 3)
    assert overall.quote_precision == pytest.approx(3 / 4)  # the null question's quote is not in it
    assert overall.verbatim_rate == 1.0  # ... but every quote is checked for being verbatim
    assert overall.quotes == 5
    assert overall.answerable_answered == pytest.approx(2 / 3)
    assert overall.null_declined == 0.5
    assert overall.p50_ms == pytest.approx(10.0)

    groups = summarise_by_type(results)
    assert list(groups) == [
        "all",
        "inference_query",
        "comparison_query",
        "temporal_query",
        "null_query",
    ]
    nulls = groups["null_query"]
    assert nulls.hits_at_10 is None and nulls.quote_precision is None
    assert nulls.null_declined == 0.5
    assert groups["inference_query"].null_declined is None


def test_no_quotes_means_no_precision_rather_than_zero() -> None:
    summary = summarise([_result("inference_query", flags=(True,), answered=False)])
    assert summary.quote_precision is None and summary.verbatim_rate is None
    assert summary.answerable_answered == 0.0


# -- the command ---------------------------------------------------------------------------


def _benchmark(directory: Path) -> Path:
    """A three-article MultiHop-RAG look-alike: two answerable questions and a null one."""
    directory.mkdir()
    articles = [
        {
            "title": "Harbour bridge approved",
            "author": "A. Writer",
            "source": "The Gazette",
            "published_at": "2023-10-02T09:00:00+00:00",
            "category": "news",
            "url": "https://example.org/bridge",
            "body": "The city council approved the harbour bridge on Monday. The bridge will "
            "cost 40 million dollars and open in 2026. Engineers chose a cable-stayed design "
            "for the crossing. Ferry operators said they feared losing passengers.",
        },
        {
            "title": "Nasal flu vaccine trial begins",
            "author": "B. Writer",
            "source": "Health Weekly",
            "published_at": "2023-10-05T09:00:00+00:00",
            "category": "health",
            "url": "https://example.org/vaccine",
            "body": "Doctors started a trial of a nasal spray flu vaccine with forty volunteers. "
            "The trial will follow eight hundred adults over two winters. Volunteers can leave "
            "the study whenever they wish, the hospital said.",
        },
        {
            "title": "Library extends opening hours",
            "author": "C. Writer",
            "source": "The Gazette",
            "published_at": "2023-10-09T09:00:00+00:00",
            "category": "news",
            "url": "https://example.org/library",
            "body": "The central library will stay open until nine in the evening from "
            "November. The council found money for two more librarians. Readers had asked "
            "for later hours for years, a spokesperson said.",
        },
    ]
    queries = [
        {
            "qid": 0,
            "query": "How much will the harbour bridge cost, according to The Gazette?",
            "answer": "40 million dollars",
            "question_type": "inference_query",
            "evidence_list": [
                {
                    "url": "https://example.org/bridge",
                    "fact": "The bridge will cost 40 million dollars and open in 2026.",
                }
            ],
        },
        {
            "qid": 1,
            "query": "How many adults will the nasal spray flu vaccine trial follow?",
            "answer": "eight hundred",
            "question_type": "comparison_query",
            "evidence_list": [
                {
                    "url": "https://example.org/vaccine",
                    "fact": "The trial will follow eight hundred adults over two winters.",
                }
            ],
        },
        {
            "qid": 2,
            "query": "Which striker did Bloomberg say scored the winning goal in Brazil?",
            "answer": "Insufficient information.",
            "question_type": "null_query",
            "evidence_list": [],
        },
    ]
    (directory / "corpus.json").write_text(json.dumps(articles), encoding="utf-8")
    (directory / "queries-dev.json").write_text(json.dumps(queries), encoding="utf-8")
    return directory


def _fake_engine(settings: Settings) -> Engine:
    return Engine(settings, encoder=HashingEncoder())


def test_the_benchmark_runs_end_to_end_and_reuses_its_corpus(tmp_path: Path) -> None:
    data = _benchmark(tmp_path / "multihop")
    settings = Settings(data_dir=tmp_path / "unused")
    work = tmp_path / "work"
    report = run_multihop(settings, data, work_dir=work, engine_factory=_fake_engine)
    assert not report.ingest.reused and report.ingest.articles == 3
    overall = report.groups["all"]
    assert overall.questions == 3 and overall.answerable == 2 and overall.null_questions == 1
    assert overall.hits_at_10 == 1.0 and overall.article_recall_at_10 == 1.0
    assert overall.verbatim_rate == 1.0
    assert overall.null_declined == 1.0 and overall.answerable_answered == 1.0
    assert overall.quote_precision == 1.0
    assert not (tmp_path / "unused").exists()  # the global data directory is left alone

    again = run_multihop(settings, data, work_dir=work, engine_factory=_fake_engine, limit=1)
    assert again.ingest.reused and again.questions == 1
    assert again.ingest.seconds == pytest.approx(report.ingest.seconds, abs=0.01)

    # A changed corpus is ingested afresh.
    corpus = json.loads((data / "corpus.json").read_text())
    corpus[2]["body"] += " The mayor welcomed the decision."
    (data / "corpus.json").write_text(json.dumps(corpus))
    changed = run_multihop(settings, data, work_dir=work, engine_factory=_fake_engine)
    assert not changed.ingest.reused


def test_results_file_states_settings_and_keeps_notes(tmp_path: Path) -> None:
    data = _benchmark(tmp_path / "multihop")
    report = run_multihop(
        Settings(data_dir=tmp_path / "unused"),
        data,
        work_dir=tmp_path / "work",
        engine_factory=_fake_engine,
    )
    results = tmp_path / "results" / "multihop-dev.md"
    write_results(report, results, "newsbot eval multihop")
    text = results.read_text()
    for expected in ("Hits@4", "MRR@10", "SearchParams", "AnswerParams", "CPU cores", "200 words"):
        assert expected in text
    figures = json.loads(results.with_suffix(".json").read_text())
    assert figures["groups"]["all"]["hits_at_10"] == 1.0
    assert figures["search_params"]["outlet_boost"] == report.search_params["outlet_boost"]

    # Notes written by hand below the marker survive the next run.
    results.write_text(text + "\n<!-- notes: kept when the file is rewritten -->\nWhy: because.\n")
    write_results(report, results, "newsbot eval multihop")
    assert results.read_text().rstrip().endswith("Why: because.")
    assert "| variant |" not in format_markdown(report, "x")


def test_the_eval_command_is_registered() -> None:
    args = build_parser().parse_args(
        ["eval", "multihop", "--limit", "5", "--queries", "q.json", "--results", "-", "--json"]
    )
    assert args.standalone and args.limit == 5 and args.queries == "q.json" and args.json
    assert str(args.results) == "-"
    defaults = build_parser().parse_args(["eval", "multihop"])
    assert defaults.work_dir.parts[-2:] == (".eval", "multihop")
    assert defaults.results.parts[-2:] == ("results", "multihop-dev.md")


def test_missing_benchmark_files_are_reported_clearly(tmp_path: Path) -> None:
    from index.errors import NewsbotError

    with pytest.raises(NewsbotError, match="NEWSBOT_MULTIHOP_DIR"):
        run_multihop(Settings(data_dir=tmp_path), tmp_path / "nowhere", engine_factory=_fake_engine)


@pytest.mark.slow
def test_real_corpus_quotes_are_verbatim_on_a_slice(tmp_path: Path) -> None:
    """The first articles of the real corpus and the questions they answer, on the fake encoder:
    the plumbing (URLs, bodies, offsets) holds for real records, and every quote is verbatim."""
    corpus = json.loads(require(MULTIHOP_CORPUS).read_text(encoding="utf-8"))[:40]
    queries = json.loads((MULTIHOP_CORPUS.parent / "queries-dev.json").read_text())
    urls = {a["url"] for a in corpus}
    covered = [
        q for q in queries if q["evidence_list"] and {e["url"] for e in q["evidence_list"]} <= urls
    ]
    data = tmp_path / "slice"
    data.mkdir()
    (data / "corpus.json").write_text(json.dumps(corpus))
    nulls = [q for q in queries if not q["evidence_list"]][:5]
    (data / "queries-dev.json").write_text(json.dumps(covered[:40] + nulls))
    report = run_multihop(
        Settings(data_dir=tmp_path), data, work_dir=tmp_path / "work", engine_factory=_fake_engine
    )
    overall = report.groups["all"]
    assert overall.answerable > 0 and overall.quotes > 0
    assert overall.verbatim_rate == 1.0
    assert overall.hits_at_10 is not None and overall.hits_at_10 > 0.5
