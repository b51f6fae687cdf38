"""What a message is before it is a search: its language, and whether it is a news question at
all or small talk, a how-to, a request for personal advice, or a request for live data.

A news bot answers from its articles; "thanks", "how do I reset my phone" and "btc price right
now" are not questions its articles can answer, so they get a short reply in the person's own
language instead of quotes that happen to share a word. The rules are deliberately about the
*form* of a message (greeting words, "how do I …", "should I …", "… right now"), never about
topics, so they do not decline real news questions that mention the same things.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

__all__ = [
    "Intent",
    "detect_language",
    "english_only",
    "not_covered",
    "read_intent",
    "reply_for",
    "sources_end",
]


class Intent(StrEnum):
    """The kinds of message; only NEWS is searched."""

    NEWS = "news"
    SMALL_TALK = "small_talk"
    HOW_TO = "how_to"
    ADVICE = "advice"
    LIVE_DATA = "live_data"


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN_LETTERS = re.compile(r"[іїєґ]", re.I)
_UKRAINIAN_WORDS = frozenset(
    """що як де чи це хто коли чому який яка яке які було буде зараз сьогодні вчора новини
    привіт дякую будь ласка війна україна україни києві київ тиждень гарного гарний добрий
    бувай""".split()
)
_RUSSIAN_LETTERS = re.compile(r"[ыэъё]", re.I)
# Question words, prepositions and conjunctions that frame a Russian or Ukrainian sentence.
_CYRILLIC_FRAME = frozenset(
    """что кто какой какая какое какие где когда почему зачем сколько как ли у в во на с со о
    об про по за из для от до это и а но не чем чего кому кого там есть был была было были
    будет будут ещё уже що хто який яка яке які де коли чому навіщо скільки як чи з зі із від
    це й але є буде будуть вже ще""".split()
)
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def detect_language(text: str) -> str:
    """ "en", "ru" or "uk" (the languages the bot replies in), by script and telltale letters.

    Other scripts count as English: the bot's replies then say how to ask in English.
    """
    letters = _LETTERS.findall(text)
    cyrillic = sum(1 for c in letters if _CYRILLIC.match(c))
    words = set(re.findall(r"\w+", text.lower()))
    # Names are often typed in Latin letters ("какой экран у steam deck oled"): a question
    # whose question words or prepositions are Cyrillic is asked in Russian or Ukrainian.
    if not letters or (cyrillic < len(letters) / 2 and not words & _CYRILLIC_FRAME):
        return "en"
    if _UKRAINIAN_LETTERS.search(text):
        return "uk"
    if _RUSSIAN_LETTERS.search(text):
        return "ru"
    return "uk" if words & _UKRAINIAN_WORDS else "ru"


# -- small talk --------------------------------------------------------------------------------
# A message is small talk when, once these phrases and filler words are taken out, nothing is
# left: "hi there bot", "thanks a lot!!", "ok cool lol", "привет, ты кто".

# Thanks and goodbyes, in English, Russian and Ukrainian: small talk, and what the reply
# answers in kind (`reply_for`).
_THANKS_WORDS = (
    r"thanks?|thank (?:you|u)|thx|ty|tysm|tyvm|cheers|much appreciated|appreciate it|"
    r"appreciated|"
    r"(?:that|this|it)?(?:'?s| was| is)(?: really| very| so| super| pretty| rly)? "
    r"(?:helpful|useful)|"
    r"(?:that|this|it|you|u)(?: really)? helped(?: (?:a lot|a ton|loads|so much|me|heaps))?|"
    r"спасибо|спс|благодарю|дякую|"
    r"дуже дякую|спасибі"
)
_FAREWELL_WORDS = (
    r"bye|goodbye|good bye|see (?:you|ya|u)(?: later| soon)?|cya|later|take care|ttyl|"
    r"good night|gn|have a (?:nice|good|great|lovely) (?:day|evening|night|weekend|one)|"
    r"пока|до свидания|спокойной ночи|всего доброго|хорош\w* (?:дня|вечера|выходных)|удачи|"
    r"бувай\w*|до побачення|на добраніч|гарн\w* (?:дня|вечора|вихідних)"
)
_SMALL_TALK_PHRASES = [
    # greetings and farewells
    r"hi+|hey+|hello+|hallo|hiya|howdy|yo|sup|wassup|what(?:'?s| is)? up|heya|greetings|hola|"
    r"salut",
    r"good (?:morning|afternoon|evening|night|day)|morning|evening|gm|night|nite|гарного|"
    r"хорошего",
    # season's and day's wishes
    r"(?:merry|happy) (?:christmas|xmas|new year|holidays|hanukkah|thanksgiving|easter|"
    r"birthday|friday|weekend|monday)|happy hols|"
    r"с (?:новым годом|рождеством|праздник\w*)|з (?:новим роком|різдвом|святом|святами)",
    _FAREWELL_WORDS,
    r"привет\w*|здравствуй\w*|здрасьте|добр\w+ (?:утро|день|вечер|ночи)|доброе утро|хай|ку|"
    r"салют",
    r"привіт\w*|вітаю|добр\w+ (?:ранку|ранок|день|дня|вечір|вечора|ночі)",
    # thanks, acknowledgements, laughter, reactions
    _THANKS_WORDS,
    r"thank|(?:that )?(?:was|is) (?:great|interesting)",
    # done asking ("thx thats all i needed", "that's it for now", "thats all for today")
    r"(?:that'?s|that is|thats) (?:all|it|everything)(?: i (?:needed|wanted|had))?"
    r"(?: for (?:now|today|tonight|the day))?|"
    r"all good|no more questions|that'?ll do",
    # what the thanks are for ("thanks for the answer", "спасибо за ответ")
    r"for (?:the|your|this|that|all the)? ?(?:answer|answers|help|info|reply|quote|quotes|"
    r"update|news|quick answer)|"
    r"за (?:ответ|ответы|помощь|информацию|инфу|новости|відповідь|відповіді|допомогу|"
    r"інформацію|новини)",
    r"ok(?:ay)?|k+|kk|alright|all right|sure|cool|nice|great|awesome|perfect|got it|i see|"
    r"understood|fine|good|wow|oh|ah|hmm+|yes|yeah|yep|no|nope|nah|true|right|interesting|"
    r"amazing|fair enough|makes sense|lol+|lmao|rofl|haha\w*|hehe\w*|xd|omg|wtf|bruh|meh",
    r"ок|окей|понятно|ясно|хорошо|круто|супер|класс|отлично|ага|да|нет|ладно|норм|ха\w*|лол|"
    r"понял\w*|тебя|вас",
    r"зрозуміло|зрозумів|зрозуміла|добре|гаразд|чудово|клас|так|ні|ага|норм|тобі|вам",
    # about the bot itself
    r"who (?:are|r) (?:you|u)|what (?:are|r) (?:you|u)|"
    r"what (?:can|do) (?:you|u) (?:actually |even |really )?do|"
    r"what (?:do|can) (?:you|u) know|how (?:do|does) (?:you|u|this|it) work|"
    # what the bot can be asked ("what kinds of questions can you answer", "what do u cover")
    r"what (?:(?:kinds?|sorts?|types?) of )?(?:questions|qs|things|stuff|news|topics) "
    r"(?:can|do|could) (?:you|u) (?:answer|handle|help with|cover|do|know about)|"
    r"what (?:can|do) (?:you|u) (?:answer|cover|help with|help me with)|"
    r"(?:are|r) (?:you|u) (?:a |an )?(?:real|human|person|bot|robot|ai|alive|there|ok|okay)"
    r"(?: (?:person|human|bot|being))?|"
    r"(?:or )?(?:an? )?(?:real )?(?:person|human|bot|robot|ai|being)|"
    r"what is this|what is this bot|who made (?:you|u)|"
    r"(?:are|r) (?:you|u) (?:chat ?gpt|gpt|an? (?:llm|chatbot|chat bot|language model))|"
    r"(?:what|which) (?:model|ai|llm) (?:are|r) (?:you|u)|"
    r"what(?:'s| is) your name|what(?:'s| is) your (?:purpose|job|deal)|what are you for|help|"
    r"start",
    r"how (?:are|r) (?:you|u|ya|things)(?: doing| going)?(?: today| tonight| this morning)?|"
    r"how(?:'?s| is) it going|how you doing|"
    r"how(?:'?s| is| was) (?:ur|your|the) day(?: going| been)?|how'?s life|hru|"
    r"how (?:have|ve) (?:you|u) been|what (?:are |r )?(?:you|u) (?:up to|doing)|wyd|wbu|hbu|"
    r"hope (?:ur|your|you'?re|u r|you are|all is|everything is|it'?s)"
    r"(?: (?:day|week|weekend|morning|evening)(?:'?s| is)?)?(?: (?:going|doing|been))?"
    r" (?:well|good|great|ok|okay|fine)|"
    r"whats? new with (?:you|u)|"
    r"do (?:you|u) (?:ever )?(?:get )?(?:bored|tired|lonely|sleep|rest)(?: of| with| from)?"
    r"(?: (?:answering|reading|doing|all|the|this|these|those|news|questions|qs|stuff|it|that))*",
    r"(?:tell me|say) (?:a |something )?(?:joke|funny)|make me laugh|i(?:'m| am) bored|"
    r"i love (?:you|u)|love (?:you|u)|miss (?:you|u)|marry me",
    r"(?:you(?:'re| are)|ur|u r|u are|you) "
    r"(?:kinda |so |very |really |actually |pretty |such an? )?"
    r"(?:useless|stupid|dumb|smart|clever|great|awesome|cool|helpful|useful|funny|the best|"
    r"amazing|"
    r"annoying|slow|fast|weird|broken|bad|good|a bot|an idiot|nice)(?: bot| for a bot)?",
    r"good bot|bad bot|nice bot|cool bot|great bot",
    r"кто (?:ты|вы)(?: такой| такая| такие)?|(?:ты|вы)(?: вообще)? кто(?: такой| такая| такие)?|"
    r"что (?:ты|вы) (?:умеешь|умеете|можешь|можете)|ты бот|"
    r"ты человек|как (?:дела|ты|поживаешь|жизнь)(?: у (?:тебя|вас))?|что нового|расскажи анекдот|"
    r"пошути|"
    r"(?:что|че|чё|шо) (?:ты |вы )?(?:умеешь|умеете|можешь)|"
    r"(?:ты|вы) (?:топ|лучший|лучшие|молодец|крутой|супер)|"
    r"чем (?:занимаешься|занимаетесь|занят|занята)|что делаешь|"
    r"(?:или |або |чи )?(?:живой |живий |реальный |реальний )?(?:человек|людина|бот|робот)",
    r"хто (?:ти|ви)(?: такий| така| такі)?|(?:ти|ви)(?: взагалі)? хто(?: такий| така| такі)?|"
    r"що (?:ти|ви) (?:вмієш|вмієте|можеш|можете)|ти бот|як (?:справи|ти)|"
    r"що нового|розкажи анекдот|пожартуй|що (?:вмієш|вмієте|можеш)|"
    r"(?:ти|ви) (?:топ|найкращий|найкращі|молодець|крутий|супер)|чим (?:займаєшся|займаєтесь)|"
    r"що робиш",
]
_FILLER = (
    r"there|bot|buddy|mate|man|dude|bro|guys|friend|pal|again|so much|very much|a lot|lots|"
    r"so|very|really|too|just|then|anyway|ngl|tbh|kinda|please|pls|plz|and|but|u|you|"
    r"all|everyone|folks|mr|sir|madam|newsbot|бот|друг|дружище|ребята|большое|огромное|очень|"
    r"и|а|ну|тебе|вам|всем|друже|дуже|тобі|вам|всім|і|й|вообще|такой|взагалі|такий|"
    r"actually|ur|everybody|exactly|even|some|kind of|sort of|sorta"
)
_SMALL_TALK = re.compile(
    r"^(?:(?:" + "|".join(_SMALL_TALK_PHRASES) + r"|" + _FILLER + r")\b[\s,.!?;:)(]*)+$",
    re.IGNORECASE,
)
_NOT_WORD = re.compile(r"[^\w\s'’]+", re.UNICODE)

# -- requests the articles cannot answer -------------------------------------------------------

_LEAD = r"^(?:(?:hey|hi|ok|so|pls|please|quick question|question|q|bot|yo)[\s,:!]+)*"
_HOW_TO = re.compile(
    _LEAD + r"(?:how (?:do|can|should|would|could|shall|must) (?:i|we|you|u|one|someone|people)"
    r"(?! think| feel| know| rate)\b"
    r"|how (?:to|2)\b|how(?:'s| is) the best way to"
    r"|what(?:'?s| is) the (?:best|easiest|fastest|quickest) way to|best way to|"
    r"easiest way to|fastest way to|tips (?:for|on|to)|steps to|"
    r"recipe for|how long (?:do|should) (?:i|you) (?:cook|boil|bake|wait|sleep)|"
    r"как (?:мне|нам|можно|лучше|правильно|сделать|приготовить|научиться|избавиться|"
    r"починить|настроить|сбросить)\b|как (?!звать\b)\w+(?:ть|ться|чь)\b|"
    r"як (?:мені|нам|можна|краще|правильно|зробити|приготувати|навчитися|позбутися|"
    r"полагодити|налаштувати)\b|як (?!звати\b)\w+(?:ти|тися)\b|"
    # "how to do it fast" is a how-to, "how fast did it happen" news
    r"как быстро \w+(?:ть|ться|чь)\b|як швидко \w+(?:ти|тися)\b)",
    re.IGNORECASE,
)
# Asked after saying what is wrong: "laptop wont charge, how do i fix it".
_HOW_TO_AFTER = re.compile(
    r"\bhow (?:do|can|should) (?:i|we|u) (?:fix|stop|get rid of|reset|repair|unblock|clean|"
    r"remove|change|turn off|turn on|set up|make|cook|find|get)\b",
    re.IGNORECASE,
)
_ADVICE = re.compile(
    _LEAD + r"(?:should (?:i|we)\b|shall i\b|what should (?:i|we)\b|"
    r"(?:which|what) \w+(?: \w+)? should (?:i|we)\b|do you think i should|would you (?:recommend|"
    r"suggest)|can you recommend|recommend me|any (?:advice|tips|recommendations)|"
    r"is it (?:a good idea|smart|worth it|wise|ok|okay|fine|alright|all right|dumb|stupid|bad"
    r"|safe|normal|crazy|rude) (?:to|for me|if (?:i|we))\b|is it worth (?:it\b|(?:me|us) \w+ing\b"
    r"|(?:buying|getting|moving|switching|upgrading|waiting|paying|investing|selling|renting"
    r"|taking|quitting|applying|trying)\b)|"
    r"is (?:now|this|it) (?:a )?(?:good|bad|the right) time (?:for (?:me|us) )?to|"
    r"стоит ли (?:мне|нам)?|что мне (?:делать|купить|выбрать)|посоветуй\w*|"
    r"чи варто|що мені (?:робити|купити|вибрати)|порадь\w*)"
    r"|\b(?:what (?:do|should) i do|help me decide|what would you do)\b"
    # what to take, eat or buy for one's own trouble, the "i" left out ("had a headache for
    # 3 days what should i take")
    r"|\bwhat should (?:i|we) (?:take|eat|drink|buy|wear|use|try|pick|choose)\b"
    r"|\bany (?:advice|tips|recommendations|suggestions)\b"
    r"|^(?:i|i'?m|im|i am|my|me)\b[^?]*?[\s,]should (?:i|we)\b"
    r"|^(?:i|i'?m|im|my|me)\b(?=.*\bmy\b).*\bor\b"
    r"|\bis it better (?:for (?:me|us) )?to\b.*\bor\b"
    r"|^(?:my|me and my)\b[^?]*?[\s,]do i\b.*\bor\b"
    r"|^(?:my|me and my) \w+.*\bwhat (?:do|should|can) (?:i|we)\b"
    r"|\b(?:i|i'd|i'm|im|my|me)\b.*\b(?:take it|do it|go for it|accept it|thoughts|advice|"
    r"what do (?:you|u) think|wdyt|ideas)\s*$"
    r"|^would (?:you|u|ya) (?!know\b)"
    # a judgement on one's own life ("my boss wants me in 5 days a week, is that normal")
    r"|^(?:i|i'?m|im|i'?ve|ive|my|me and my)\b.*\b(?:is|was) (?:that|this|it) (?:even )?"
    r"(?:too (?:soon|early|late|much|little|fast|slow|young|old)|normal|weird|ok|okay|fine"
    r"|reasonable|legal|allowed|a red flag|a good sign|a bad sign)\b",
    re.IGNORECASE,
)
_NOW = (
    r"(?:right now|rn|now|today|tonight|currently|at the moment|atm|this minute|"
    r"сейчас|щас|счас|сегодня|зараз|сьогодні|нині)"
)
_LIVE_THINGS = (
    r"(?:weather|forecast|temperature|temp|rain(?:ing)?|snow(?:ing)?|humidity|"
    r"price|prices|rate|rates|score|scores|stock|stocks|shares|traffic|trending|odds|"
    r"jammed|congested|gridlocked|backed up|queues?|"
    r"winning|playing|standings|time is it|date is it|delayed|running late|cancel(?:l)?ed|"
    r"(?:tube|train|trains|bus|buses|metro|subway|underground|ferry|ferries|flights?) running|"
    r"on time|exchange rate|(?:usd|eur|gbp|jpy|aud|cad|chf|cny|rub|uah|btc|eth) (?:to|in) "
    r"(?:usd|eur|gbp|jpy|aud|cad|chf|cny|rub|uah|dollars?|euros?|pounds?)|"
    r"погод\w*|курс\w*|цен\w*|стоит|стоят|коштує|коштують|счет|счёт|"
    r"рахунок|ціна|ціни|температур\w*)"
)
# The state of a service, a market or a place asked "right now".
_STATE = r"(?:up|down|open|closed|running|working|operating)"
# A market or a coin, whose moves are asked as they happen: "what's the asx doing today" (its
# "&" is gone once a message is read: "s&p" reads "s p").
_MARKETS = (
    r"(?:market|markets|stock market|asx|ftse|dow|dow jones|nasdaq|s ?&? ?p|s ?and ?p|sp500|"
    r"s ?&? ?p 500|nikkei|dax|cac|hang seng|sensex|nifty|tsx|bitcoin|btc|ethereum|eth|crypto|"
    r"dollar|euro|pound|yen|rupee|ruble|rouble|oil|gold|bond yields?)"
)
# How it moves: "doing", "trading at", "up or down".
_MOVING = r"(?:do|doing|trading|moving|looking|at|up|down)"
# Within a few words of each other: "btc price right now", "weather in kyiv today".
_NEAR = r"(?:\s+\S+){0,4}\s+"
_LIVE_DATA = re.compile(
    r"\bweather (?:forecast|in|at|for|near|like|today|tomorrow|tonight|this|now|rn)\b|"
    r"^(?:what(?:'s| is) the |how(?:'s| is) the |the )?weather\b|\bwill it (?:rain|snow)\b|"
    rf"\b(?:погода|погоду|погоди)\b|\b{_LIVE_THINGS}\b{_NEAR}{_NOW}\b|"
    rf"\b{_NOW}\b{_NEAR}{_LIVE_THINGS}\b|\bwhat time is it\b|"
    # whether a thing is up, open or running at this moment: "is the jubilee line running rn"
    rf"\b(?:is|are|r) (?:the )?\w+(?: \w+){{0,2}} (?:still )?{_STATE}(?: or (?:not|{_STATE}))? "
    rf"(?:today|tonight|right now|rn|now|atm|at the moment)\b|\blive scores?\b|\bscores? live\b|"
    r"\b(?:current|latest|live) (?:\w+ ){0,3}exchange rates?\b|"
    rf"\b(?:how|what)(?:'s| is| are|s| did| does)? (?:the )?{_MARKETS}(?: \d+)? {_MOVING}\b"
    rf".*\b{_NOW}\b|"
    # the market first, then the moment and the move: "asx 200 today how much up"
    rf"^{_MARKETS}(?: \d+)? {_NOW} (?:how much )?{_MOVING}\b",
    re.IGNORECASE,
)
# Requests for live data are short; a long question that mentions the weather is about news.
_LIVE_DATA_WORDS = 12


def _normalise(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.replace("’", "'")).split()).lower()


def read_intent(text: str) -> Intent:
    """What kind of message `text` is (see `Intent`); anything unrecognised is NEWS."""
    plain = _normalise(text)
    if not plain or _SMALL_TALK.match(plain):
        return Intent.SMALL_TALK
    if _ADVICE.search(plain):
        return Intent.ADVICE
    if len(plain.split()) <= _LIVE_DATA_WORDS and _LIVE_DATA.search(plain):
        return Intent.LIVE_DATA
    if _HOW_TO.search(plain) or _HOW_TO_AFTER.search(plain):
        return Intent.HOW_TO
    return Intent.NEWS


_ABOUT = {
    "en": "I answer questions about the news with quotes from the articles I have, each with its "
    "source. Ask me something like “what did the Fed decide about rates?”",
    "ru": "Я отвечаю на вопросы о новостях цитатами из статей, которые у меня есть, с "
    "указанием источника. Спросите, например: «что решила ФРС по ставке?»",
    "uk": "Я відповідаю на запитання про новини цитатами зі статей, які в мене є, із "
    "зазначенням джерела. Запитайте, наприклад: «що вирішила ФРС щодо ставки?»",
}
_REPLIES = {
    Intent.SMALL_TALK: {
        "en": "Hi! " + _ABOUT["en"],
        "ru": "Привет! " + _ABOUT["ru"],
        "uk": "Привіт! " + _ABOUT["uk"],
    },
    Intent.HOW_TO: {
        "en": "I can't help with how-to questions: I only know the news articles I was given. "
        + _ABOUT["en"],
        "ru": "С инструкциями я не помогу: я знаю только новостные статьи, которые мне дали. "
        + _ABOUT["ru"],
        "uk": "З інструкціями я не допоможу: я знаю лише новинні статті, які мені дали. "
        + _ABOUT["uk"],
    },
    Intent.ADVICE: {
        "en": "I don't give personal advice: I only quote the news articles I was given. "
        + _ABOUT["en"],
        "ru": "Личных советов я не даю: я только цитирую новостные статьи, которые мне дали. "
        + _ABOUT["ru"],
        "uk": "Особистих порад я не даю: я лише цитую новинні статті, які мені дали. "
        + _ABOUT["uk"],
    },
    Intent.LIVE_DATA: {
        "en": "I don't have live data (weather, prices, scores right now): only the news "
        "articles I was given. " + _ABOUT["en"],
        "ru": "Данных в реальном времени (погода, курсы, счёт матчей) у меня нет: только "
        "новостные статьи, которые мне дали. " + _ABOUT["ru"],
        "uk": "Даних у реальному часі (погода, курси, рахунок матчів) у мене немає: лише "
        "новинні статті, які мені дали. " + _ABOUT["uk"],
    },
}


# Small talk opens with what it answers: thanks get "you're welcome", a goodbye a goodbye.
_THANKS = re.compile(rf"\b(?:{_THANKS_WORDS}|helpful|useful)\b", re.IGNORECASE)
_FAREWELL = re.compile(rf"\b(?:{_FAREWELL_WORDS})\b", re.IGNORECASE)
_OPENERS = {
    "thanks": {"en": "You're welcome! ", "ru": "Пожалуйста! ", "uk": "Будь ласка! "},
    "farewell": {"en": "Bye for now! ", "ru": "До встречи! ", "uk": "До зустрічі! "},
}


def reply_for(intent: Intent, language: str, text: str = "") -> str:
    """The short reply to a message that is not a news question, in the person's language;
    small talk (`text`) is answered in kind: thanks with "you're welcome", a goodbye with a
    goodbye, anything else with a hello."""
    replies = _REPLIES.get(intent, _REPLIES[Intent.SMALL_TALK])
    reply = replies.get(language, replies["en"])
    if intent != Intent.SMALL_TALK:
        return reply
    kind = "thanks" if _THANKS.search(text) else "farewell" if _FAREWELL.search(text) else None
    if kind is None:
        return reply
    about = _ABOUT.get(language, _ABOUT["en"])
    return _OPENERS[kind].get(language, _OPENERS[kind]["en"]) + about


_ENGLISH_ONLY = {
    "ru": "Мои статьи на английском, и вопросы на других языках я пока не сопоставляю с ними. "
    "Спросите, пожалуйста, по-английски, например: “what happened to Sam Altman?”",
    "uk": "Мої статті англійською, і запитання іншими мовами я поки не зіставляю з ними. "
    "Запитайте, будь ласка, англійською, наприклад: “what happened to Sam Altman?”",
}


def english_only(language: str) -> str:
    """The decline for a question in a language the configured model cannot match to articles."""
    return _ENGLISH_ONLY.get(language, "Please ask in English: my articles are in English.")


_NOT_COVERED = {
    "en": "My sources don't cover that.",
    "ru": "Мои источники об этом не пишут.",
    "uk": "Мої джерела про це не пишуть.",
}


def sources_end(language: str, year: int, last: datetime | None) -> str:
    """The decline for how an event of `year` went, later than the newest article (`last`)."""
    if language == "ru":
        ended = f"от {last:%d.%m.%Y}" if last else "более ранняя"
        return (
            f"Моя самая свежая статья {ended}: как что-либо прошло в {year} году, "
            "мои источники сказать не могут."
        )
    if language == "uk":
        ended = f"від {last:%d.%m.%Y}" if last else "давніша"
        return (
            f"Моя найсвіжіша стаття {ended}: як будь-що пройшло у {year} році, "
            "мої джерела сказати не можуть."
        )
    ended = f"{last.day} {last:%B %Y}" if last else "before that"
    return f"My newest article is from {ended}: my sources can't say how anything in {year} went."


def not_covered(language: str) -> str:
    """The one-sentence decline, in the person's language."""
    return _NOT_COVERED.get(language, _NOT_COVERED["en"])
