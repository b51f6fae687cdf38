"""Retrieval: ranking on small hand-made corpora (fake encoder)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from index import ArticleDraft, Engine, HashingEncoder, SearchParams, Settings
from index.answer import AnswerParams
from index.embed import Vectors

# Every engine test here runs on the embedded store and on the shared PostgreSQL one.
BOTH_BACKENDS = True

# -- ranking on a small corpus -------------------------------------------------------------


def _draft(title: str, outlet: str, day: int, *sentences: str) -> ArticleDraft:
    return ArticleDraft(
        text="\n\n".join(sentences),
        title=title,
        url=f"https://example.org/{title.lower().replace(' ', '-')}",
        outlet=outlet,
        published_at=datetime(2023, 10, day, 12, 0, tzinfo=UTC),
    )


_ASIDES = {
    "Bridge vote one": "Protesters with drums and banners gathered outside the town hall early.",
    "Bridge vote two": "A retired engineer warned about salt corrosion in steel cables.",
    "Bridge vote early": "Shopkeepers on Quay Street hoped for more customers next summer.",
    "Bridge vote late": "Rowing clubs asked for a wider channel under the central span.",
}


def _council(outlet: str, day: int, title: str) -> ArticleDraft:
    # Same story, different details: similar enough to compete, not near-duplicates.
    return _draft(
        title,
        outlet,
        day,
        "The city council voted on the harbour bridge budget after a long debate.",
        _ASIDES[title],
        f"{_ASIDES[title]} Nobody else mentioned it.",
    )


def test_an_outlet_named_in_the_question_lifts_its_article(engine: Engine) -> None:
    engine.add_draft(_council("Harbour Herald", 3, "Bridge vote one"))
    engine.add_draft(_council("Daily Planet", 3, "Bridge vote two"))
    for outlet in ("Harbour Herald", "Daily Planet"):
        top = engine.search(f"What did {outlet} say about the harbour bridge budget vote?", k=2)
        assert top[0].article.outlet == outlet


def test_a_date_named_in_the_question_lifts_that_days_article(engine: Engine) -> None:
    engine.add_draft(_council("Harbour Herald", 3, "Bridge vote early"))
    engine.add_draft(_council("Harbour Herald", 20, "Bridge vote late"))
    top = engine.search("What did the report of October 20, 2023 say about the bridge vote?")
    assert top[0].article.title == "Bridge vote late"
    top = engine.search("What did the report of 3 October 2023 say about the bridge vote?")
    assert top[0].article.title == "Bridge vote early"


def _long_story() -> ArticleDraft:
    paragraphs = [
        f"The ferry timetable changes when winter starts, the operator said in update {n}. "
        + " ".join(f"w{n}x{m}" for m in range(30))
        + "."
        for n in range(30)
    ]
    return _draft("Long ferry story", "Harbour Herald", 5, *paragraphs)


def test_results_spread_over_articles_but_keep_the_best_first(engine: Engine) -> None:
    # One long story matches well in every passage; three short notes match less well.
    engine.add_draft(_long_story())
    notes = [
        "The ferry timetable is printed for tourists at the pier.",
        "A ferry timetable app gets a new look for commuters.",
        "Ferry timetable posters appear in the old station.",
    ]
    for n, note in enumerate(notes):
        filler = " ".join(f"n{n}y{m}" for m in range(60))
        engine.add_draft(_draft(f"Ferry note {n}", "Daily Planet", 6 + n, f"{note} {filler}."))
    question = "When does the ferry timetable change?"
    plain = Engine(
        engine.settings,
        encoder=engine.encoder,
        search_params=SearchParams(article_penalty=0.0, part_weight=0.0),
    )
    plain_titles = [p.article.title for p in plain.search(question, k=8)]
    plain.close()
    spread_titles = [p.article.title for p in engine.search(question, k=8)]
    assert plain_titles == ["Long ferry story"] * 8
    # The first passages stay the best ones; then the other articles get their turn.
    keep = SearchParams().keep_top
    assert spread_titles[:keep] == ["Long ferry story"] * keep
    assert {f"Ferry note {n}" for n in range(3)} <= set(spread_titles)
    assert len(spread_titles) == 8
    assert len(engine.search(question, k=2)) == 2  # fewer than keep_top: still only k


def test_each_part_of_a_question_finds_its_own_article(engine: Engine) -> None:
    engine.add_draft(
        _draft("Vaccine trial", "Health Weekly", 4, "Doctors began a nasal flu vaccine trial.")
    )
    engine.add_draft(
        _draft("Library hours", "City News", 4, "The central library will open until nine.")
    )
    for n in range(6):
        engine.add_draft(
            _draft(
                f"Vaccine story {n}",
                "Health Weekly",
                5 + n,
                f"Vaccine volunteers, story {n}, described the flu vaccine trial in detail.",
            )
        )
    question = (
        "Which trial tests a nasal flu vaccine, and until when will the central library open?"
    )
    titles = {p.article.title for p in engine.search(question, k=4)}
    assert {"Vaccine trial", "Library hours"} <= titles


def _vaccine_stories(engine: Engine) -> None:
    for n in range(8):
        engine.add_draft(
            _draft(
                f"Vaccine story {n}",
                "Health Weekly",
                5 + n,
                f"The flu vaccine trial, story {n}: volunteers waited hours for the flu vaccine.",
                f"Flu vaccine trial doctors, story {n}, said the vaccine trial ran for hours.",
            )
        )
    engine.add_draft(
        _draft("Library hours", "City News", 4, "The library now opens until nine in the evening.")
    )
    engine.add_draft(_draft("Trial notes", "City News", 4, "Doctors watched a flu shot study."))


def test_each_part_of_a_short_question_keeps_a_place_for_its_best_passage(
    engine: Engine,
) -> None:
    # Eight stories match the first part and the question as a whole better than the one
    # story about the second part does; that story still gets a place among the k.
    _vaccine_stories(engine)
    titles = [p.article.title for p in engine.search("flu vaccine trial and library hours", k=3)]
    assert "Library hours" in titles and len(titles) == 3


def test_each_named_outlet_keeps_a_place_for_its_best_passage(engine: Engine) -> None:
    # City News's name in the question matches both its stories' outlet field; Health Weekly's
    # best story still gets a place.
    _vaccine_stories(engine)
    question = "did health weekly and city news both cover the flu vaccine trial"
    found = engine.search(question, k=2)
    assert {p.article.title for p in found} == {"Trial notes", "Vaccine story 6"}


_HERALD_SECTIONS = {
    "Health": "The flu vaccine trial volunteers waited hours for the flu vaccine trial doctors.",
    "Sport": "Rugby players joined the flu vaccine trial at the stadium clinic on Sunday.",
}


def test_the_sections_of_a_named_outlet_keep_one_place_between_them(engine: Engine) -> None:
    # "Harbour Herald" names both its sections; they are one outlet, not two to make room for,
    # so City News keeps a place among the two (with a place per section it had none).
    _vaccine_stories(engine)
    for section, said in _HERALD_SECTIONS.items():
        engine.add_draft(
            _draft(f"Herald {section.lower()} trial", f"Harbour Herald - {section}", 20, said)
        )
    question = "did the harbour herald and city news both cover the flu vaccine trial"
    outlets = {p.article.outlet for p in engine.search(question, k=2)}
    assert (
        "City News" in outlets
        and len(outlets & {"Harbour Herald - Health", "Harbour Herald - Sport"}) == 1
    )


class _RecordingEncoder(HashingEncoder):
    """The fake encoder, remembering what each encoding was given."""

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[list[str]] = []
        self.texts: list[list[str]] = []

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        self.queries.append(list(texts))
        return super().encode_queries(texts)

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.texts.append(list(texts))
        return super().encode(texts)


def test_asking_encodes_the_question_once(settings: Settings) -> None:
    """Search and the answer's `said` signal (the question's cosine with candidate sentences)
    share one encoding of the question."""
    encoder = _RecordingEncoder()
    # The short-question rule that measures `said` (the fake encoder's defaults switch it off).
    with Engine(settings, encoder=encoder, answer_params=AnswerParams()) as engine:
        engine.add_draft(
            _draft("Vaccine trial", "Health Weekly", 4, "Doctors began a nasal flu vaccine trial.")
        )
        encoder.queries.clear()
        encoder.texts.clear()
        engine.ask("nasal flu vaccine trial")
        assert encoder.queries == [["nasal flu vaccine trial"]]
        assert encoder.texts[-1] == ["Doctors began a nasal flu vaccine trial."]  # `said`


def test_only_a_short_questions_parts_are_encoded_on_their_own(settings: Settings) -> None:
    encoder = _RecordingEncoder()
    with Engine(settings, encoder=encoder) as engine:
        engine.add_draft(
            _draft("Vaccine trial", "Health Weekly", 4, "Doctors began a nasal flu vaccine trial.")
        )
        engine.add_draft(
            _draft("Library hours", "City News", 4, "The central library will open until nine.")
        )
        short = "nasal flu vaccine trial and library hours"
        long = (
            "Which hospital trial tests a new nasal flu vaccine on volunteers this autumn, and "
            "until what time in the evening will the central city library stay open?"
        )
        encoder.queries.clear()
        engine.search(short)
        assert len(encoder.queries[-1]) == len(engine.read(short).parts) + 1 > 1
        # A long question's parts are searched by their words; only the whole is encoded,
        # and each part still finds its own story.
        assert len(engine.read(long).parts) > 1
        titles = {p.article.title for p in engine.search(long, k=4)}
        # (typed as in a chat, it is read without its question mark)
        assert encoder.queries[-1] == [engine.read(long).text.removesuffix("?")]
        assert titles == {"Vaccine trial", "Library hours"}


def test_search_returns_at_most_k_and_nothing_from_an_empty_store(engine: Engine) -> None:
    assert engine.search("anything at all") == []
    engine.add_draft(_council("Harbour Herald", 3, "Bridge vote one"))
    assert len(engine.search("harbour bridge", k=1)) == 1


@pytest.mark.parametrize("fusion", ["weighted", "rrf"])
def test_both_fusions_rank_the_matching_article_first(engine: Engine, fusion: str) -> None:
    engine.add_draft(_council("Harbour Herald", 3, "Bridge vote one"))
    engine.add_draft(
        _draft("Library hours", "City News", 4, "The central library will open until nine.")
    )
    ranked = Engine(
        engine.settings,
        encoder=engine.encoder,
        search_params=SearchParams(fusion=fusion),  # type: ignore[arg-type]
    )
    assert ranked.search("When will the central library open?")[0].article.title == "Library hours"
    ranked.close()


def test_stored_outlets_follow_additions_and_removals(engine: Engine) -> None:
    assert engine.store.outlets() == []
    article = engine.add_draft(_council("Harbour Herald", 3, "Bridge vote one"))
    assert engine.store.outlets() == ["Harbour Herald"]
    engine.remove(str(article.id))
    assert engine.store.outlets() == []
