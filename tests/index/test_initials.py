"""Initials typed in a question ("sbf") spelt out from the articles that use them."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field

from index import ArticleDraft, Engine
from index.initials import find_initials, names_for, spell_out

# The engine test runs on the embedded store and on the shared PostgreSQL one.
BOTH_BACKENDS = True

TRIAL = (
    "Sam Bankman-Fried took the stand on Friday. SBF told the jury he never meant to take "
    "customer money, and SBF said the exchange grew too fast for him to notice."
)
TESTIMONY = (
    "Prosecutors questioned Sam Bankman-Fried for a second day. Asked about the missing "
    "billions, SBF said he had relied on others; SBF looked tired by the afternoon."
)
VERDICT = (
    "A jury found Bankman-Fried guilty on all seven counts after a month-long trial. He faces "
    "decades in prison when he is sentenced next year."
)
ELECTION = (
    "The Harbour Party won the vote. Its leader, Sam Brown Fisher, promised new ferries; "
    "the opposition won two seats in the vs. round."
)


@dataclass
class _Texts:
    """A corpus of a few whole articles, each also its one passage."""

    articles: list[str]
    looked_up: list[str] = field(default_factory=list)

    def frequencies(self, words: Iterable[str]) -> dict[str, int]:
        return {w: sum(w in a.lower() for a in self.articles) for w in words}

    def passages(self) -> int:
        return len(self.articles)

    def passages_using(self, word: str) -> list[tuple[int, str]]:
        self.looked_up.append(word)
        return [(n, a) for n, a in enumerate(self.articles) if word in a.lower()]

    def article_texts(self, ids: Sequence[int]) -> list[str]:
        return [self.articles[i] for i in ids]

    def remembered(self) -> MutableMapping[str, str | None]:
        return {}


def test_a_name_whose_words_start_with_the_letters_is_found() -> None:
    texts = ["Former FTX chief Sam Bankman-Fried spoke.", "The U.S. Men's National Team lost."]
    assert names_for("sbf", texts) == {"Sam Bankman-Fried": 1}
    assert names_for("usmnt", texts) == {"U.S. Men's National Team": 1}
    assert names_for("doj", ["The Department of Justice sued."]) == {"Department of Justice": 1}
    # Initials themselves are not a name's words.
    assert names_for("sbf", ["SBF said so.", "The SBF Foundation"]) == {}


def test_initials_the_articles_write_in_capitals_are_spelt_out() -> None:
    corpus = _Texts([TRIAL, TRIAL, VERDICT])
    assert find_initials("sbf verdict?", corpus) == {"sbf": "Sam Bankman-Fried"}
    assert spell_out("sbf verdict? sbf", {"sbf": "Sam Bankman-Fried"}) == (
        "sbf (Sam Bankman-Fried) verdict? sbf"
    )


def test_ordinary_words_unknown_words_and_outlets_stay_as_typed() -> None:
    corpus = _Texts([TRIAL, TRIAL, ELECTION, ELECTION])
    # "won" is written in lower case; "zzq" no article uses; "SBF" is an outlet's word here.
    assert find_initials("who won the vote zzq", corpus) == {}
    assert find_initials("sbf trial", corpus, keep=["SBF Daily"]) == {}
    # Two letters stand for too many names; a name found only once is not enough.
    assert find_initials("sb trial", corpus) == {}
    assert find_initials("sbf trial", _Texts([TRIAL])) == {}
    assert "zzq" not in corpus.looked_up and "who" not in corpus.looked_up


def _draft(number: int, text: str) -> ArticleDraft:
    return ArticleDraft(
        text=text, title=f"Trial day {number}", url=f"https://news.example/{number}", outlet="Wire"
    )


def test_the_engine_spells_out_initials_in_a_chat_question_and_finds_the_named_story(
    engine: Engine,
) -> None:
    engine.add_drafts([_draft(1, TRIAL), _draft(3, VERDICT)])
    # One article names him once: not enough to be sure (and remembered so until a change).
    assert engine.read("sbf verdict how many counts").text == "sbf verdict how many counts"
    engine.add_drafts([_draft(2, TESTIMONY)])
    question = engine.read("sbf verdict how many counts")
    assert question.text == "sbf (Sam Bankman-Fried) verdict how many counts"
    # The capital a phone puts first does not hide them.
    assert engine.read("Sbf verdict how many counts").text == question.text
    found = engine.search(question, k=3)
    assert "https://news.example/3" in {p.article.url for p in found}
    # Parts are cut as typed, then spelt out.
    parts = engine.read("sbf verdict and sbf prison time").parts
    assert [p.text for p in parts] == [
        "sbf (Sam Bankman-Fried) verdict",
        "sbf (Sam Bankman-Fried) prison time",
    ]
    # Other languages and long, detailed questions are read as typed.
    assert engine.read("Что с sbf?").text == "Что с sbf?"
    long = (
        "Did the jury in the sbf trial in Manhattan find the founder guilty on every count "
        "after hearing weeks of testimony from former colleagues and executives?"
    )
    assert engine.read(long).text == long
