"""Messages that are not news questions, told by their form, in English, Russian, Ukrainian."""

from __future__ import annotations

import pytest

from index.intent import Intent, detect_language, read_intent, reply_for

SMALL_TALK = [
    "do u ever get tired of answering questions",
    "привет, как дела у тебя",
    "yo what u up to",
    "ur pretty clever for a bot",
    "привет, чем занимаешься",
    "привіт, що робиш",
    "hey",
    "Hello there!",
    "heyyy bot",
    "morning",
    "good evening everyone",
    "thank you so much!!",
    "thx mate",
    "cheers",
    "ok",
    "okay got it",
    "haha nice",
    "lmao",
    "👍",
    "...",
    "who r u",
    "what can you do?",
    "who made u and what can u actually do",
    "are you an ai",
    "how does this work",
    "how are you doing",
    # asked as typed in a chat, without apostrophes
    "gm bot, hows ur day going",
    "good morning! hows it going",
    "hey hru",
    "how have u been lol",
    "wyd bot",
    "thanks, that really helped",
    "thanks, that was really helpful",
    "that's super useful, cheers",
    "ty u helped a ton",
    "r u a real person or a bot?",
    "who r u anyway, an ai?",
    "merry christmas everyone 🎄",
    "happy new year bot!",
    "ok ur actually useful",
    "привет) ты вообще кто?",
    "ты бот или живой человек?",
    "ти бот чи людина?",
    "а что умеешь?",
    "с новым годом!",
    "дякую, ти топ",
    "з різдвом 🎄",
    "who r u even, some sort of ai?",
    "morning! hope ur week's going ok",
    "you're so smart",
    "bad bot",
    "say something funny",
    "bye!",
    "здравствуйте",
    "ок, понятно",
    "кто ты?",
    "как дела",
    "вітаю!",
    "дуже дякую",
    "що ти вмієш",
    # thanks for something, goodbyes as wishes, "what's up", who the bot is
    "thanks for the answer",
    "thank you so much for the help!",
    "have a nice day",
    "hey, what's up?",
    "what's your purpose",
    "спасибо за ответ",
    "благодарю тебя",
    "хорошего дня!",
    "ты кто такой",
    "дякую за відповідь",
    "гарного дня",
    "хто ти такий",
    "ок, зрозумів",
    # done asking, or asking what the bot is
    "thx thats all i needed",
    "ok that's it for now",
    "thanks that's all for today",
    "cheers thats it for tonight",
    "who made u? are u chatgpt",
    # what it can be asked
    "What kinds of questions can you answer?",
    "what sort of stuff do u cover",
    "what can u help me with",
]
HOW_TO = [
    "how do i change my wifi password",
    "how can I learn to code",
    "how to make pancakes",
    "what's the easiest way to save money",
    "tips for a job interview",
    "как приготовить борщ",
    "як налаштувати роутер",
    "как быстро выучить английский",
    "як швидко схуднути",
    # asked after saying what is wrong, or without the apostrophe
    "laptop wont charge, how do i fix it",
    "whats the best way to learn spanish",
    "how 2 unblock a sink pls",
]
ADVICE = [
    "my roommate ate my food again, do i confront him or let it slide",
    "im 30 should i move abroad or stay",
    "my knee hurts after running any tips",
    "should I sell my tesla shares",
    "which phone should i buy",
    "would you recommend moving to berlin",
    "is it worth buying a house now",
    "стоит ли мне менять работу",
    "чи варто купувати квартиру",
    # the ways a chat asks for a judgement on one's own plans
    "is it ok to skip breakfast every day",
    "is it fine if i skip the gym this week",
    "is it alright if we leave the heating on all night",
    "is it dumb to rent instead of buying",
    "is now a good time for me to buy a car",
    "should i sell my car now or wait till spring",
    "got an offer from a startup but i'd lose my pension. take it?",
    "would u move abroad for a job",
    "my flatmate never cleans, thinking of moving out. thoughts?",
    "i feel stuck at work, should i retrain",
    "i have 2k saved, pay off my loan or buy a bike?",
    "is it better for me to lease or buy a car",
    "is it worth me moving to leeds for a small raise",
    # the "i" left out
    "had a headache for 3 days what should i take",
    "cant sleep lately, what should i try",
    # a judgement asked on one's own life
    "my boss wants me in the office five days a week, is that even legal",
    "i've been seeing someone 2 weeks and they want me to meet their parents, is that too early",
    "my flatmate has her bf over every night, is that normal?",
]
LIVE_DATA = [
    "weather tomorrow in berlin",
    "gold price today",
    "what's the score right now",
    "eth price rn",
    "is the nasdaq down today",
    "Is the FTSE up or down today?",
    "курс евро сейчас",
    "яка погода у львові",
    "gbp to usd today",
    "сколько сейчас стоит эфир",
    "is my 7:40 bus running late today",
    "are the trains running today with the snow",
    "курс евро прям щас",
    "is the m25 jammed right now",
    "queues at heathrow security today?",
    "What's the current GBP to EUR exchange rate?",
    # whether a service is running, open or down at this moment
    "is the jubilee line running rn",
    "is the louvre open today",
    "r the piccadilly trains still running tonight",
    "is chatgpt down right now",
    # how a market or a coin is moving at this moment
    "what's the asx doing today",
    "how's bitcoin doing rn",
    "what is the ftse 100 at right now",
    "what did the dow do today",
    "what's the s&p at right now",
    "ftse 100 today how much down",
    # a score asked "live"
    "rovers score live",
    "united v city scores live pls",
]
NEWS = [
    "what did the fed decide about rates",
    "how did the market react to the fed",
    "how did openai's board explain firing altman",
    "what should the EU do about AI, according to the commission",
    "did bitcoin go up after the etf news",
    "thanks to the strike, how many cars did ford lose",
    "who won the world series",
    "hello kitty owner sanrio earnings",
    "is the weather service predicting a cold winter, according to the report",
    "why are stock prices falling this week",
    "how many people were killed in the attack",
    "what happened to sam altman",
    "thanks for the update on the strike, how many cars did ford lose",
    "what is the nasa chief's job now",
    "что случилось с сэмом альтманом",
    "що сталося з ftx",
    # "how fast" something happened, not how to do it fast
    "как быстро нетфликс набрал 10 млн подписчиков",
    "як швидко tesla продала перші 100 тисяч авто",
    # "як звати" / "как звать" asks a name, not how to do something
    "як звати батьків мікаели шиффрін",
    "как звать нового спикера палаты",
    # a rate or a worth asked of the news, not of the asker's plans
    "is it worth noting what the ecb said about the exchange rate",
    "how did the euro's exchange rate move after the ecb decision",
    # how a market did on a day the news covers, and what someone is doing today
    "how did the asx do in november",
    "what was the dow at on black friday",
    "what is biden doing today",
    "why did the ftse fall today",
    "asx today: why did evolution mining sink",
    # what the news covers, and what a story says one should do
    "what kinds of questions did the senators ask",
    "what topics do you have on the fed",
    "what should investors buy according to the analysts",
    "how useful was the ai act, according to the critics",
    "why were the roads jammed after the storm",
    # a service's state asked of the news
    "is the government shutdown still going on",
    "why was the central line closed last week",
    # a judgement asked of the news, not of one's own life
    "is it normal for the fed to cut rates before an election",
    "is it fine if the ecb cuts rates before the election, say analysts",
    "how did the rovers score in the live final",
    "my bank says the ecb will cut rates, is that what the ecb said",
]


