"""Generated news-like articles for the crash and stress tests: each one new, each findable.

Every article carries a distinctive made-up code word (`Generated.phrase`) that no other article
shares, so a search for it must find that article and only it; the rest of the text is made-up
words in ordinary sentences, different per article so none is a near-duplicate of another.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["Generated", "generate", "write_jsonl"]

_LETTERS = "aeioubdfgklmnprstvz"
_TEMPLATES = [
    "The {a} council said on {day} that the {b} plan for {c} would go ahead.",
    "Officials in {a} told reporters the {b} budget had grown by {n} percent since {c}.",
    "Residents of {a} have complained about {b} for {n} years, according to the {c} office.",
    "A spokesperson for {a} said the {b} report on {c} would be published next week.",
    "The {a} minister met {b} leaders to discuss {c} and {n} other issues.",
    "Critics of the {a} project say the {b} costs of {c} are being ignored.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Generated:
    """One generated article as a JSON Lines record, with the phrase that finds it."""

    number: int
    url: str
    title: str
    outlet: str
    text: str
    published_at: datetime
    phrase: str

    def record(self) -> dict[str, str]:
        return {
            "url": self.url,
            "title": self.title,
            "outlet": self.outlet,
            "text": self.text,
            "published_at": self.published_at.isoformat(),
        }


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_LETTERS) for _ in range(rng.randint(4, 9)))


def _sentence(rng: random.Random) -> str:
    template = rng.choice(_TEMPLATES)
    return template.format(
        a=_word(rng).capitalize(),
        b=_word(rng),
        c=_word(rng),
        n=rng.randint(2, 90),
        day=rng.choice(_DAYS),
    )


def generate(seed: int, count: int, first: int = 0) -> list[Generated]:
    """`count` articles numbered from `first`; the same seed and numbers give the same texts.

    Lengths vary from one paragraph to several, so articles have one to a few passages.
    """
    articles: list[Generated] = []
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for number in range(first, first + count):
        rng = random.Random(f"{seed}:{number}")
        code = f"zq{number:06d}{_word(rng)}"
        phrase = f"codename {code}"
        place = _word(rng).capitalize()
        paragraphs = [
            f"The project known by the codename {code} was approved in {place}, "
            f"officials said on {rng.choice(_DAYS)}."
        ]
        for _ in range(rng.randint(1, 9)):
            paragraphs.append(" ".join(_sentence(rng) for _ in range(rng.randint(2, 6))))
        articles.append(
            Generated(
                number=number,
                url=f"https://news.example/{seed}/{number}/{code}",
                title=f"{place} approves project {code}",
                outlet=rng.choice(["Harbor Daily", "Island Post", "Valley Courier"]),
                text="\n\n".join(paragraphs),
                published_at=base + timedelta(hours=number),
                phrase=phrase,
            )
        )
    return articles


def write_jsonl(articles: list[Generated], path: Path) -> Path:
    """The articles as a JSON Lines file `newsbot ingest` reads."""
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article.record(), ensure_ascii=False) + "\n")
    return path
