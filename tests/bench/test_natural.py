"""The natural-question evaluation: scoring on hand-made answers, and the committed question set."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.dataset import EvalError
from bench.natural import (
    DEFAULT_QUESTIONS,
    GoldFact,
    NaturalQuestion,
    load_questions,
    score_natural,
    summarise_natural,
)
from index.intent import Intent, read_intent
from index.models import Answer, Article, Chunk, Passage, Quote
from tests.conftest import MULTIHOP_CORPUS, require

BODIES = {
    "https://a.example/ferry": "The ferry resumed on Monday. The pier reopened too.",
    "https://b.example/vote": "The council voted nine to two. Work starts in May.",
    "https://c.example/port": (
        "Dock workers at the Lindmark port voted to end their strike. "
        "Cranes were moving again by noon. Cranes."
    ),
}


def _article(number: int, url: str) -> Article:
    return Article(
        number, f"Story {number}", url, "Herald", None, None, datetime(2024, 1, 1, tzinfo=UTC),
        BODIES[url],
    )  # fmt: skip


def _quote(article: Article, sentence: str) -> Quote:
    start = article.text.index(sentence)
    return Quote(sentence, article, start, start + len(sentence))


def _passage(article: Article) -> Passage:
    return Passage(Chunk(article.id, article.id, 0, 0, len(article.text), article.text), article, 1)


FERRY = _article(1, "https://a.example/ferry")
VOTE = _article(2, "https://b.example/vote")
PORT = _article(3, "https://c.example/port")


def _answer(
    *quotes: Quote, passages: tuple[Article, ...] = (), reason: str = "", intent: str = "news"
) -> Answer:
    return Answer(
        "q", bool(quotes), list(quotes), [_passage(a) for a in passages], reason=reason,
        intent=intent,
    )  # fmt: skip


def test_an_answer_quoting_the_gold_story_scores_as_right_and_verbatim() -> None:
    question = NaturalQuestion(
        "a1", "answerable", None, "en", "ferry back?",
        (GoldFact("https://a.example/ferry", "The ferry resumed on Monday."),),
    )  # fmt: skip
    result = score_natural(
        question, _answer(_quote(FERRY, "The ferry resumed on Monday."), passages=(FERRY,)), BODIES
    )
    group = summarise_natural([result])
    assert (group.gold_quoted, group.fact_at_10, group.wrong, group.verbatim) == (1, 1, 0, 1)
    assert group.fact_quoted == 1


def test_a_gold_story_quote_that_does_not_state_the_fact_is_right_but_not_the_fact() -> None:
    """The gold story quoted is a right answer; the gold fact quoted is one that says it: the
    fact within a quote, or a quote within a fact that runs over two sentences."""
    question = NaturalQuestion(
        "a1", "answerable", None, "en", "when did the ferry resume?",
        (GoldFact("https://a.example/ferry", "The ferry resumed on Monday"),),
    )  # fmt: skip
    beside = score_natural(question, _answer(_quote(FERRY, "The pier reopened too.")), BODIES)
    stating = score_natural(
        question, _answer(_quote(FERRY, "The ferry resumed on Monday.")), BODIES
    )
    assert beside.gold_quoted and not beside.fact_quoted
    assert stating.gold_quoted and stating.fact_quoted
    group = summarise_natural([beside, stating])
    assert (group.gold_quoted, group.fact_quoted) == (1.0, 0.5)
    declined = score_natural(question, _answer(reason="My sources don't cover that."), BODIES)
    assert not declined.fact_quoted
    assert summarise_natural([declined]).fact_quoted == 0.0
    over_two = NaturalQuestion(
        "a2", "answerable", None, "en", "is the port working again?",
        (GoldFact(PORT.url or "", "Dock workers at the Lindmark port voted to end their strike. "
                  "Cranes were moving"),),
    )  # fmt: skip
    first = "Dock workers at the Lindmark port voted to end their strike."
    assert score_natural(over_two, _answer(_quote(PORT, first)), BODIES).fact_quoted
    # A fragment of a fact is not a statement of it.
    assert not score_natural(over_two, _answer(_quote(PORT, "Cranes.")), BODIES).fact_quoted


def test_an_answer_from_another_story_is_wrong_and_a_decline_is_not() -> None:
    question = NaturalQuestion(
        "a1", "answerable", None, "en", "ferry back?",
        (GoldFact("https://a.example/ferry", "The ferry resumed on Monday."),),
    )  # fmt: skip
    wrong = score_natural(question, _answer(_quote(VOTE, "Work starts in May.")), BODIES)
    declined = score_natural(question, _answer(reason="My sources don't cover that."), BODIES)
    group = summarise_natural([wrong, declined])
    assert group.wrong == 0.5
    assert group.gold_quoted == 0.0


def test_two_story_questions_need_a_quote_from_each_part() -> None:
    question = NaturalQuestion(
        "t1", "two_story", None, "en", "ferry and vote?",
        (
            GoldFact("https://a.example/ferry", "The pier reopened too.", 1),
            GoldFact("https://b.example/vote", "The council voted nine to two.", 2),
        ),
    )  # fmt: skip
    one = score_natural(question, _answer(_quote(FERRY, "The pier reopened too.")), BODIES)
    both = score_natural(
        question,
        _answer(_quote(FERRY, "The pier reopened too."), _quote(VOTE, "Work starts in May.")),
        BODIES,
    )
    assert summarise_natural([one]).both_stories == 0.0
    assert summarise_natural([both]).both_stories == 1.0
    assert summarise_natural([one, both]).gold_quoted == 1.0


def test_out_of_scope_counts_declines_and_foreign_declines_need_their_language() -> None:
    hello = NaturalQuestion("s1", "out_of_scope", "smalltalk", "ru", "привет")
    english = score_natural(hello, _answer(reason="Ask me about the news."), BODIES)
    russian = score_natural(hello, _answer(reason="Спросите меня о новостях."), BODIES)
    quoted = score_natural(hello, _answer(_quote(FERRY, "The pier reopened too.")), BODIES)
    assert summarise_natural([english, russian, quoted]).declined == pytest.approx(2 / 3)
    assert summarise_natural([english]).right_or_in_language == 0.0
    assert summarise_natural([quoted]).right_or_in_language == 0.0
    assert summarise_natural([russian]).right_or_in_language == 1.0


def test_small_talk_counts_as_replied_in_kind_only_with_the_small_talk_reply() -> None:
    hello = NaturalQuestion("s2", "out_of_scope", "smalltalk", "en", "hows ur day going")
    greeted = score_natural(hello, _answer(reason="Hi! I answer …", intent="small_talk"), BODIES)
    declined = score_natural(hello, _answer(reason="My sources don't cover that."), BODIES)
    assert summarise_natural([greeted, declined]).declined == 1.0
    assert summarise_natural([greeted, declined]).replied_in_kind == 0.5
    news = NaturalQuestion("n1", "out_of_scope", "near_miss", "en", "did the ferry strike end")
    assert (
        score_natural(news, _answer(reason="My sources don't cover that."), BODIES).replied_in_kind
        is None
    )
    assert summarise_natural([score_natural(news, _answer(), BODIES)]).replied_in_kind is None


def test_a_quote_not_in_the_original_body_is_not_verbatim() -> None:
    edited = Article(3, "x", "https://a.example/ferry", None, None, None, FERRY.added_at, "Edited.")
    question = NaturalQuestion("a1", "answerable", None, "en", "q", ())
    result = score_natural(question, _answer(_quote(edited, "Edited.")), BODIES)
    assert summarise_natural([result]).verbatim == 0.0


def test_a_malformed_question_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "x", "kind": "answerable", "question": "q", "gold": []}\n{oops\n')
    with pytest.raises(EvalError, match="line 2"):
        load_questions(path)


def test_the_committed_questions_are_sound_against_the_corpus() -> None:
    questions = load_questions(DEFAULT_QUESTIONS)
    assert len({q.id for q in questions}) == len(questions) >= 250
    kinds = Counter(q.kind for q in questions)
    assert kinds["answerable"] >= 100 and kinds["two_story"] >= 40 and kinds["out_of_scope"] >= 80
    assert sum(q.subkind == "near_miss" for q in questions) >= 25
    assert sum(q.lang in ("ru", "uk") for q in questions) >= 30
    _assert_sound(questions)


@pytest.mark.parametrize(
    "name",
    [
        "second.jsonl",
        "third.jsonl",
        "fourth.jsonl",
        "fifth.jsonl",
        "sixth.jsonl",
        "seventh.jsonl",
        "eighth.jsonl",
        "ninth.jsonl",
        "tenth.jsonl",
        "eleventh.jsonl",
        "twelfth.jsonl",
        "thirteenth.jsonl",
        "fourteenth.jsonl",
        "fifteenth.jsonl",
        "sixteenth.jsonl",
        "seventeenth.jsonl",
        "eighteenth.jsonl",
        "nineteenth.jsonl",
        "twentieth.jsonl",
        "twenty-first.jsonl",
        "twenty-second.jsonl",
        "twenty-third.jsonl",
        "twenty-fourth.jsonl",
        "twenty-fifth.jsonl",
        "twenty-sixth.jsonl",
        "twenty-seventh.jsonl",
        "twenty-eighth.jsonl",
        "twenty-ninth.jsonl",
        "thirtieth.jsonl",
        "thirty-first.jsonl",
        "thirty-second.jsonl",
        "thirty-third.jsonl",
        "thirty-fourth.jsonl",
        "thirty-fifth.jsonl",
        "thirty-sixth.jsonl",
        "thirty-seventh.jsonl",
        "thirty-eighth.jsonl",
        "thirty-ninth.jsonl",
        "fortieth.jsonl",
        "forty-first.jsonl",
        "forty-second.jsonl",
        "forty-third.jsonl",
        "forty-fourth.jsonl",
        "forty-fifth.jsonl",
        "forty-sixth.jsonl",
        "forty-seventh.jsonl",
        "forty-eighth.jsonl",
        "forty-ninth.jsonl",
        "fiftieth.jsonl",
        "fifty-first.jsonl",
    ],
)
def test_the_further_sets_are_sound_and_share_no_id_with_the_first(name: str) -> None:
    further = load_questions(DEFAULT_QUESTIONS.with_name(name))
    assert len({q.id for q in further}) == len(further) >= 100
    assert not {q.id for q in further} & {q.id for q in load_questions(DEFAULT_QUESTIONS)}
    _assert_sound(further)


def _assert_sound(questions: list[NaturalQuestion]) -> None:
    """Every gold fact is in its article's body; two-story gold names both parts, apart."""
    corpus = json.loads(require(MULTIHOP_CORPUS).read_text(encoding="utf-8"))
    bodies = {record["url"]: record["body"] for record in corpus}
    for question in questions:
        assert question.answerable == bool(question.gold), question.id
        for gold in question.gold:
            assert gold.fact in bodies[gold.url], question.id
        if question.kind == "two_story":
            urls_by_part = {g.part: g.url for g in question.gold}
            assert {1, 2} <= set(urls_by_part), question.id
            assert urls_by_part[1] != urls_by_part[2], question.id


