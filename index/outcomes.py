"""Whether a question asks how something turned out, and whether a sentence only looks ahead
to it or stops before the decision asked: a story written before its outcome cannot tell it.

People ask for the sequel of stories the sources saw coming: "did everton win the appeal"
over "Everton will appeal", "did judge mehta end up ruling google a monopoly" over "If Judge
Amit Mehta rules against Google, …", "gemini ultra out now?" over "Gemini Ultra is set to
launch next year". The sentence has every name of the question and reads close to it; what it
says is that the event has not happened yet. The answer asks for more evidence then
(`AnswerParams.anticipating_penalty`). A question asking the sentence or verdict a court or
regulator gave ("how long did cz get") is not answered by a story that tells only the plea or
the charge ("CZ … has pleaded guilty"), nor the ruling asked of a court ("what did judge mehta
rule") by the trial it heard: `asks_decision`, `tells_decision`. Nor is a match's
result by its preview ("paro vs montana love result?" over "Paro faces Montana Love on
December 9"): `asks_result`, `tells_result`; nor who was appointed by the firing or the
options weighed ("who replaced ten hag" over "the options should Man United move on"):
`asks_successor`, `tells_appointment`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from index.text import without_possessive

__all__ = [
    "AHEAD_SAID",
    "APPOINTMENT_SAID",
    "SCORE_SAID",
    "anticipates",
    "asks_decision",
    "asks_outcome",
    "asks_result",
    "asks_statement",
    "asks_successor",
    "names_sides",
    "said_as_done",
    "tells_appointment",
    "tells_decision",
    "tells_result",
    "tells_statement",
]

# A question asking how something turned out: who won, the score or result, a verdict or a
# sentence, or whether something has happened ("did they win the appeal", "out now?").
_OUTCOME = re.compile(
    r"\b(?:who\s+(?:won|win|wins|beat|lost)|winners?|final\s+scores?|results?|outcome|verdict"
    r"|sentenced?|sentence|ruled|ruling|end(?:ed)?\s+up|turn(?:ed)?\s+out|yet|finally"
    r"|officially|out\s+now|already"
    r"|did(?:n[’']?t)?\s+\S.*?\s\w+)\b",
    re.I | re.S,
)
# A question about what is coming asks what a preview says; one asking why asks a reason.
_NOT_OUTCOME = re.compile(
    r"\b(?:will|gonna|going\s+to|odds|predict\w*|preview|expected|upcoming|next|when\s+is"
    r"|when\s+does|when\s+will|why|how\s+come)\b",
    re.I,
)
# Words of a sentence that looks ahead: the future, a condition, a plan, a schedule. Modal verbs
# in lower case only ("Will Jordan" is a name, "May" a month).
AHEAD_SAID = re.compile(
    r"\b(?:will|would|could|may|might|[Ss]et to|poised to|expected to|scheduled to"
    r"|(?:is|are) due to|plans? to|planning to|[Ii]f|likely|moving closer|yet to|not yet"
    r"|ahead of|upcoming|later this|next (?:year|month|week)|hopes? to|aims? to"
    r"|speculat\w*|rumou?r\w*)\b"
)


def asks_outcome(question: str) -> bool:
    """Whether `question` asks how something turned out (not what is expected, nor why)."""
    return bool(_OUTCOME.search(question)) and not _NOT_OUTCOME.search(question)


def anticipates(sentence: str) -> bool:
    """Whether `sentence` looks ahead (will, may, if, set to, …) rather than only reporting."""
    return bool(AHEAD_SAID.search(sentence))


# A question asking what a court or regulator decided: the punishment (a sentence, prison time,
# a fine or penalty to pay) or the verdict. What could be given ("could", "max", "faces") or
# when it will be ("when's sentencing") is another question, and "pleaded guilty" a plea.
_ASKS_PUNISHMENT = re.compile(
    r"\b(?:sentenc\w*|prison|jail|behind\s+bars|fined)\b"
    r"|\bhow\s+(?:much|big)\b.*\b(?:fine|penalty)\b"
    r"|\b(?:points?|final)\s+penalty\b|\bpenalty\b.*\bpay\b"
    r"|\b(?:make|made|order(?:ed)?)(?:\s+\w+){1,4}\s+pay\b",
    re.I | re.S,
)
_ASKS_VERDICT = re.compile(
    r"\b(?:verdict|found\s+guilty|convicted|acquitted|guilty\s+or\s+not)\b", re.I
)
# What a court or regulator decided on a case: "what did judge mehta rule", "how did the
# supreme court decide on the texas n florida social media laws".
_ASKS_RULING = re.compile(
    r"\b(?:rule|ruled|ruling|decide|decided|decision|conclude|concluded|order|ordered"
    r"|remedy|remedies)\b",
    re.I,
)
_DECIDES = re.compile(
    r"\b(?:court|courts|judge|justices|scotus|supreme|tribunal|regulators?|commission|ftc|itc"
    r"|fcc|sec|panel|jury|appeals?)\b",
    re.I,
)
_NOT_DECIDED = re.compile(
    r"\b(?:when|when's|could|can|might|would|max|maximum|faces?|facing|up\s+to|potential"
    r"|will|gonna|expected)\b",
    re.I,
)
# A plea named is what is asked ("what did he plead"), unless the question asks the time given
# after it in a criminal case ("the mom who pleaded guilty to child abuse - how many years did
# she get"; without a crime, "how many years did he get" may ask a contract's length).
_PLEA = re.compile(r"\b(?:plead\w*|pled|plea)\b", re.I)
_ASKS_TIME_GIVEN = re.compile(
    r"\bhow\s+(?:many\s+years|long)\s+did\s+(?!it\b)(?:[\w'’]+\s+){1,3}?get"
    r"(?:\s*[?!.]*\s*$|\s+(?:in|for|behind)\b)",
    re.I,
)
_CRIMINAL_CASE = re.compile(
    r"\b(?:plead\w*|pled|guilty|convicted|charges?|charged|fraud|abuse|murder\w*|crimes?"
    r"|criminal|trial|court|judge|jury)\b",
    re.I,
)
# A sentence stating a punishment given, or a verdict reached.
_PUNISHMENT_SAID = re.compile(
    r"\b(?:sentenced|fined|acquitted|probation|spared\s+jail)\b"
    r"|\bordered\s+(?:[\w'’-]+\s+){0,5}?to\s+(?:pay|refund|repay|return|forfeit)\b"
    r"|\b(?:years?|months?|weeks?|days?)\b[^.;]{0,40}\b(?:prison|jail|behind\s+bars|custody)\b"
    r"|\b(?:prison|jail)\s+(?:term|time|sentence)s?\b"
    r"|\b(?:fine|penalty|penalties|judgment|damages)\s+of\b"
    r"|\$\s?[\d.,]+\s*(?:[mbk]|million|billion)?\s+(?:fine|penalty|judgment)\b"
    r"|\b\d+-point\s+(?:penalty|deduction)\b",
    re.I,
)
_VERDICT_SAID = re.compile(
    r"\bfound\s+(?:\w+\s+){0,2}(?:not\s+)?(?:guilty|liable)\b|\bconvicted\b|\bacquitted\b"
    r"|\bguilty\s+verdicts?\b|\bverdicts?\s+(?:of|was|were|came|against|for)\b"
    r"|\bjury\s+(?:found|returned|reached|convicted|acquitted|cleared|sided)\b|\bcleared\s+of\b"
    r"|\bmistrial\b|\b(?:overturned|upheld|won\s+(?:\w+\s+)?appeal|lost\s+(?:\w+\s+)?appeal)\b",
    re.I,
)
# A penalty settled is one given: "Binance agreed to pay about $4.3 billion".
_SETTLED_PAYMENT = re.compile(
    r"\b(?:agreed|agrees|ordered|forced)\s+to\s+(?:pay|forfeit)\s+"
    r"(?:about\s+|roughly\s+|nearly\s+|almost\s+|more\s+than\s+|over\s+)?[$€£]\s?\d",
    re.I,
)
# A punishment that could be given is not one given: "faces up to 110 years in prison", said
# within a few words before it (further back, "will" is another clause's: "their season will
# not be derailed by their 10-point penalty").
_POSSIBLE_BEFORE = 25
_POSSIBLE = re.compile(
    r"\b(?:faces?|facing|could|would|(?-i:may)|might|up\s+to|maximum|as\s+(?:many|much)\s+as"
    r"|potential(?:ly)?|seeks?|seeking|sought|asked\s+for|agreed\s+to|(?-i:will)|to\s+serve"
    r"|scheduled|to\s+be)\b",
    re.I,
)  # "may" and "will" in lower case only: "In May" is a month, "Will Smith" a name


def asks_decision(question: str) -> bool:
    """Whether `question` asks the punishment, verdict or ruling a court or regulator gave."""
    if _NOT_DECIDED.search(question):
        return False
    if _ASKS_TIME_GIVEN.search(question) and _CRIMINAL_CASE.search(question):
        return True
    asks = (
        _ASKS_PUNISHMENT.search(question)
        or _ASKS_VERDICT.search(question)
        or _asks_ruling(question)
    )
    return bool(asks) and not _PLEA.search(question)


def tells_decision(question: str, sentences: Sequence[str]) -> bool:
    """Whether one of `sentences` states what `question` asks of a decision: a punishment
    given for a punishment question ("sentenced to 25 years", "fined €1.2bn"; not "faces up to
    110 years"), a verdict or a punishment for a verdict question, and a ruling made for a
    ruling question ("the court ruled that", not "if Judge Mehta rules against Google")."""
    wanted = [_PUNISHMENT_SAID]
    punishment = _ASKS_PUNISHMENT.search(question)
    if not punishment:
        wanted.append(_VERDICT_SAID)
    # A ruling made tells a ruling asked, not the sum a judge ordered paid ("how much did judge
    # engoron order trump to pay" over "Engoron … found that the former president … deceived").
    if not punishment and _asks_ruling(question) and any(_ruled(s) for s in sentences):
        return True
    return any(_given(pattern, s) for pattern in wanted for s in sentences)


def _asks_ruling(question: str) -> bool:
    return bool(_ASKS_RULING.search(question) and _DECIDES.search(question))


# A sentence telling a ruling made.
_RULING_SAID = re.compile(
    r"\b(?:ruled|rules\s+that|ruling\s+(?:that|in\s+favou?r|against)|decided|sided\s+with"
    r"|struck\s+down|strikes\s+down|upheld|upholds|overturned|overturns|blocked|granted|denied"
    r"|dismissed|threw\s+out|found\s+that|concluded|ordered|rejected|affirmed|reversed"
    r"|vacated|approved|cleared)\b",
    re.I,
)


def _ruled(sentence: str) -> bool:
    return said_as_done(_RULING_SAID, sentence, (_POSSIBLE, AHEAD_SAID), _POSSIBLE_BEFORE)


def _given(pattern: re.Pattern[str], sentence: str) -> bool:
    """Whether `pattern` finds a decision in `sentence` that is not only a possible one (said
    just before it: "faces up to", "is scheduled to be"), or a settlement agreed."""
    if pattern is _PUNISHMENT_SAID and _SETTLED_PAYMENT.search(sentence):
        return True
    return said_as_done(pattern, sentence, (_POSSIBLE,), _POSSIBLE_BEFORE, hedged_inside=True)


def said_as_done(
    pattern: re.Pattern[str],
    sentence: str,
    hedges: Sequence[re.Pattern[str]],
    reach: int,
    hedged_inside: bool = False,
    of_whom_asked: Callable[[str], bool] = lambda _: True,
    of_what_asked: Callable[[str], bool] = lambda _: True,
) -> bool:
    """Whether `pattern` finds something in `sentence` that none of `hedges` finds within
    `reach` characters before it (with `hedged_inside`, nor inside it): said as done, not only
    as possible, weighed or ahead; and, by `of_whom_asked` of the text before it and
    `of_what_asked` of the text after it, of the one and the thing asked about."""
    for match in pattern.finditer(sentence):
        if not of_whom_asked(sentence[: match.start()]) or not of_what_asked(
            sentence[match.end() :]
        ):
            continue
        near = [sentence[max(0, match.start() - reach) : match.start()]]
        if hedged_inside:
            near.append(match.group())
        if not any(hedge.search(text) for hedge in hedges for text in near):
            return True
    return False


# A question asking a match's or a fight's result: who won, the result, the (final) score.
# "who scored the winner" asks a person, "the woman who lost her leg" is no question of a
# result, and earnings "results" are figures.
_ASKS_SCORE = re.compile(
    r"\b(?:final\s+score|the\s+score|scoreline)\b|\bscore\s*[?!.]*\s*$|\bscore\s+of\b",
    re.I,
)
# A score that is no match's: "whats the main ability score", "credit score", "review score".
_OTHER_SCORE = re.compile(
    r"\b(?:ability|credit|review|test|exam|metacritic|rotten\s+tomatoes|approval|risk|safety"
    r"|iq|sat|fico|trust|health|sleep|esg|credit\s+rating)\s+scores?\b",
    re.I,
)
_ASKS_RESULT = re.compile(
    r"\bwho\s+(?:won|win|wins|beat)\b|\bwho\s+took\s+(?:it|the\s+(?:title|win|crown))\b"
    r"|(?<!earnings\s)(?<!quarterly\s)(?<!financial\s)\bresult\b|\boutcome\b",
    re.I,
)
_NOT_RESULT = re.compile(
    r"\b(?:will|gonna|going\s+to|odds|predict\w*|preview|expected|upcoming|next|when|why"
    r"|how\s+come|how\s+many|how\s+much|bet|betting)\b",
    re.I,
)
# A sentence reporting a result: a score ("won 5-1", "118-109") or a result's verb, not said
# as only possible just before it ("could beat", "have to defeat"). A team's record is no
# score: "The Buffalo Bills (8-6)", "the Cowboys, who are also 10-3", "improved to 9-4", "a
# 10-3 record".
_SCORE = r"\b\d{1,3}\s*[-–]\s*\d{1,3}\b(?![-–]\d)(?!\s*record)"
SCORE_SAID = re.compile(
    r"(?<![\d.,$£€(])(?<!\bare\s)(?<!\bis\s)(?<!\bwere\s)(?<!\balso\s)(?<!\brecord\sto\s)"
    r"(?<!\bimproved\sto\s)(?<!\bfell\sto\s)(?<!\bdropped\sto\s)(?<!\bmoved\sto\s)"
    + _SCORE
    + r"|(?<=\()"
    + _SCORE
    + r"(?!\))"
)
_RESULT_SAID = re.compile(
    r"\b(?:won|beat|beats|beating|beaten|defeated|defeats|defeating|lost|loses|losing|drew|draw"
    r"|victory|victories|triumph\w*|stopped|knocked\s+out|knockout|outpointed|on\s+points"
    r"|edged|upset|routed|thrashed|clinched|claimed|lifted|eliminated|crowned"
    r"|retained|kept\s+(?:his|her|their)\s+title|defended)\b",
    re.I,
)


def asks_result(question: str) -> bool:
    """Whether `question` asks the result of a match or fight that has been played: who won,
    the result, the score (not the odds, a preview or when it is)."""
    asked = _asks_score(question) or _ASKS_RESULT.search(question)
    return bool(asked) and not _NOT_RESULT.search(question)


def _asks_score(question: str) -> bool:
    return bool(_ASKS_SCORE.search(question)) and not _OTHER_SCORE.search(question)


# The two sides named after who won, as the question's end: "…, va tech or tulane?".
_SIDES = re.compile(
    r"\bwho\s+(?:won|wins|win|took\s+it)\b[^+&]*,\s*[\w'’.-]+(?:\s+[\w'’.-]+){0,2}\s+or\s+"
    r"[\w'’.-]+(?:\s+[\w'’.-]+){0,2}\s*[?!.]*\s*$",
    re.I,
)


# "who won by more, rovers over city or united over town" weighs two matches.
_MARGIN = re.compile(r"\bby\s+(?:more|most|less|fewer)\b|\bover\b", re.I)


def names_sides(question: str) -> bool:
    """Whether `question` asks who won and ends naming the two sides ("who won the military
    bowl, va tech or tulane"): one result, though its sides may read as two parts."""
    return bool(_SIDES.search(question)) and not _MARGIN.search(question)


def tells_result(
    question: str,
    sentences: Sequence[str],
    sides_from: str | None = None,
    headlines: Sequence[str] = (),
) -> bool:
    """Whether one of `sentences` reports what `question` asks of a result: a score for a
    score question; a score or a result's verb ("beat", "won", "were knocked out") for who won.
    Where the question (or `sides_from`, the whole of it) names the two sides ("michigan vs
    washington natty - who won"), the sentence or one of the quoted stories' `headlines` must
    name one of them: "Ohio State won the Big Ten title game" in a playoff story is another
    match's result."""
    wanted = [SCORE_SAID]
    if not _asks_score(question):
        wanted.append(_RESULT_SAID)
    hedges = (_POSSIBLE, AHEAD_SAID)
    sides = versus_sides(sides_from or question)
    headlined = bool(sides) and any(_names_side(h, sides) for h in headlines)
    return any(
        said_as_done(pattern, s, hedges, _POSSIBLE_BEFORE) and _of_the_match(s, sides, headlined)
        for pattern in wanted
        for s in sentences
    )


# The opponent a sentence names for a result: "defeating Paris Saint-Germain 4-1".
_OPPONENT = re.compile(
    r"\b(?:beat|beats|beating|beaten|defeat|defeats|defeated|defeating|against|over|drew\s+with"
    r"|lost\s+to|loss\s+to|losing\s+to|thrashed|thrashing|routed|routing|edged|edging)"
    r"\s+(?:the\s+)?([A-Z][\w'’.&-]*(?:\s+[A-Z][\w'’.&-]*)*)"
)


def _of_the_match(sentence: str, sides: Sequence[str], headlined: bool) -> bool:
    """Whether a result `sentence` can be of the match between `sides` (any, when none is
    named): it names a side; or, in a story `headlined` with a side, it names no other
    opponent ("A late penalty took the score to 28-24" in the match report, not "…, defeating
    Paris Saint-Germain 4-1" in a preview of another match)."""
    if _names_side(sentence, sides):
        return True
    return headlined and all(
        _names_side(match.group(1), sides) for match in _OPPONENT.finditer(sentence)
    )


# "A vs B", "A v B", "A versus B": the word just before and the word just after name the sides.
_VERSUS_SIDES = re.compile(
    r"([\w'’.&-]+)\s+(?:vs?\.?|versus)\s+(?:the\s+)?([\w'’.&-]+)",
    re.I,
)


def versus_sides(question: str) -> tuple[str, ...]:
    """The word naming each side of a match the question writes as "A vs B" ("man utd v the
    rovers": "utd" and "rovers"), or () when it names none."""
    match = _VERSUS_SIDES.search(question)
    if match is None:
        return ()
    return tuple(without_possessive(side.lower()).strip(".") for side in match.groups())


def _names_side(sentence: str, sides: Sequence[str]) -> bool:
    """Whether `sentence` names one of `sides` (any sentence, when none is named); a side may
    be written longer in the sentence ("utd" as "Utd.", "arg" as "Argentina")."""
    if not sides:
        return True
    words = re.findall(r"[\w'’&-]+", sentence.lower())
    return any(word.startswith(side) for side in sides for word in words)


# A question asking who was appointed: who replaced someone, who was hired or named, who is
# the new coach or chief ("who'd the chargers hire after they fired staley").
_ASKS_SUCCESSOR = re.compile(
    r"\bwho\s+(?:replaced|replaces|succeeded|took\s+over|takes\s+over|became"
    r"|ended\s+up\s+(?:becoming|as))\b"
    r"|\bwho\s*(?:is|was|'?s)\s+(?:the\s+)?(?:new|next)\b"
    r"|\bnew\s+(?:full[- ]time\s+)?(?:head\s+coach|coach|ceo|manager|boss|chief|speaker"
    r"|president)\b"
    r"|\bwho\s+did\s+[\w\s]{1,30}?\b(?:hire|appoint|name|pick)\b|\bwho'?d\s+[\w\s]{1,30}?\bhire\b"
    r"|\bhire\s+to\s+replace\b|\breplaced\s+(?:him|her)\b",
    re.I,
)
# A sentence telling an appointment: "has hired Jonathan Smith as its next football coach",
# "will be the exchange's new CEO", "appointed Emmett Shear"; not "elect a new speaker", one
# still to be found.
APPOINTMENT_SAID = re.compile(
    r"\b(?:named|naming|names|appointed|hired|replaced|replaces|replacing|succeeded|succeeds"
    r"|took\s+over|takes\s+over|take\s+over|taking\s+over|tapped|promoted|elected|installed"
    r"|(?<!\ba\s)new\s+(?:head\s+coach|coach|ceo|chief|manager|speaker|president)"
    r"|as\s+(?:its|the|their)\s+(?:new|next|interim))\b",
    re.I,
)
# An appointment only weighed: "the options should Man United move on", "if Tepper loses his
# patience, he could bring another new head coach".
_WEIGHED = re.compile(
    r"\b(?:could|would|may|might|if|should|options?|candidates?|whether|considering|linked"
    r"|rumou?r\w*|favou?rites?|tipped)\b",
    re.I,
)
_WEIGHED_BEFORE = 40


# A question asking what someone said: "what did sam altman say about agi", "what did the
# study say". A sentence answering it reports speech ("said", "told", "wrote", a quotation) or
# a finding ("suggested", "predicted"); one about the speaker that says nothing of theirs ("Altman
# is a proud techno-optimist") does not.
_ASKS_STATEMENT = re.compile(
    r"\b(?:what|wat|wht|whats)\s+(?:did|does|do|has|have|had)\s+\S.{0,60}?\s"
    r"(?:say|said|tweet|post|write|tell|comment)\b",
    re.I | re.S,
)
_STATEMENT_SAID = re.compile(
    r"\b(?:said|says|saying|told|tells|telling|wrote|writes|written|tweeted|tweets|posted"
    r"|added|adds|insisted|claimed|claims|admitted|admits|revealed|reveals|explained|argued"
    r"|responded|replied|stated|disagreed|agreed|warned|noted|acknowledged|joked|urged"
    r"|according\s+to|statement|comments?|remarks?|suggested|suggests|showed|shows|predicted"
    r"|predicts|estimated|estimates|concluded)\b|[“”\"]",
    re.I,
)


def asks_statement(question: str) -> bool:
    """Whether `question` asks what someone said, wrote or posted."""
    return bool(_ASKS_STATEMENT.search(question))


def tells_statement(sentences: Sequence[str]) -> bool:
    """Whether one of `sentences` reports speech or a finding."""
    return any(_STATEMENT_SAID.search(s) for s in sentences)


def asks_successor(question: str) -> bool:
    """Whether `question` asks who was appointed: who replaced someone, was hired, is new."""
    return bool(_ASKS_SUCCESSOR.search(question))


def tells_appointment(sentences: Sequence[str]) -> bool:
    """Whether one of `sentences` tells an appointment made, not one only weighed just before
    ("could bring another new head coach", "the options should they move on")."""
    return any(said_as_done(APPOINTMENT_SAID, s, (_WEIGHED,), _WEIGHED_BEFORE) for s in sentences)
