"""Whether a question asks a sum of money (a price, what was paid, raised or earned, a salary,
a valuation) and whether a sentence states one.

A near miss often asks the figure a covered story leaves out: "how much did apple pay to buy
beeper" over stories of Beeper Mini's fight with Apple, "how much was connor stalions getting
paid" over his resignation, "m3 ultra mac studio price?" over a review saying it is yet to come.
The quoted sentences name the right company and read close to the question; what they lack is
any sum of money, which an answer to such a question cannot do without.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "MONEY_STATED",
    "RATE_STATED",
    "VALUATION_STATED",
    "asks_money",
    "money_asked",
    "states_money",
]

# Words that make "how much" ask for money: paying, costing, earning, raising, a price or fee.
_MONEY_CONTEXT = (
    r"pay|pays|paid|paying|cost|costs|costing|charge[sd]?|charging|price[sd]?|pricing|worth"
    r"|raise[sd]?|raising|fund(?:ing|ed)?|invest(?:s|ed|ing|ment)?|spend(?:s|ing)?|spent"
    r"|earn(?:s|ed|ing)?|make|makes|made|making|sell|sells|sold|selling|fee|fees|salary"
    r"|wages?|prize|money|cash|bid|offer(?:ed)?|buy|bought|go\s+for|went\s+for|bring\s+in"
)
# "how much" asking a sum: with a word of money in its clause, or "how much is the 2tb
# steam deck" (a thing's price); not a change or a share ("how much is the topix up", "how
# much faster", "how much of ftx"), nor a quantity of a thing ("how much water").
_HOW_MUCH = re.compile(r"\bhow\s+much\b(?P<rest>[^,;?!]*)", re.I)
_MONEY_WORD = re.compile(rf"\b(?:{_MONEY_CONTEXT})\b", re.I)
_THING_PRICE = re.compile(r"^\s+(?:is|are|r|was|were)\b", re.I)
_NOT_MONEY = re.compile(
    r"^\s+(?:more|less|higher|lower|faster|slower|longer|bigger|better|worse|further|of)\b"
    # a quantity of a thing: "how much water a day does it make"
    r"|^\s+(?:water|rain(?:fall)?|snow(?:fall)?|food|fuel|sleep|electricity|carbon|co2|sugar"
    r"|protein|caffeine|alcohol|land|ice|memory|ram|battery)\b"
    r"|\b(?:up|down|rise|rose|risen|fall|fell|fallen|grow|grew|grown|drop|dropped|jump|jumped"
    r"|climb|climbed|increase[sd]?|decrease[sd]?|slow|time|data|storage|energy|power|space"
    r"|weight|percent|per\s+cent)\b|%|\bin\s+[a-z]+\s*$",
    re.I,
)
# A sum asked by name: "steam deck oled price?", "what valuation did simply homes get",
# "mrbeast net worth", "whats the price of …" (not "does amazon do price matching", nor
# "did they raise prices", which ask whether).
_SUM_NAMED = (
    r"(?:price|prices|price\s+tag|cost|valuation|valued\s+at|net\s+worth|salary|wages"
    r"|prize\s+money|fee|box\s+office|gross|revenues?(?!\s+(?:split|share))|earnings"
    r"|settlement|payout|purse|(?:getting|being|get|gets|got)\s+paid|net\s+asset\s+value|nav)"
)
_NAMED_ASKED = re.compile(
    rf"\b(?:what(?:'?s|\s+is|\s+was|\s+are|\s+were)?|whats)\s+(?:[\w'’]+\s+){{0,4}}{_SUM_NAMED}\b"
    rf"|\b{_SUM_NAMED}\s+(?:of|for|after|now|post|following)\b",
    re.I,
)
# Or named last, as a topic is asked: "steam deck oled price?" (not "relative valuation: what
# share of analysts use it", whose topic comes before its question).
_NAMED_LAST = re.compile(rf"\b{_SUM_NAMED}\s*[?!.]*\s*$", re.I)

# A clause asking whether ("did they cut the price", "did mistral close at a $2bn valuation")
# or why ("why did the stock jump after earnings"), or about a change of a price ("raised
# ticket prices?"), asks no sum.
_CLAUSE = re.compile(r"[:;,?!—–]+|\s-\s|\s+(?:and|also|\+)\s+", re.I)
_WHETHER = re.compile(
    r"\s*(?:did|does|do|has|have|had|is|was|were|will|can|could|why|how\s+come)\b", re.I
)
_CHANGED = re.compile(
    rf"\b(?:raise[sd]?|cut|hike[sd]?|increase[sd]?|lower(?:ed)?|drop(?:ped)?|change[sd]?"
    rf"|slash(?:ed)?)\s+(?:\w+\s+){{0,2}}{_SUM_NAMED}",
    re.I,
)

# A sum of money as articles write it: "$549", "£120,000-a-week", "Rs 20.50 Cr", "€1.2bn",
# "1.7 million", "25 cents", "is free".
MONEY_STATED = re.compile(
    r"[$£€¥₹]\s?\d"
    r"|\b(?:Rs\.?|INR|USD|EUR|GBP|AUD|CAD|US\$|A\$|C\$)\s?\d"
    r"|\d\s?(?:dollars?|pounds?|euros?|rupees?|yen|yuan|francs?|kronor|krona|cents?|pence"
    r"|crores?|lakhs?|usd|eur|gbp|aud|inr)\b"
    r"|\b\d[\d.,]*\s?(?:million|billion|trillion|mn|bn|m|b|k)\b"
    r"|\b(?:for|is|are|be|remains?|stays?|costs?\s+nothing\s+or)\s+free\b|\bfree\s+of\s+charge\b",
    re.I,
)


# A company's valuation is stated as one: "valued at $10 billion", "a $2bn valuation", "a 51%
# stake, valuing it at $1 billion"; the sum a round raised is another figure ("simply homes
# valuation after the 22m raise?").
_ASKS_VALUATION = re.compile(r"\bvaluation\b|\bvalued\b", re.I)
_SUM = r"(?:[$£€¥₹]\s?\d|\b\d[\d.,]*\s?(?:million|billion|trillion|mn|bn|m|b)\b)"
VALUATION_STATED = re.compile(
    rf"\bvalu(?:ations?|ed|es|ing)\b[^.!?]*?{_SUM}|{_SUM}[^.!?]*?\bvaluations?\b", re.I
)


# A sum asked for a stretch of time ("how much a week", "paying per year"), which a sentence
# states with its stretch ("£350,000-a-week", "$9.99/month", "$1.1 billion per year"); a total
# ("a $7.7 billion deal") is no rate.
_PERIOD = r"(?:week|wk|month|mo|year|yr|season|hour|hr|day|night|game)s?"
_PER_PERIOD = rf"\b(?:a|an|per|each|every)[\s-]+{_PERIOD}\b|/\s*{_PERIOD}\b"
_RATE_ASKED = re.compile(_PER_PERIOD, re.I)
_RATE_WORDS = rf"(?:{_PER_PERIOD}|\b(?:annual(?:ly)?|monthly|weekly|yearly|hourly|nightly)\b)"
RATE_STATED = re.compile(
    rf"(?:{MONEY_STATED.pattern})[^;!?]{{0,30}}?{_RATE_WORDS}"
    rf"|{_RATE_WORDS}[^;!?]{{0,30}}?(?:{MONEY_STATED.pattern})",
    re.I,
)
# "casemiro wages, how much a week": a sum, though no word of money follows "how much".
_HOW_MUCH_FOR_A_TIME = re.compile(rf"\bhow\s+much\s+(?:{_PER_PERIOD})", re.I)


def money_asked(question: str) -> re.Pattern[str] | None:
    """What a sentence answering `question` states when it asks a sum of money: a valuation
    (`VALUATION_STATED`), a sum for a stretch of time (`RATE_STATED`) or any sum
    (`MONEY_STATED`); None when it asks no sum."""
    if not (_HOW_MUCH_FOR_A_TIME.search(question) or asks_money(question)):
        return None
    if _ASKS_VALUATION.search(question):
        return VALUATION_STATED
    return RATE_STATED if _RATE_ASKED.search(question) else MONEY_STATED


def asks_money(question: str) -> bool:
    """Whether `question` asks a sum of money: what something costs, what was paid, raised,
    earned or invested, a price, fee, salary or valuation."""
    for match in _HOW_MUCH.finditer(question):
        rest = match["rest"]
        if _NOT_MONEY.search(rest):
            continue
        if _MONEY_WORD.search(rest) or _THING_PRICE.match(rest):
            return True
        if _bare(rest) and not _BY.search(question[: match.start()]):
            return True
    clauses = [c for c in _CLAUSE.split(question) if c.strip()]
    return any(
        (_NAMED_ASKED.search(clause) or (n == len(clauses) - 1 and _NAMED_LAST.search(clause)))
        and not _WHETHER.match(clause)
        and not _CHANGED.search(clause)
        for n, clause in enumerate(clauses)
    )


# "daye sti test - how much in the US", "how much tho": "how much" asked of a thing, with no
# word after it but a place or a time, is its price; "lost by how much" asks a margin.
_PLACE_OR_TIME = frozenset(
    "in the us uk eu u.s u.k america europe australia canada india now rn today tho though".split()
)
_BY = re.compile(r"\bby\s*$", re.I)


def _bare(rest: str) -> bool:
    return all(w in _PLACE_OR_TIME for w in re.findall(r"[\w.]+", rest.lower().rstrip(".")))


def states_money(sentences: Iterable[str], kind: re.Pattern[str] = MONEY_STATED) -> bool:
    """Whether one of `sentences` states a sum of money (of `kind`: a valuation, any sum)."""
    return any(kind.search(sentence) for sentence in sentences)