def test_every_small_talk_question_of_the_sets_gets_the_small_talk_reply() -> None:
    # Declining "thx that helped" as news would count as a decline; the person should get the
    # friendly reply saying what the bot does instead, and no news question should.
    sets = sorted(DEFAULT_QUESTIONS.parent.glob("*.jsonl"))
    questions = [q for path in sets for q in load_questions(path)]
    small_talk = [q.question for q in questions if q.subkind == "smalltalk"]
    assert len(small_talk) >= 60
    assert [q for q in small_talk if read_intent(q) is not Intent.SMALL_TALK] == []
    news = [q.question for q in questions if q.kind != "out_of_scope"]
    assert [q for q in news if read_intent(q) is Intent.SMALL_TALK] == []


def test_a_corpus_sample_keeps_the_gold_articles_and_draws_the_same_others() -> None:
    from bench.dataset import Corpus, sample_corpus
    from index.models import ArticleDraft

    drafts = [
        ArticleDraft(text=f"Story {n} text.", title=f"Story {n}", url=f"https://x.example/{n}")
        for n in range(40)
    ]
    corpus = Corpus(Path("corpus.json"), drafts, {d.url or "": d.text for d in drafts}, "abc")
    gold = {"https://x.example/3", "https://x.example/37"}
    sample = sample_corpus(corpus, gold, others=5)
    urls = [d.url for d in sample.drafts]
    assert len(urls) == 7 and gold <= set(urls)
    assert urls == sorted(urls, key=lambda u: int(str(u).rsplit("/", 1)[1]))  # corpus order
    assert set(sample.bodies) == set(urls)
    assert [d.url for d in sample_corpus(corpus, gold, others=5).drafts] == urls
    assert sample.fingerprint("model") != corpus.fingerprint("model")
    assert len(sample_corpus(corpus, gold, others=100).drafts) == 40


def test_questions_are_asked_as_of_the_corpus_newest_day_unless_told(tmp_path: Path) -> None:
    from datetime import date

    from bench.natural import run_natural
    from index.settings import Settings
    from tests.bench.test_multihop import _benchmark, _fake_engine

    data = _benchmark(tmp_path / "multihop")  # newest article: 9 October 2023
    questions = tmp_path / "questions.jsonl"
    library = {"url": "https://example.org/library", "fact": "stay open until nine"}
    questions.write_text(
        json.dumps(
            {
                "id": "ans-1",
                "kind": "answerable",
                "lang": "en",
                "question": "library opening hours news this week",
                "gold": [library],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path / "unused")
    work = tmp_path / "work"
    report = run_natural(settings, data, questions, work, engine_factory=_fake_engine, judge=False)
    assert report.asked_on == "2023-10-09"
    assert report.results[0].gold_quoted  # "this week" is the week of the newest article
    later = run_natural(
        settings,
        data,
        questions,
        work,
        engine_factory=_fake_engine,
        asked_on=date(2026, 1, 5),
        judge=False,
    )
    assert later.asked_on == "2026-01-05" and not later.results[0].answered
