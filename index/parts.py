"""Every part answered: a question with several parts, or naming several outlets, gets the best
story for each part, and the parts no story covers are named instead of quoted from elsewhere.

"Why was the Apple Watch banned and what did Apple show at Scary Fast?" has two parts, each
searched on its own (`index.search` keeps each passage's score per part); "did TechCrunch and
the Verge both cover the SBF trial" has one topic and two outlets, one story from each.
A part counts as covered when its best sentence and the sentences around it hold most of the
part's words, rarer words weighing more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from index.cues import outlets_by_name
from index.models import Passage
from index.question import Part, Question
from index.quotes import Candidate, rank, window
from index.text import terms

__all__ = ["PartChoice", "PartJudgement", "Target", "choose_per_part", "targets_of"]


@dataclass(frozen=True)
class Target:
    """One thing the answer must cover: a part of the question, or the topic in one outlet."""

    label: str
    wanted: frozenset[str]
    part: int | None = None  # index into the passages' part scores
    outlets: frozenset[str] = frozenset()  # an outlet's sections; empty for any outlet


@dataclass(frozen=True)
class PartChoice:
    """The best sentence found for a target, and whether it covers the target."""

    target: Target
    candidate: Candidate | None
    focus: float
    value: float = 0.0  # the candidate's rank score for the target

    def covered(self, min_focus: float) -> bool:
        return self.candidate is not None and self.focus >= min_focus


# The answer judge's scores of candidate sentences for a target, read as a question of its own.
PartJudgement = Callable[[Target, Sequence[Candidate]], Sequence[float]]


def targets_of(question: Question) -> list[Target]:
    """The parts of `question` to answer one by one; [] when it has a single part."""
    named = outlets_by_name(question.cues.outlets)
    if len(question.parts) >= 2:
        return [
            Target(
                part.text,
                part.wanted or question.wanted,
                part=number,
                outlets=_own_outlet(part, len(named)),
            )
            for number, part in enumerate(question.parts)
        ]
    if len(named) >= 2:
        return [Target(name, question.wanted, outlets=group) for name, group in named.items()]
    return []


def _own_outlet(part: Part, outlets_named: int) -> frozenset[str]:
    """The outlet a part of a question naming several asks about ("what did the verge say about
    the $8bn, and what did gary wang admit per cnbc"): its story is that outlet's. Where the
    question names one outlet, or the part none, any outlet's story answers the part."""
    named = outlets_by_name(part.cues.outlets)
    if outlets_named >= 2 and len(named) == 1:
        return next(iter(named.values()))
    return frozenset()


def choose_per_part(
    targets: Sequence[Target],
    candidates: Sequence[Candidate],
    rarity: Mapping[str, float],
    min_focus: float = 0.5,
    other_story_ratio: float = 0.8,
    judged: PartJudgement | None = None,
) -> list[PartChoice]:
    """For each target, its best candidate sentence and how well that covers the target.

    Parts asked together are usually about different stories: when two targets' best
    sentences come from one article, the target that loses least takes its best sentence
    from another article instead, the best-ranked one that covers it (`min_focus`) and ranks
    at least `other_story_ratio` of its best; otherwise both keep the one article.
    `judged` (the answer judge's scores of sentences for a target, where it reads the
    question) chooses among close stories (`_first_covering`).
    """
    options: list[list[PartChoice]] = []
    for target in targets:
        pool = [c for c in candidates if not target.outlets or c.article.outlet in target.outlets]
        relevance = None
        if target.part is not None:
            relevance = {c.passage.chunk.id: _part_score(c.passage, target.part) for c in pool}
        ranked = rank(target.wanted, pool, relevance)
        options.append(_best_per_article(target, ranked, rarity))
    chosen = [
        _first_covering(
            target, found, min_focus, other_story_ratio, _own_words(target, targets), judged
        )
        for target, found in zip(targets, options, strict=True)
    ]
    for index in _by_margin(options):
        taken = {c.candidate.article.id for j, c in enumerate(chosen) if j != index and c.candidate}
        best = chosen[index]
        if best.candidate is None or best.candidate.article.id not in taken:
            continue
        for other in options[index][1:]:
            assert other.candidate is not None
            if other.value < other_story_ratio * best.value:
                break
            if other.candidate.article.id not in taken and other.focus >= min_focus:
                chosen[index] = other
                break
    return chosen


def _first_covering(
    target: Target,
    found: Sequence[PartChoice],
    min_focus: float,
    ratio: float,
    own: frozenset[str],
    judged: PartJudgement | None = None,
) -> PartChoice:
    """The choice that covers the target among those ranking at least `ratio` of the best: a
    sentence close to the part in the model's eyes but without its words ("why would they
    say") does not hide the next story's that has them; the best when none does.

    Among those, the story whose headline has most of the part's `own` words (those no other
    part asks) comes first, the best-ranked among equals: "Man United vs Chelsea head to head
    record" matches "bayern … their cl game vs man utd" sentence by sentence, but a headline
    saying "Bayern" and "Champions League" is the story of that game (measured over the
    natural sets: 17 two-story answers gained a part's story, 11 lost one). Among stories
    whose headlines name as many, the one whose sentence the answer judge (`judged`, where it
    reads the question) scores highest for the part comes first: ranked by words, a story
    that mentions the part in passing comes level with one that answers it."""
    if not found:
        return PartChoice(target, None, 0.0)
    close = [c for c in found if c.value >= ratio * found[0].value and c.focus >= min_focus]
    if not close:
        return found[0]
    named = [len(own & terms(_title(choice))) for choice in close]
    most = [c for c, n in zip(close, named, strict=True) if n == max(named)]
    if judged is None or len(most) < 2:
        return most[0]
    scores = judged(target, [c.candidate for c in most if c.candidate is not None])
    return most[max(range(len(most)), key=lambda n: scores[n])]


def _own_words(target: Target, targets: Sequence[Target]) -> frozenset[str]:
    """The words of `target` that no other of `targets` asks."""
    others = [t.wanted for t in targets if t is not target]
    return target.wanted.difference(*others)


def _title(choice: PartChoice) -> str:
    return choice.candidate.article.title if choice.candidate is not None else ""


def _best_per_article(
    target: Target, ranked: Sequence[tuple[float, Candidate]], rarity: Mapping[str, float]
) -> list[PartChoice]:
    """The best sentence of each article for `target`, best first, with its focus."""
    found: list[PartChoice] = []
    seen: set[int] = set()
    weight = {t: rarity.get(t, 0.5) for t in target.wanted}
    total = sum(weight.values()) or 1.0
    for value, candidate in ranked:
        if candidate.article.id in seen:
            continue
        seen.add(candidate.article.id)
        start, end = window(candidate.article, candidate.span)
        near = terms(candidate.article.text[start:end])
        focus = sum(weight[t] for t in target.wanted if t in near) / total
        found.append(PartChoice(target, candidate, focus, value))
    return found


def _by_margin(options: Sequence[Sequence[PartChoice]]) -> list[int]:
    """Targets in the order they give up a shared article: least to lose first."""

    def loss(index: int) -> float:
        found = options[index]
        if len(found) < 2:
            return float("inf")
        return found[0].value - found[1].value

    return sorted(range(len(options)), key=loss)


def _part_score(passage: Passage, part: int) -> float:
    return passage.part_scores[part] if part < len(passage.part_scores) else passage.score
