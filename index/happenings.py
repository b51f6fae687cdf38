"""Whether a yes/no question asks if something happened ("did tesla recall the cybertruck",
"has vivek ramaswamy dropped out yet", "are taylor and travis engaged"), and whether a sentence
says that act was done.

A story about the company or the person that never says the act is no answer to whether it
happened: "did apple buy beeper" over Beeper Mini's fight with Apple, "did coinbase ceo brian
armstrong step down" over Armstrong criticising the SEC. The act is the first word after the
question's subject; the subject is told from the act by the story itself, where names are
written with capitals ("Tesla", "Brian Armstrong", "iRobot"). A sentence says the act when it
has a form of the verb or of a close word ("bought", "acquisition" for "buy"), not said only as
possible or ahead just before it ("Apple may not be able to simply block Beeper Mini").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from index.outcomes import AHEAD_SAID, said_as_done
from index.question import CALENDAR
from index.text import STOPWORDS, stem, without_possessive
from index.typed_names import written_capitals

__all__ = ["Act", "asked_act", "tells_act"]

# A yes/no question about a past act: "did …", "has … dropped out", "was … suspended", also
# after a topic ("apple watch ban - did apple get it paused"). Not "when did …" or "where
# did …": those take the act as done, and a story answering them may say it in words of its
# own ("where did dean evason start his coaching career": "Evason began his coaching career
# with …"; over the twenty-four natural sets, checking their act declined no near miss the
# judge let through and lost five right answers).
_ASKED = re.compile(
    r"(?:^|[-—–:;,.?!]\s*|\b(?:so|wait|lol|ok|and|but)\s+)"
    r"(did|has|have|had|is|are|r|was|were)\s+"
    r"(.+)$",
    re.I,
)
# What may come before a question's first word: "wait did …", "so has …".
_OPENING = re.compile(r"\s*(?:(?:so|wait|lol|ok|okay|hey|and|but)\W*\s+)*", re.I)
_WORD = re.compile(r"[a-z0-9][a-z0-9'’.-]*[a-z0-9]|[a-z0-9]", re.I)
# The word written just before an act, and capitalised words that name no doer: function
# words ("They", "The", "Its") and a few adverbs that open sentences.
_LAST_WORD = re.compile(r"([A-Za-z][\w'’&.-]*)\s+$")
# "Wall Street" is the market's expectations ("fell short of Wall Street's estimates"), not a
# party the act is done to.
_NOT_NAMES = STOPWORDS | {"meanwhile", "now", "later", "wall", "street"}
# Words joining two names into one subject, as typed in a chat.
_JOINERS = frozenset({"and", "n"})
# The words after an act where its object is named ("sued spyware maker NSO Group"), up to the
# end of its clause.
_OBJECT_WORD = re.compile(r"[A-Za-z][\w'’&.-]*")
_OBJECT_REACH = 4
_ADJUNCT = frozenset("in at on during after before for with from to by since until".split())
_CLAUSE_END = re.compile(r"[,;:.!?()—–\"“”]")
# Words between the auxiliary and the act that are neither: determiners, pronouns, and the
# adverbs people put there ("did he ever", "did they end up", "has it already"); those ending in
# "-ly" ("actually", "finally") are told by their ending (`_LY_VERBS`).
_SKIPPED = frozenset(
    """the a an that this those these his her their its my our your he she they it we you i u
    ur ever even already still just also both again rly srsly legit n and anyone anybody
    someone somebody everyone nobody""".split()
)
# Verbs written with "ly"; any other word so ending between the auxiliary and the act is an
# adverb, typed right or not ("did he quietly drop it", "did byron actualy write it").
_LY_VERBS = frozenset(
    "apply reply supply comply imply multiply rally tally bully ally fly rely".split()
)
# Verbs too light to tell the act ("did he get his new liver", "did they make the playoffs");
# "get" and "got" before a participle pass the act on ("get engaged", "got banned").
_LIGHT = frozenset(
    """get got gotten getting make made making have had having do did done doing take took
    taken taking go went gone going come came coming be been being give gave given say said
    see saw seen put keep kept let know knew hear heard""".split()
    # Whether an outlet reported it is a question about the outlet, not about the act.
    + "cover covered report reported write wrote mention mentioned talk talked post posted".split()
)
# "did he ever try to delete them", "did the gazette fail to report it": the act is the verb
# after "to".
_TRYING = frozenset(
    "try tried manage managed attempt attempted decide decided fail failed refuse refused".split()
)
_PASSING_ON = frozenset({"get", "got", "gotten", "getting", "been"})
# "are they expected to launch another counteroffensive": a prospect, not an act done.
_PROSPECT = frozenset("expected supposed set scheduled due likely going planned planning".split())

# Said before the act, these make it only possible, ahead, meant or held back, not done: "may
# not be able to simply block", "sued NSO Group to block it", "is set to launch", "delayed
# closing the deal".
# In lower case only: "In May" is a month.
_POSSIBLY = re.compile(
    r"\b(?:faces?|facing|could|would|may|might|can|cannot|should|must|potential(?:ly)?"
    r"|seeks?|seeking|sought|wants?\s+to|threaten\w*|whether|considering"
    # held back: "regulatory snags delayed closing the deal"
    r"|delay(?:s|ed|ing)?|postpon\w*|stall(?:s|ed|ing)?|pending|await\w*|prevent\w*)\b"
)
_INFINITIVE = re.compile(r"\bto\s+(?:\w+ly\s+)?$")
_NOT_DONE = (_POSSIBLY, AHEAD_SAID, _INFINITIVE)
_NOT_DONE_BEFORE = 40

# Past forms that do not end in -ed, by their verb.
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "begin": ("began", "begun"),
    "break": ("broke", "broken"),
    "bring": ("brought",),
    "build": ("built",),
    "buy": ("bought",),
    "catch": ("caught",),
    "choose": ("chose", "chosen"),
    "cut": ("cut",),
    "deal": ("dealt",),
    "draw": ("drew", "drawn"),
    "drive": ("drove", "driven"),
    "fall": ("fell", "fallen"),
    "fight": ("fought",),
    "find": ("found",),
    "fly": ("flew", "flown"),
    "freeze": ("froze", "frozen"),
    "hit": ("hit",),
    "hold": ("held",),
    "lead": ("led",),
    "leave": ("left",),
    "lose": ("lost",),
    "meet": ("met",),
    "overtake": ("overtook", "overtaken"),
    "pay": ("paid",),
    "quit": ("quit",),
    "rise": ("rose", "risen"),
    "run": ("ran",),
    "sell": ("sold",),
    "send": ("sent",),
    "set": ("set",),
    "shut": ("shut",),
    "sing": ("sang", "sung"),
    "sink": ("sank", "sunk"),
    "speak": ("spoke", "spoken"),
    "spend": ("spent",),
    "split": ("split",),
    "stand": ("stood",),
    "steal": ("stole", "stolen"),
    "strike": ("struck", "stricken"),
    "swear": ("swore", "sworn"),
    "throw": ("threw", "thrown"),
    "undergo": ("underwent", "undergone"),
    "win": ("won",),
    "withdraw": ("withdrew", "withdrawn"),
    "write": ("wrote", "written"),
}
_IRREGULAR_VERB = {form: verb for verb, forms in _IRREGULAR.items() for form in forms}

# Words a story uses for the same act, by verb: "did apple buy beeper" is answered by "Apple
# acquired Beeper", "did graham arnold quit" by "Arnold resigned".
_CLOSE: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "buy acquire acquisition purchase takeover",
        "cut lower reduce reduction slash trim",
        "miss fall_short fail_to",
        "join connect integrate",
        "quit resign resignation depart departure",
        "fire sack oust dismiss axe",
        "drop scrap abandon cancel cancellation terminate termination kill withdraw",
        "settle settlement",
        "close complete completion finalize finalise finish",
        "block ban shut disable",
        "win beat defeat victory triumph clinch champion winner",
        "lose loss defeat",
        "engage engagement propose proposal fiance fiancee",
        "release launch rollout ship debut unveil",
        "approve approval clear authorize authorise authorization greenlight ok okay",
        "sue lawsuit suit",
        "break surpass eclipse overtake equal",
        "show appear appearance return",
        "pause halt stay suspend suspension freeze",
        "overturn reverse veto",
        "testify testimony",
        "sign agree",
        "retire retirement",
        "arrest detain custody",
        "charge indict indictment",
        "die death dead",
        "hire appoint name",
        "raise funding",
        "play perform performance",
        "recall",
        "start begin",
        "found establish cofound co-found",
    )
)


@dataclass(frozen=True)
class Act:
    """The act a yes/no question asks about: the word as asked, and the pattern of the words
    a sentence would say it with."""

    asked: str
    said: re.Pattern[str]
    # Asked by the whole question ("did taylor swift and travis kelce get engaged"), not by
    # one of its parts ("beeper mini: what it costs and did apple kill it").
    whole: bool = True

    # The question's terms (stems, with the names its initials stand for): a name written
    # just before the act that is none of them is another doer ("SRH win the war" for "did kkr
    # win the ipl").
    asked_terms: frozenset[str] = frozenset()

    def told_by(self, sentence: str) -> bool:
        """Whether `sentence` says the act done, not only as possible or ahead just before it
        ("could recall", "is set to launch"), nor of a doer the question does not name."""
        return said_as_done(
            self.said,
            sentence,
            _NOT_DONE,
            _NOT_DONE_BEFORE,
            of_whom_asked=lambda before: not self._another_doer(before),
            of_what_asked=lambda after: not self._another_object(after),
        )

    def _another_doer(self, before: str) -> bool:
        """Whether the word just before the act is a name the question does not ask about."""
        if not self.asked_terms:
            return False
        last = _LAST_WORD.search(before)
        if last is None:
            return False
        word = last.group(1)
        named = word[0].isupper() and word.lower() not in _NOT_NAMES
        return named and stem(without_possessive(word.lower())) not in self.asked_terms

    def _another_object(self, after: str) -> bool:
        """Whether the first name within a few words after the act, in its clause, is one the
        question does not ask about ("Apple previously sued spyware maker NSO Group" for "has
        apple sued beeper")."""
        if not self.asked_terms:
            return False
        clause = _CLAUSE_END.split(after, maxsplit=1)[0]
        for word in _OBJECT_WORD.findall(clause)[:_OBJECT_REACH]:
            lower = word.lower()
            if lower in _ADJUNCT:
                return False  # "testified Monday in the U.S. …": a place or time, no object
            if (
                word[0].isupper()
                and without_possessive(lower) not in _NOT_NAMES
                and lower not in CALENDAR
            ):
                return stem(without_possessive(lower)) not in self.asked_terms
        return False


def asked_act(question: str, article_text: str, wanted: Collection[str]) -> Act | None:
    """The act `question` asks whether it happened, telling its subject's names by their
    capitals in `article_text`; words whose stem is not among the question's `wanted` terms
    (an outlet named, a stop word) are neither. None when it asks no such thing, or only with a
    light verb."""
    match = _ASKED.search(question)
    if match is None:
        return None
    aux = match.group(1).lower()
    asked = match.group(2).replace("&", " and ").replace("+", " and ")
    words = [w.lower().rstrip("'’.") for w in _WORD.findall(asked)]
    i = 0
    while i < len(words):
        word = words[i]
        if word in _LIGHT or word in _PROSPECT:
            break  # checked below, before the words dropped from what is wanted ("get", "cover")
        if word in _JOINERS and 0 < i < len(words) - 1:
            # "did arteta n poch live together": the name joined on is the subject's too, though
            # the story writes it longer ("Pochettino")
            i += 2
            continue
        if word in ("end", "ended") and i + 1 < len(words) and words[i + 1] == "up":
            i += 2
            continue
        if word in _TRYING and i + 1 < len(words) and words[i + 1] == "to":
            i += 2
            continue
        if (
            word in _SKIPPED
            or (word.endswith("ly") and len(word) > 4 and word not in _LY_VERBS)
            or stem(word) not in wanted
            or _is_name(word, article_text)
            or any(c.isdigit() for c in word)
            or (aux == "did" and _plural(word))
        ):
            i += 1
            continue
        break
    if i >= len(words):
        return None
    word = words[i]
    if word in _PASSING_ON and i + 1 < len(words) and _participle(words[i + 1]):
        word = words[i + 1]
    elif word in _LIGHT or word in _PROSPECT:
        return None
    # After "did" a verb is bare: "did raibert found the leg lab" asks a founding, not a find.
    verbs = frozenset({word}) if aux == "did" and word in _IRREGULAR_VERB else _verbs(word)
    groups = [group for group in _CLOSE if verbs & group]
    if aux != "did" and not _participle(word) and not (word.endswith("ing") and groups):
        # "is beeper mini working again", "was the demo fake": a state, not an act; but "is
        # tesla recalling the cybertruck" asks whether a recall is under way.
        return None
    close = set(verbs)
    for group in groups:
        close |= group
    forms = sorted({form for verb in close for form in _forms(verb)}, key=len, reverse=True)
    said = re.compile(r"\b(?:" + "|".join(map(re.escape, forms)) + r")\b", re.I)
    whole = bool(_OPENING.fullmatch(question[: match.start(1)]))
    return Act(word, said, whole, frozenset(wanted))


def tells_act(act: Act, sentences: Sequence[str]) -> bool:
    """Whether one of `sentences` says `act` done, not only as possible or ahead just before
    it ("could recall", "is set to launch")."""
    return any(act.told_by(s) for s in sentences)


def _is_name(word: str, article_text: str) -> bool:
    """Whether `article_text` writes `word` as a name: with a capital in most places it is not
    a sentence's first word ("Tesla", "CEO", "iRobot"); a word seen only opening sentences is
    taken for the name it most often is there."""
    capitals = written_capitals(re.sub(r"['’]s$", "", word), [article_text])
    if capitals.named == capitals.plain == 0:
        return capitals.opening > 0
    return capitals.named > capitals.plain


def _plural(word: str) -> bool:
    """Whether `word` reads as a plural noun, which after "did" is the subject, not the act
    ("did the shareholders ok it", "did the aussies beat italy")."""
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _participle(word: str) -> bool:
    return word.endswith("ed") or word in _IRREGULAR_VERB


def _verbs(word: str) -> frozenset[str]:
    """The verbs `word` may be a form of: "scrapping" → scrap, "settled" → settle, "bought"
    → buy."""
    if word in _IRREGULAR_VERB:
        return frozenset({_IRREGULAR_VERB[word]})
    found = {word}
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            found |= {stem, stem + "e"}
            if len(stem) >= 4 and stem[-1] == stem[-2]:
                found.add(stem[:-1])  # scrapping → scrap
            if ending in ("ed", "es") and stem.endswith("i"):
                found.add(stem[:-1] + "y")  # testified → testify
            break
    return frozenset(found)


def _forms(verb: str) -> Iterable[str]:
    """The forms of `verb` a sentence may say it with: tenses, a noun made of it; a phrase
    written with "_" ("fall_short") by the forms of its first word."""
    if "_" in verb:
        head, rest = verb.split("_", 1)
        yield from (f"{form} {rest.replace('_', ' ')}" for form in _forms(head))
        return
    yield from (verb, verb + "s", verb + "es", verb + "ed", verb + "d", verb + "ing")
    if verb.endswith("e"):
        yield from (verb[:-1] + "ing", verb[:-1] + "ion", verb[:-1] + "al")
    if verb.endswith("y"):
        yield from (verb[:-1] + "ied", verb[:-1] + "ies")
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", verb):
        yield from (verb + verb[-1] + "ed", verb + verb[-1] + "ing")  # drop → dropped
    yield from (verb + "ment", verb + "ation")
    yield from _IRREGULAR.get(verb, ())
