"""Questions in Ukrainian, Russian, Polish, German and French through `service.ask`.

Each language answers (the claim its English would get) and refuses (what the articles
never cover) exactly as English does. The questions are written for these tests and use
inflected names and words, free word order and other spellings, so that reading them
without the lemmatizer or without the glossary fails here.
"""

from __future__ import annotations

import pytest

from bot import messages
from bot.cli.render import render
from bot.json_contract import answer_json
from bot.replies import AnswerReply, NoAnswerReply
from bot.service import TalksService

CALL_LENGTH = {"call-length-90-minutes", "call-length-nearly-hour-and-half"}
MEETING = {"trump-putin-to-meet-in-saudi-arabia"}

# (question, language, claim ids of which the first answer must be one)
ANSWERED: list[tuple[str, str, set[str]]] = [
    ("Як довго тривала телефонна розмова Трампа та Путіна?", "uk", CALL_LENGTH),
    ("Кого Путін запросив до Москви?", "uk", {"putin-invited-trump-to-moscow"}),
    ("Що Зеленський запропонував обміняти в Курській області?", "uk", {"zelenskyy-kursk-swap-idea"}),
    ("Сколько длился телефонный разговор Путина с Трампом?", "ru", CALL_LENGTH),
    ("Где встретятся Трамп и Путин?", "ru", MEETING),
    ("Какую сумму помощи объявил британский министр обороны Хили?", "ru", {"uk-4-5-billion-military-aid"}),
    ("Что Песков сказал об обмене территориями?", "ru", {"kremlin-rejects-territory-swap"}),
    ("Jak długo trwała rozmowa telefoniczna Trumpa z Putinem?", "pl", CALL_LENGTH),
    ("Gdzie spotkają się Putin i Trump?", "pl", MEETING),
    ("Kiedy Trump zadzwonił do Putina?", "pl", {"call-date-february-12"}),
    ("Ile procent PKB mają wydawać na obronę członkowie NATO?", "pl", {"nato-defence-spending-5-percent"}),
    ("Wie lange hat das Telefonat zwischen Trump und Putin gedauert?", "de", CALL_LENGTH),
    ("Wann telefonierten Trump und Putin miteinander?", "de", {"call-date-february-12"}),
    # A separable verb split in a main clause: "fand … statt" is "stattfinden".
    ("Wann fand das Gespräch statt?", "de", {"call-date-february-12"}),
    ("Welcher Lehrer wurde von Russland freigelassen?", "de", {"marc-fogel-release"}),
    ("Was sagte Baerbock über den Frieden in der Ukraine?", "de", {"baerbock-peace-only-together"}),
    ("Combien de temps a duré la conversation entre Trump et Poutine ?", "fr", CALL_LENGTH),
    ("Où Trump et Poutine vont-ils se rencontrer ?", "fr", MEETING),
    ("Qu'a dit Baerbock sur la paix ?", "fr", {"baerbock-peace-only-together"}),
    ("Quelle aide militaire le Royaume-Uni a-t-il annoncée ?", "fr", {"uk-4-5-billion-military-aid"}),
    ("Qui a libéré l'enseignant américain ?", "fr", {"marc-fogel-release"}),
    ("Quand les deux présidents se sont-ils téléphoné ?", "fr", {"call-date-february-12"}),
]

# Questions the articles do not answer, in each language: refused, with suggestions, in that language.
REFUSED: list[tuple[str, str]] = [
    ("Що Путін думає про погоду на Марсі?", "uk"),
    ("Скільки коштує квиток до Києва?", "uk"),
    ("Що Путін сказав про санкції?", "uk"),
    ("Сколько стоит нефть сегодня?", "ru"),
    ("Кто выиграл чемпионат мира по футболу?", "ru"),
    ("Ile kosztuje bilet do Warszawy?", "pl"),
    ("Kto wygrał mistrzostwa świata w piłce nożnej?", "pl"),
    ("Wer hat die Fußballweltmeisterschaft gewonnen?", "de"),
    ("Was hat Putin über Sanktionen gesagt?", "de"),
    ("Qui a gagné la Coupe du monde de football ?", "fr"),
    ("Quel temps fera-t-il demain à Paris ?", "fr"),
]

