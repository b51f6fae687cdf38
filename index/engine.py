"""The engine facade: one object the bot, the CLI and the evaluations use to ingest, ask and manage.

It composes the library (store + vector index kept consistent), the ingest pipeline, one
searcher and the feeds, built once, and a clock that says what "now" is. Every method except
`add_url` and `poll_feed` is synchronous and may be slow (model, disk); asyncio front ends use
`index.AsyncEngine`, which runs them in worker threads. Methods are thread-safe: questions are
answered while an ingest runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from index.answer import AnswerParams, Similarity, compose_answer
from index.backends import VectorIndexLike
from index.clock import Clock, SystemClock
from index.embed import Encoder, Vectors, build_encoder
from index.errors import IngestError
from index.feeds import Feeds
from index.ingest import Ingester
from index.initials import LibraryCorpus, find_initials
from index.intent import english_only, reply_for
from index.judge import Judge, JudgeError, Judgement, load_judge
from index.latest import after_sources, latest_articles, news_of_period, nothing_from_period
from index.library import Library, open_library
from index.models import (
    Answer,
    Article,
    ArticleDraft,
    Feed,
    FeedPoll,
    IngestOutcome,
    Passage,
    Stats,
)
from index.period import asks_only_for_news, settled_after
from index.question import (
    Question,
    read_question,
    without_end_marks,
    without_first_capital,
)
from index.search import Searcher, SearchParams
from index.sentence_cache import SentenceVectors
from index.settings import Settings
from index.shorthand import spell_out_shorthand
from index.spelling import mend_typos
from index.store import Store

if TYPE_CHECKING:
    # Only for annotations: asking never loads the fetching stack (see index.fetch).
    import httpx

    from index.async_engine import StageCallback

__all__ = ["Engine"]

log = logging.getLogger(__name__)


class Engine:
    """Articles, their index, and the search and answer logic over them."""

    def __init__(
        self,
        settings: Settings,
        encoder: Encoder | None = None,
        search_params: SearchParams | None = None,
        answer_params: AnswerParams | None = None,
        *,
        library: Library | None = None,
        clock: Clock | None = None,
        judge: Judge | None = None,
    ) -> None:
        self.settings = settings
        self.encoder: Encoder = encoder or build_encoder(settings)
        self.library = library or open_library(settings, self.encoder)
        self.ingester = Ingester(self.library, self.encoder, settings)
        self.searcher = Searcher(self.library, self.encoder, search_params or SearchParams())
        # Thresholds are fitted to a model's cosine scale; an encoder may say which suit it.
        overrides = getattr(self.encoder, "answer_overrides", {})
        self.answer_params = answer_params or replace(AnswerParams(), **overrides)
        self.feeds = Feeds(self.library, self.ingester, settings, clock or SystemClock())
        self.library.clock = self.feeds.clock
        self.initials = LibraryCorpus(self.library)
        self.sentences = SentenceVectors(self.encoder)
        self.judge: Judge | None = judge if judge is not None else _judge_of(settings)

    def with_params(
        self, search: SearchParams | None = None, answer: AnswerParams | None = None
    ) -> Engine:
        """The same corpus searched or answered with other parameters (for evaluations).

        The variant shares this engine's library and model: nothing is reloaded, and closing
        either closes both.
        """
        return Engine(
            self.settings,
            self.encoder,
            search or self.search_params,
            answer or self.answer_params,
            library=self.library,
            clock=self.clock,
            judge=self.judge,
        )

    @property
    def search_params(self) -> SearchParams:
        return self.searcher.params

    @property
    def clock(self) -> Clock:
        """What "now" is: the system clock, or a fixed day (`newsbot ask --as-of`, tests)."""
        return self.feeds.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.feeds.clock = clock
        self.library.clock = clock

    # -- life cycle -----------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def is_open(self) -> bool:
        return self.library.is_open

    def open(self, load_model: bool = True) -> Engine:
        """Open the database and the vector index, and load the model (slow; idempotent).

        With `load_model=False` the model loads on first use instead, so commands that only
        list or remove articles start in a fraction of a second.
        """
        if not load_model:
            self.library.open()
            return self
        # The model loads beside the database and indexes (its loading is guarded by the
        # encoder's lock: a re-embedding at open waits for it).
        with ThreadPoolExecutor(1, thread_name_prefix="newsbot-model") as pool:
            warming = pool.submit(self._warm_up)
            self.library.open()
            warming.result()
        return self

    def _warm_up(self) -> None:
        self.encoder.warm_up()
        if self.judge is not None:
            try:
                self.judge.warm_up()
            except JudgeError as error:
                log.warning("%s; answering without the judge", error)
                self.judge = None

    def flush(self) -> None:
        """Save the vector index if it changed since the last save."""
        self.library.flush()

    def close(self) -> None:
        self.library.close()

    def __enter__(self) -> Engine:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def store(self) -> Store:
        return self.library.store

    @property
    def vectors(self) -> VectorIndexLike:
        return self.library.vectors

    # -- ingest ---------------------------------------------------------------------------

    def add_draft(self, draft: ArticleDraft, *, save: bool = True) -> Article:
        """Chunk, embed and store one article; raises DuplicateArticle if it is already here."""
        return self.ingester.add_draft(draft, save=save)

    def add_drafts(
        self,
        drafts: Sequence[ArticleDraft],
        *,
        sources: Sequence[str] | None = None,
        save: bool = True,
    ) -> list[IngestOutcome]:
        """Add many articles, one outcome per draft, encoding their passages in shared batches."""
        return self.ingester.add_drafts(drafts, sources=sources, save=save)

    def add_text(
        self,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        author: str | None = None,
        published_at: object = None,
    ) -> Article:
        """Add pasted or forwarded text; without a title its first line is the headline."""
        return self.ingester.add_text(
            text, title=title, url=url, outlet=outlet, author=author, published_at=published_at
        )

    def add_html(self, content: str | bytes, url: str | None = None) -> Article:
        """Add an HTML page (downloaded or uploaded)."""
        return self.ingester.add_html(content, url)

    def add_file(self, name: str, content: bytes, mime_type: str | None = None) -> Article:
        """Add an uploaded file holding one article (.html or .txt, or by its media type)."""
        return self.ingester.add_file(name, content, mime_type)

    async def add_url(
        self,
        url: str,
        client: httpx.AsyncClient | None = None,
        on_stage: StageCallback | None = None,
    ) -> Article:
        """Fetch, extract and index one link; CPU work runs in a worker thread."""
        return await self.ingester.add_url(url, client, on_stage)

    def ingest_paths(
        self, sources: Iterable[str | Path]
    ) -> Iterator[tuple[str, ArticleDraft | IngestError]]:
        """Drafts read from files, JSON / JSON Lines records and directories, one per article."""
        return self.ingester.read_paths(sources)

    # -- questions ------------------------------------------------------------------------

    def read(self, text: str) -> Question:
        """`text` read once as a question, knowing the stored outlets; in an English news
        question, typing slips are mended from the corpus's words, and chat shorthand ("utd")
        and initials are spelt out where the articles write them in full (small talk is left
        alone)."""
        outlets = self.library.store.outlets()
        question = read_question(text, outlets, asked_at=self.clock.now())
        if not question.is_news or question.language != "en":
            return question
        frequencies = self.library.lexical.document_frequency
        typed = without_first_capital(question)
        mended = spell_out_shorthand(mend_typos(typed, frequencies, outlets), frequencies)
        initials: dict[str, str] = {}
        if question.is_chat:
            # A chat question's initials; a long, detailed question names what it asks about.
            initials = find_initials(mended, self.initials, outlets)
        if mended == typed and not initials:
            return question
        return read_question(mended, outlets, asked_at=question.asked_at, initials=initials)

    def search(self, question: str | Question, k: int = 10) -> list[Passage]:
        if isinstance(question, str):
            question = self.read(question)
        return self.searcher.search(question, k)

    def ask(self, text: str, k: int = 10) -> Answer:
        """Quotes that answer `text` with their sources, or a decline with its reason."""
        question = self.read(text)
        if not question.text:
            return Answer(question.text, False, reason="Ask me a question about the news.")
        if not question.is_news:
            reply = reply_for(question.intent, question.language, question.text)
            return Answer(
                question.text,
                False,
                reason=reply,
                intent=question.intent,
                language=question.language,
            )
        if question.language != "en" and not self.encoder.multilingual:
            return Answer(
                question.text,
                False,
                reason=english_only(question.language),
                language=question.language,
            )
        year = settled_after(question.text, lambda: self.library.holdings().last_published)
        if year is not None:
            return after_sources(question, year, self.library.holdings())
        timed = question.period is not None or question.cues.recent
        if timed and asks_only_for_news(question.wanted):
            # "What happened today?", "any news this week?": no topic, only a time.
            news = news_of_period(question, self.library.store, self.library.holdings())
            return self._with_copies(news)
        # Encoded once: search looks these up, and the answer compares sentences with the first.
        passages, query_vectors = self.searcher.search_and_encode(question, k)
        if not passages and question.period is not None:
            return nothing_from_period(question, self.library.holdings())
        rarity = self.searcher.rarity(question)
        similarity = self.similarity_to(
            question, None if query_vectors is None else query_vectors[0]
        )
        answer = compose_answer(
            question,
            passages,
            self.answer_params,
            rarity,
            similarity,
            self.judgement_of(question),
            self.resemblance,
            self.picking_of(question),
            self.judging_of(question),
        )
        if answer.answered:
            return self._with_copies(answer)
        return replace(answer, holdings=self.library.holdings())

    def judgement_of(self, question: Question) -> Judgement | None:
        """The answer judge's scores of sentences against `question`, where a judge is loaded
        that reads its language."""
        judging = self.judging_of(question)
        return judging(without_end_marks(question)) if judging is not None else None

    def judging_of(self, question: Question) -> Callable[[str], Judgement] | None:
        """The answer judge's scores of sentences against any text read as a question in the
        language of `question` (such as one of its parts), where a judge that reads it is
        loaded."""
        judge = self.judge
        if judge is None or question.language not in judge.languages:
            return None
        return judge.judgement

    def picking_of(self, question: Question) -> Judgement | None:
        """The picker's scores of sentences against `question` (which of a story's sentences
        state its answer), where the judge has a picker that reads its language."""
        picker = self.judge.picker if self.judge is not None else None
        if picker is None or question.language not in picker.languages:
            return None
        return picker.judgement(without_end_marks(question))

    def similarity_to(
        self, question: Question, vector_of_question: Vectors | None = None
    ) -> Similarity:
        """The model's cosine of `question` with each of some texts (the question is encoded
        only when first asked, unless its vector is given)."""
        return self._similarity_of(without_end_marks(question), vector_of_question)

    def resemblance(self, text: str, others: Sequence[str]) -> Sequence[float]:
        """The model's cosine of `text` (read as a question, such as a part of one) with each
        of `others`."""
        return self._similarity_of(text)(others)

    def _similarity_of(self, text: str, vector_of_text: Vectors | None = None) -> Similarity:
        vector: list[Vectors] = [] if vector_of_text is None else [vector_of_text]

        def cosines(texts: Sequence[str]) -> list[float]:
            if not texts:
                return []
            if not vector:
                vector.append(self.encoder.encode_queries([text])[0])
            return [float(c) for c in self.sentences.encode(list(texts)) @ vector[0]]

        return cosines

    def _with_copies(self, answer: Answer) -> Answer:
        """The answer, naming the other outlets that carried each quoted story."""
        quoted = {quote.article.id: quote.article.story for quote in answer.quotes}
        copies = self.library.store.story_copies(set(quoted.values()))
        also_in = {
            article_id: tuple(a for a in copies.get(story, []) if a.id != article_id)
            for article_id, story in quoted.items()
        }
        return replace(answer, also_in={i: c for i, c in also_in.items() if c})

    # -- management -----------------------------------------------------------------------

    def list_articles(self, offset: int = 0, limit: int = 10) -> list[Article]:
        return self.library.store.list_articles(offset, limit)

    def get_article(self, article_id: int) -> Article:
        return self.library.store.get_article(article_id)

    def find_article(self, id_or_url: str) -> Article:
        """An article by its number or by any spelling of its URL; raises NotFound."""
        return self.library.find_article(id_or_url)

    def remove(self, id_or_url: str) -> Article:
        """Delete an article and its passages; they vanish from answers at once."""
        return self.library.remove(id_or_url)

    def stats(self) -> Stats:
        return self.library.stats()

    def latest(self, topic: str | None = None, limit: int = 10) -> list[Article]:
        """The newest articles (by publication date, else when added), optionally on a topic."""
        return latest_articles(
            self.library.store, self.searcher, topic, limit, now=self.clock.now()
        )

    # -- feeds ----------------------------------------------------------------------------

    def add_feed(self, url: str, minutes: float | None = None) -> Feed:
        """Follow an RSS or Atom feed, polled every `minutes`; raises FeedError, DuplicateFeed."""
        return self.feeds.add(url, minutes)

    def subscribe_configured(self) -> list[Feed]:
        """Follow the feeds of the settings (NEWSBOT_FEEDS) not yet followed; idempotent."""
        return self.feeds.ensure_configured()

    def list_feeds(self) -> list[Feed]:
        return self.feeds.all()

    def remove_feed(self, id_or_url: str) -> Feed:
        """Stop following a feed (by number or link); its articles stay. Raises NotFound."""
        return self.feeds.remove(id_or_url)

    def due_feeds(self, now: datetime | None = None) -> list[Feed]:
        """Feeds whose next poll is due at `now` (default: the clock's now)."""
        return self.feeds.due(now)

    async def poll_feed(self, feed_id: int, client: httpx.AsyncClient | None = None) -> FeedPoll:
        """Check one feed now and add its new items (network async, the rest threaded)."""
        return await self.feeds.poll(feed_id, client)


def _judge_of(settings: Settings) -> Judge | None:
    """The answer judge where the settings look for one; a broken one is reported and left
    out (the decision then goes without it, as with none)."""
    try:
        return load_judge(settings.judge_path, settings.encoder_threads)
    except JudgeError as error:
        log.warning("%s; answering without the judge", error)
        return None
