"""Answers that know what "now" is: the latest news, periods ("this week", "yesterday"),
nothing from after the clock, and a decline naming the dates held for a period with nothing.

The clock is fixed (`as_of`), as `newsbot ask --as-of` fixes it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from index import Engine, HashingEncoder, Settings
from index.cli import main
from index.clock import as_of
from index.period import asks_only_for_news, read_period, settled_after
from index.question import read_question
from tests.support.feeds import STORIES, Story

# Every engine test here runs on the embedded store and on the shared PostgreSQL one.
BOTH_BACKENDS = True

LIGHTHOUSE, FERRY, SALMON, TRAM = (STORIES[s] for s in STORIES)
# An older story on the same topic as TRAM, so "latest" has a choice to make.
TRAM_VOTE = Story(
    "tram-vote",
    "Port Ellery tram drivers vote to strike over pay",
    datetime(2025, 1, 20, 17, 0, tzinfo=UTC),
    (
        "Tram drivers in Port Ellery voted by a large majority to strike over pay, the drivers' "
        "union said on Monday, after talks with the transport company broke down.",
        "The union asked for a seven per cent pay rise and an end to split night shifts; the "
        "company had offered two per cent.",
    ),
)
ALL = (TRAM_VOTE, LIGHTHOUSE, FERRY, SALMON, TRAM)


def _add(engine: Engine, story: Story) -> None:
    engine.add_text(
        "\n\n".join(story.paragraphs),
        title=story.title,
        url=f"https://news.example{story.path}",
        outlet="Skarholm Sentinel",
        published_at=story.published,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    with Engine(settings, encoder=HashingEncoder(), clock=as_of(date(2025, 2, 9))) as opened:
        for story in ALL:
            _add(opened, story)
        yield opened


def _titles(engine: Engine, question: str) -> list[str]:
    answer = engine.ask(question)
    assert answer.answered, answer.reason
    return [article.title for article, _ in answer.quotes_by_article()]


# -- reading the period -----------------------------------------------------------------------

NOW = datetime(2025, 2, 9, 20, 0, tzinfo=UTC)  # a Sunday


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("what happened today", date(2025, 2, 9), date(2025, 2, 10)),
        ("any news from yesterday?", date(2025, 2, 8), date(2025, 2, 9)),
        ("tram strike this week", date(2025, 2, 3), date(2025, 2, 10)),
        ("what happened last week", date(2025, 1, 27), date(2025, 2, 3)),
        ("news from last month", date(2025, 1, 1), date(2025, 2, 1)),
        ("anything on ferries this month", date(2025, 2, 1), date(2025, 3, 1)),
        ("elections last year", date(2024, 1, 1), date(2025, 1, 1)),
    ],
)
def test_calendar_periods_are_read_relative_to_now(text: str, start: date, end: date) -> None:
    period = read_period(text, NOW)
    assert period is not None
    assert (period.start.date(), period.end.date()) == (start, end)


@pytest.mark.parametrize(
    ("text", "days"),
    [("in the past week", 7), ("over the last 3 days", 3), ("the past two weeks", 14)],
)
def test_rolling_periods_end_now(text: str, days: int) -> None:
    period = read_period(text, NOW)
    assert period is not None and period.end == NOW
    assert (NOW - period.start).days == days


def test_an_outlet_named_today_is_not_a_period() -> None:
    question = read_question("what did USA Today say about tariffs", ["USA Today"], NOW)
    assert question.period is None


def test_a_period_in_a_long_detailed_question_describes_it_and_filters_nothing() -> None:
    question = read_question(
        "Are the venture capitalists mentioned in the TechCrunch article about Chinese startups "
        "investing less in Chinese companies compared to the previous year, according to the "
        "quarterly funding figures the article cites last year?",
        ["TechCrunch"],
        NOW,
    )
    assert question.period is None


def test_period_words_are_not_searched_for_as_the_topic() -> None:
    question = read_question("tram strike this week", [], NOW)
    assert question.period is not None and "week" not in question.wanted
    assert asks_only_for_news(read_question("what happened this week?", [], NOW).wanted)
    assert not asks_only_for_news(question.wanted)


# -- answering with the clock -------------------------------------------------------------------


def test_latest_prefers_the_newest_story_on_the_topic(engine: Engine) -> None:
    assert _titles(engine, "latest news on the Port Ellery tram drivers strike")[0] == TRAM.title


def test_nothing_published_after_now_is_used(engine: Engine) -> None:
    engine.clock = as_of(date(2025, 1, 25))
    titles = _titles(engine, "latest news on the Port Ellery tram drivers strike")
    assert titles == [TRAM_VOTE.title]


def test_a_period_question_is_answered_from_that_period_only(engine: Engine) -> None:
    answer = engine.ask("what did the Port Ellery tram drivers decide this week?")
    assert answer.answered, answer.reason
    assert {p.article.title for p in answer.passages} <= {s.title for s in ALL[1:]}
    assert answer.quotes[0].article.title == TRAM.title


def test_what_happened_this_week_quotes_the_lead_of_each_story_newest_first(
    engine: Engine,
) -> None:
    answer = engine.ask("what happened this week?")
    assert answer.answered, answer.reason
    assert [q.article.title for q in answer.quotes] == [
        TRAM.title,
        SALMON.title,
        FERRY.title,
        LIGHTHOUSE.title,
    ]
    for quote in answer.quotes:
        assert quote.start == 0 and quote.article.text[: quote.end] == quote.text


def test_yesterday_means_the_day_before_the_clock(engine: Engine) -> None:
    engine.clock = as_of(date(2025, 2, 8))
    assert _titles(engine, "any news from yesterday?") == [SALMON.title]


def test_a_period_with_nothing_is_declined_naming_the_dates_held(engine: Engine) -> None:
    engine.clock = as_of(date(2025, 3, 20))
    answer = engine.ask("what happened today?")
    assert not answer.answered
    assert answer.reason == "My sources have nothing from today."
    assert answer.holdings is not None and answer.holdings.articles == len(ALL)
    assert answer.holdings.first_published == TRAM_VOTE.published
    assert answer.holdings.last_published == TRAM.published


def test_a_topic_with_nothing_in_the_period_is_declined_saying_so(engine: Engine) -> None:
    answer = engine.ask("what did the tram drivers union say last week?")
    assert not answer.answered
    assert answer.reason == "My sources have nothing on that from last week."


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("who won the 2026 election", 2026),
        ("what did apple announce at wwdc 2027", 2027),
        ("super bowl 2026 winner?", 2026),
        ("how was the april 2026 eclipse", 2026),
        # Plans and forecasts of a later year: older articles discuss them.
        ("tram fares 2026 price", None),
        ("what did the union say about pay in 2026", None),
        ("how did the council vote on the 2026 budget", None),
        ("was the 2026 tram schedule announced", None),
        # A year the sources cover.
        ("who won the 2024 election", None),
        # Asked in Russian or Ukrainian (a multilingual model answers them).
        ("кто выиграл евро 2028", 2028),
        ("хто виграв євро 2028", 2028),
        ("чем закончился саммит 2026", 2026),
        ("что ждать от выборов в 2026", None),
        # The topic before its question is one clause; two parts are two.
        ("2026 tram strike, who won", 2026),
        ("why are 2026 tram passes pricey, and who won the derby", None),
        ("tram fares 2026? and who won the 2026 derby", 2026),
        # Who won, in a later year: decided then, not forecast.
        ("did the harbour team win the cup in 2026", 2026),
        ("who will win the cup in 2026", None),
    ],
)
def test_the_outcome_of_an_event_after_the_newest_article_is_recognised(
    text: str, year: int | None
) -> None:
    assert settled_after(text, lambda: datetime(2025, 2, 9, tzinfo=UTC)) == year
    assert settled_after(text, lambda: None) is None  # no articles yet


def test_how_a_later_event_went_is_declined_saying_where_the_sources_end(engine: Engine) -> None:
    answer = engine.ask("who won the 2026 tram drivers vote?")
    assert not answer.answered and not answer.quotes
    assert answer.reason == (
        "My newest article is from 9 February 2025: my sources can't say how anything in 2026 went."
    )
    assert answer.holdings is not None and answer.holdings.articles == len(ALL)
    # What the union asked for in a later year's talks is still searched for.
    assert "newest article" not in engine.ask("what did the tram union ask for 2026 pay?").reason


def test_newsbot_ask_as_of_answers_as_if_that_were_today(
    engine: Engine, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    engine.close()
    question = "latest news on the Port Ellery tram drivers strike"
    store = ["--database-url", settings.database_url] if settings.database_url else []
    args = ["--data-dir", str(settings.data_dir), *store, "ask", "--json"]

    def fake(settings: Settings) -> Engine:
        return Engine(settings, encoder=HashingEncoder())

    assert main([*args, "--as-of", "2025-01-25", question], engine_factory=fake) == 0
    record = json.loads(capsys.readouterr().out)
    assert {q["title"] for q in record["quotes"]} == {TRAM_VOTE.title}
    assert main([*args, "--as-of", "2025-02-09", question], engine_factory=fake) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["quotes"][0]["title"] == TRAM.title