@pytest.mark.parametrize("message", SMALL_TALK)
def test_small_talk_is_recognised(message: str) -> None:
    assert read_intent(message) is Intent.SMALL_TALK


@pytest.mark.parametrize("message", HOW_TO)
def test_how_to_questions_are_recognised(message: str) -> None:
    assert read_intent(message) is Intent.HOW_TO


@pytest.mark.parametrize("message", ADVICE)
def test_requests_for_personal_advice_are_recognised(message: str) -> None:
    assert read_intent(message) is Intent.ADVICE


@pytest.mark.parametrize("message", LIVE_DATA)
def test_requests_for_live_data_are_recognised(message: str) -> None:
    assert read_intent(message) is Intent.LIVE_DATA


@pytest.mark.parametrize("message", NEWS)
def test_news_questions_that_share_their_words_stay_news(message: str) -> None:
    assert read_intent(message) is Intent.NEWS


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("what happened to ftx", "en"),
        ("что случилось с ftx?", "ru"),
        ("що сталося з ftx?", "uk"),
        ("хто переміг", "uk"),
        ("кто победил", "ru"),
        # Product and company names typed in Latin letters in a Russian or Ukrainian question.
        ("какой экран у steam deck oled", "ru"),
        ("що нового у apple vision pro headset", "uk"),
        # An English question naming something in Cyrillic stays English.
        ("what did the kremlin say about Навальный", "en"),
        ("Was ist mit FTX passiert?", "en"),
        ("", "en"),
    ],
)
def test_the_language_of_a_message(message: str, language: str) -> None:
    assert detect_language(message) == language


def test_replies_come_in_the_persons_language_and_say_what_the_bot_does() -> None:
    assert "news" in reply_for(Intent.SMALL_TALK, "en")
    assert "новост" in reply_for(Intent.SMALL_TALK, "ru")
    assert "новин" in reply_for(Intent.ADVICE, "uk")
    assert reply_for(Intent.LIVE_DATA, "de") == reply_for(Intent.LIVE_DATA, "en")


@pytest.mark.parametrize(
    ("message", "language", "opening"),
    [
        ("thanks a lot!!", "en", "You're welcome!"),
        ("thank u bot", "en", "You're welcome!"),
        ("спасибо большое", "ru", "Пожалуйста!"),
        ("дякую", "uk", "Будь ласка!"),
        ("ok bye", "en", "Bye for now!"),
        ("пока", "ru", "До встречи!"),
        ("have a nice day", "en", "Bye for now!"),
        ("гарного дня", "uk", "До зустрічі!"),
        ("спасибо за ответ", "ru", "Пожалуйста!"),
        ("hi there", "en", "Hi!"),
        ("who are you", "en", "Hi!"),
    ],
)
def test_small_talk_is_answered_in_kind(message: str, language: str, opening: str) -> None:
    reply = reply_for(Intent.SMALL_TALK, language, message)
    assert reply.startswith(opening)
    assert reply.endswith(reply_for(Intent.SMALL_TALK, language).split("! ", 1)[1])