NOT_IN_SOURCES = {
    "uk": "Цього немає в моїх джерелах.",
    "ru": "Этого нет в моих источниках.",
    "pl": "Tego nie ma w moich źródłach.",
    "de": "Das steht nicht in meinen Quellen.",
    "fr": "Cela ne figure pas dans mes sources.",
}


@pytest.mark.parametrize(("question", "code", "expected"), ANSWERED)
async def test_questions_in_other_languages_are_answered(
    service: TalksService, question: str, code: str, expected: set[str]
) -> None:
    reply = await service.ask(question)
    assert isinstance(reply, AnswerReply), f"refused: {question}"
    assert reply.claims[0].claim_id in expected
    assert reply.language == code
    assert reply.question == question  # logged and shown as asked
    assert answer_json(reply)["language"] == code


@pytest.mark.parametrize(
    ("message", "code", "second"),
    [
        ("Хто такий Віткофф і яку роль він зіграв у звільненні Фогеля?", "uk", "witkoff-role-in-fogel-release"),
        ("Коли відбулася розмова? Скільки вона тривала?", "uk", "call-length-nearly-hour-and-half"),
        ("Wer ist Witkoff und welche Rolle spielte er bei der Freilassung von Fogel?", "de", None),
        ("Kiedy odbyła się rozmowa i ile trwała?", "pl", "call-length-nearly-hour-and-half"),
    ],
    ids=["uk and, pronoun", "uk two marks", "de und", "pl i"],
)
async def test_a_message_asking_two_things_in_another_language_gets_each_answered(
    service: TalksService, message: str, code: str, second: str | None
) -> None:
    reply = await service.ask(message)
    assert reply.question == message and reply.language == code
    [part] = reply.parts
    assert len(reply.other_questions) == 1 and part.language == code
    assert isinstance(part, AnswerReply), f"second question refused: {reply.other_questions}"
    assert part.claims[0].claim_id == (second or "witkoff-role-in-fogel-release")


@pytest.mark.parametrize(("question", "code"), REFUSED)
async def test_out_of_scope_questions_are_refused_in_their_language(
    service: TalksService, question: str, code: str
) -> None:
    reply = await service.ask(question)
    assert isinstance(reply, NoAnswerReply)
    assert reply.language == code and reply.unread_language is None
    assert reply.suggestions  # refused as in English: with the nearest claims offered
    assert render(reply).startswith(NOT_IN_SOURCES[code] + "\n")


async def test_a_check_gets_its_verdict_framed_in_the_language(service: TalksService) -> None:
    reply = await service.ask("Правда ли, что Путин и Трамп говорили 45 минут?")
    assert isinstance(reply, AnswerReply) and reply.agrees is False
    assert reply.verdict and reply.verdict.startswith("Нет — источники говорят: ")
    assert "90 minutes" in reply.verdict  # what the sources say stays their English
    reply = await service.ask("Stimmt es, dass das Telefonat 90 Minuten dauerte?")
    assert isinstance(reply, AnswerReply) and reply.agrees is True
    assert reply.verdict and reply.verdict.startswith("Ja — laut den Quellen: ")


@pytest.mark.parametrize(
    "question",
    ["¿Cuánto duró la llamada entre Trump y Putin?", "Quanto è durata la telefonata tra Trump e Putin?"],
)
async def test_a_language_the_bot_does_not_read_gets_one_english_sentence(service: TalksService, question: str) -> None:
    reply = await service.ask(question)
    assert isinstance(reply, NoAnswerReply)
    assert reply.unread_language in ("es", "it") and not reply.suggestions
    from bot.cli.render import render

    assert render(reply) == messages.UNREAD_LANGUAGE
    assert all(
        name in messages.UNREAD_LANGUAGE for name in ("English", "Ukrainian", "Russian", "Polish", "German", "French")
    )


async def test_english_questions_stay_english(service: TalksService) -> None:
    reply = await service.ask("For how long did the presidents talk on the phone?")
    assert isinstance(reply, AnswerReply) and reply.language == "en"
    assert reply.claims[0].claim_id in CALL_LENGTH
