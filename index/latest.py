"""The newest headlines, on any topic or on one: articles ordered by their date, newest first;
and answers to questions that ask for news of a time rather than of a topic ("what happened
today?"), which quote the lead of each of the newest stories of that time.

An article's date is its publication date, or the time it was added when none was found.
Nothing dated after "now" (the engine's clock) is listed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from index.chunk import sentence_spans
from index.intent import not_covered, sources_end
from index.models import Answer, Article, Holdings, Quote
from index.period import asks_only_for_news
from index.question import Question, read_question
from index.quotes import make_quote
from index.search import Searcher
from index.store import Store

__all__ = [
    "TOPIC_CANDIDATES",
    "after_sources",
    "latest_articles",
    "news_of_period",
    "nothing_from_period",
]

# Passages searched for a topic; the matching articles among them are then ordered by date.
TOPIC_CANDIDATES = 100
# Stories quoted when a question asks what happened in a period.
PERIOD_STORIES = 5
# A first sentence shorter than this many words is quoted with the next one.
_SHORT_LEAD_WORDS = 12
# An article dated this far after "now" still counts as published (time zones of page dates).
_ZONE_SLACK = timedelta(hours=14)


def _dated(article: Article) -> tuple[datetime, int]:
    """Sort key: the article's date (published, else added), then its number."""
    return (article.dated, article.id)


def latest_articles(
    store: Store,
    searcher: Searcher,
    topic: str | None = None,
    limit: int = 10,
    now: datetime | None = None,
) -> list[Article]:
    """The `limit` newest articles, one per story; with a topic, those whose passages match
    its words. With `now`, nothing dated after it."""
    before = None if now is None else now + _ZONE_SLACK
    if topic is None or not topic.strip():
        return _one_per_story(store.newest(limit * 3, before), limit)
    # The engine's search finds the passages; only those sharing a word with the topic count,
    # so a topic nothing mentions lists nothing rather than the nearest vectors.
    question = read_question(topic, store.outlets(), asked_at=now)
    passages = searcher.search(question, TOPIC_CANDIDATES)
    matching = {p.article.id: p.article for p in passages if p.lexical > 0}
    return _one_per_story(sorted(matching.values(), key=_dated, reverse=True), limit)


def news_of_period(
    question: Question, store: Store, holdings: Holdings, limit: int = PERIOD_STORIES
) -> Answer:
    """The lead sentence of each of the newest stories of the question's period (or of all
    time, for "any news?"), newest first; a decline naming the period when it has none."""
    period = question.period
    if period is None:
        before = None if question.asked_at is None else question.asked_at + _ZONE_SLACK
        articles = _one_per_story(store.newest(limit * 3, before), limit)
    else:
        found = store.get_articles(store.dated_between(period.start, period.end))
        articles = _one_per_story(sorted(found.values(), key=_dated, reverse=True), limit)
    quotes = [quote for quote in map(_lead, articles) if quote is not None]
    if not quotes:
        return nothing_from_period(question, holdings)
    return Answer(question.text, True, quotes=quotes, confidence=1.0, language=question.language)


def nothing_from_period(question: Question, holdings: Holdings) -> Answer:
    """The decline for a period with nothing on the question: it says which dates are held."""
    if question.period is None or question.language != "en":
        reason = not_covered(question.language)
    elif not asks_only_for_news(question.wanted):
        reason = f"My sources have nothing on that from {question.period.label}."
    else:
        reason = f"My sources have nothing from {question.period.label}."
    return Answer(
        question.text, False, reason=reason, language=question.language, holdings=holdings
    )


def after_sources(question: Question, year: int, holdings: Holdings) -> Answer:
    """The decline for how an event turned out that is later than every article held: it
    says where the sources end (`index.period.settled_after`)."""
    reason = sources_end(question.language, year, holdings.last_published)
    return Answer(
        question.text, False, reason=reason, language=question.language, holdings=holdings
    )


def _lead(article: Article) -> Quote | None:
    """The article's first sentence (with the next when it is short): what it reports."""
    spans = sentence_spans(article.text, 0, min(len(article.text), 2000))
    return make_quote(article, spans[0], _SHORT_LEAD_WORDS) if spans else None


def _one_per_story(articles: list[Article], limit: int) -> list[Article]:
    """The first article of each story, in the given order, at most `limit`."""
    seen: set[int] = set()
    kept: list[Article] = []
    for article in articles:
        if article.story in seen:
            continue
        seen.add(article.story)
        kept.append(article)
        if len(kept) == limit:
            break
    return kept
