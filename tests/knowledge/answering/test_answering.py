"""Answering and abstaining, on questions written for these tests.

Each answerable case names phrases of which one must appear in the first
(or any of the first three) answers' text, quotes or correction.
"""

from __future__ import annotations

import pytest

from bot.json_contract import answer_json
from bot.service import DigestDesk, TalksService

# (question, phrases, must be the first answer)
ANSWERABLE: list[tuple[str, list[str], bool]] = [
    ("What was agreed in the Trump Putin phone conversation?", ["negotiations", "talks"], True),
    ("how many minutes did trump and putin talk", ["90-minute", "hour and a half"], True),
    ("What did Peskov say about the length of the call?", ["hour and a half"], True),
    ("Who will negotiate for the United States?", ["Ratcliffe", "Rubio", "Waltz"], False),
    ("Is Steve Witkoff on the negotiating team?", ["Witkoff"], True),
    ("Where is the Trump Putin summit going to be?", ["Saudi Arabia"], True),
    ("Did Putin invite Trump to Moscow?", ["Moscow"], True),
    ("what topics did they discuss besides ukraine", ["artificial intelligence", "Middle East"], False),
    ("Can Ukraine still join NATO?", ["unrealistic", "off the table", "NATO membership"], False),
    ("Will the US send troops to Ukraine?", ["troop", "own forces"], False),
    ("Hegseth on Crimea and the 2014 borders", ["pre-2014", "Crimea"], False),
    ("Who is Marc Fogel?", ["Fogel"], True),
    ("What did Zelensky tell Trump?", ["good and detailed", "no one wants peace", "America", "abandon"], False),
    ("zelenskyy security guarantees america", ["without America", "security guarantees"], True),
    ("Would Russia give up territory in a swap for Kursk?", ["never discussed", "impossible", "Kursk"], False),
    ("What did the seven European countries say in their statement?", ["position of strength", "part of any"], False),
    ("What did Jean-Noel Barrot say?", ["Barrot"], True),
    ("what did spain's foreign minister say", ["Albares"], False),
    ("How much military aid is the UK giving Ukraine?", ["4.5 billion"], True),
    ("John Healey", ["Healey"], True),
    ("What share of GDP must NATO members spend?", ["5%"], True),
    ("Where did Hegseth give his speech?", ["Brussels", "Ramstein", "NATO headquarters"], False),
    ("What is Article 5 and does it cover European troops in Ukraine?", ["Article 5"], True),
    ("What did the Kremlin say about the call?", ["Kremlin", "Peskov"], False),
    ("How did Kyiv react to the call?", ["muted", "good and detailed", "no one wants peace"], False),
    ("Is Putin wanted by the ICC?", ["International Criminal Court"], True),
    ("Why was Keith Kellogg left out?", ["Kellogg"], True),
    ("What did Trump post on Truth Social?", ["ridiculous war", "long and productive", "Truth Social"], False),
    ("What did Sikorski argue?", ["Sikorski"], True),
    ("latvia foreign minister", ["Braže"], True),
    ("What did Rutte and von der Leyen say?", ["Rutte", "von der Leyen"], True),
    ("when is the munich security conference", ["14-16", "Munich"], False),
    ("who called it a preemptive surrender", ["surrender"], True),
    (
        "What are the risks of Trump's approach according to critics?",
        ["embolden", "counterproductive", "appeasement", "risk"],
        False,
    ),
    ("Hegsth natto membership", ["NATO"], False),
    ("zelenskiy", ["Zelensk"], False),
    ("Who is Marc Fogle?", ["Fogel"], True),
    ("<@U0123ABC> <@&4242> who is marc fogel @everyone", ["Fogel"], True),
    ("zelenski kursk", ["Kursk"], True),
    ("Peskov teritory exchnage", ["never discussed", "impossible"], False),
    ("ramstein", ["Ramstein"], True),
    ("Did Trump consult European allies before calling Putin?", ["consult", "consultation"], False),
    ("How long has the war been going on?", ["three years", "three-year"], False),
    ("What did Trump say about the road to peace?", ["road to peace"], True),
]

OUT_OF_SCOPE = [
    "What did Emmanuel Macron say about the call?",
    "Who is the prime minister of Japan?",
    "What's the weather like in Kyiv tomorrow?",
    "How do I bake sourdough bread?",
    "tell me a joke",
    "hello",
    "qwzx plmokn",
    "What did Olaf Scholz announce?",
    "How many drones did Iran send?",
    "Who won the Eurovision song contest?",
    "What happened in the Taiwan Strait standoff?",
    "What ultimatum did Netanyahu give Hamas?",
    "What is the price of bitcoin?",
    "Did Boris Johnson comment on the talks?",
    "Who is the UN secretary general?",
    "Is Russia winning the war?",
    "How many soldiers has Russia lost?",
    "How do I reset my password?",
    "What happened in the 2020 election?",
    "How many fighter jets does Ukraine own?",
]


def _text(answer: dict) -> str:  # type: ignore[type-arg]
    parts = [answer["text"], *(q["quote"] for q in answer["quotes"])]
    if answer["correction"]:
        parts.append(answer["correction"]["text"])
    return " ".join(parts).lower()


@pytest.mark.parametrize(("question", "phrases", "first"), ANSWERABLE)
async def test_answers(service: TalksService, question: str, phrases: list[str], first: bool) -> None:
    result = answer_json(await service.ask(question))
    assert result["answered"], f"abstained on {question!r}"
    answers = result["answers"][:1] if first else result["answers"][:3]
    hit = any(p.lower() in _text(a) for a in answers for p in phrases)
    assert hit, f"{question!r} → {[a['claim_id'] for a in result['answers']]}"


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
async def test_abstains(service: TalksService, question: str) -> None:
    result = answer_json(await service.ask(question))
    assert not result["answered"], f"{question!r} → {[a['claim_id'] for a in result['answers']]}"
    assert 1 <= len(result["suggestions"]) <= 3


async def test_answers_are_capped_at_three_and_ordered(service: TalksService) -> None:
    result = answer_json(await service.ask("Ukraine troops NATO borders Hegseth"))
    scores = [a["score"] for a in result["answers"]]
    assert 1 <= len(scores) <= 3 and scores == sorted(scores, reverse=True)


async def test_boilerplate_is_never_cited(service: TalksService) -> None:
    # Every quote any answer can show, checked against its article's own boilerplate lines.
    checked = 0
    for view in await service.all_claims():
        for q in view.quotes:
            article = service.seeds[q.source_id].article
            assert not article.overlaps_boilerplate(q.start, q.end), (view.claim_id, q.quote)
            checked += 1
    assert checked >= 150
    # And questions made of boilerplate words are not answered from it either.
    teasers = ("Read also", "Share post", "spot_img", "Taiwan Strait", "Netanyahu", "Previous")
    for q in ["share post popular related", "read also previous next", "warships standoff taiwan strait"]:
        for answer in answer_json(await service.ask(q))["answers"]:
            assert not any(t.lower() in quote["quote"].lower() for quote in answer["quotes"] for t in teasers)


async def test_questions_are_logged_with_whether_they_were_answered(service: TalksService) -> None:
    await service.ask("Who is Marc Fogel?")
    await service.ask("tell me a joke")
    stats = await DigestDesk(service).question_stats(service.clock().replace(year=2000), "cli", None)
    assert (stats.total, stats.unanswered) == (2, 1)
    assert stats.unanswered_top == [("tell me a joke", 1)]
