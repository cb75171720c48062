"""Questions asked the way people type in chat, one table per kind of failure.

Each answerable row names phrases of which one must appear in the first answer's
text or quotes (or any of the first three when the row says so). Each
abstaining row uses the articles' own vocabulary to ask what they do not say:
answering it from the nearest claim would be a wrong answer with a real quote.
"""

from __future__ import annotations

import pytest

from bot.json_contract import answer_json
from bot.service import TalksService
from knowledge.index import ClaimIndex
from knowledge.matcher import Matcher

Row = tuple[str, list[str], bool]

CHAT_REGISTER: list[Row] = [
    ("yo r the europeans gonna get a say in the talks", ["europe"], False),
    ("wheres trump meeting putin??", ["Saudi Arabia"], True),
    ("hiya, who r the us negotiators pls", ["Rubio", "Ratcliffe", "Waltz"], True),
    ("lol so hegseth thinks crimea is coming back or nah", ["Crimea", "pre-2014"], True),
    ("whats up w teh ukraine nato thing rn", ["NATO membership", "unrealistic", "off the table"], False),
    ("how long did trump n putin talk for??", ["90-minute", "hour and a half"], True),
    ("ok so wat did the kremlin say abt kursk", ["never discussed", "expelled", "Kursk"], False),
    ("any1 know when the munich conf is", ["14-16"], True),
    ("govt of the uk gonna send cash to ukraine?", ["4.5 billion"], False),
]

ROLES_AND_SIDES: list[Row] = [
    ("what is the vice president doing in munich", ["Vance"], True),
    ("what did the kremlin spokesman say about the call", ["Peskov"], True),
    ("did the nato chief say anything", ["Rutte"], True),
    ("what did the uk defence secretary announce", ["Healey"], True),
    ("the us defense secretary on ukraine joining the alliance", ["NATO membership", "unrealistic"], False),
    ("who is the cia director on the team", ["Ratcliffe"], True),
    ("what did the head of the european commission say", ["von der Leyen"], True),
    ("how did kyiv's side react to the call", ["muted", "good and detailed", "Kyiv"], False),
    ("what did the russian side say about swapping land", ["never discussed", "impossible"], False),
]

YES_NO_TWO_NAMES: list[Row] = [
    ("was witkoff involved in getting fogel out", ["Fogel"], True),
    ("was the vp at the munich conf", ["Vance"], True),
    ("did rubio and waltz both make the negotiating team", ["Rubio"], True),
    ("is britain one of the countries behind the joint statement", ["joint statement", "seven"], False),
]

TYPOS_AND_RUN_TOGETHER: list[Row] = [
    ("how long was teh phonecall", ["90-minute", "hour and a half"], True),
    ("whos on trumps negotiating team", ["Rubio", "Ratcliffe"], True),
    ("waht did the pentagon chief say abuot crimea", ["Crimea", "pre-2014"], True),
    ("wat r teh peacetalks gonna cover", ["negotiations", "talks"], False),
]

PARAPHRASED_ACTIONS: list[Row] = [
    ("will america send soldiers to keep the peace", ["troop", "own forces", "peacekeeping"], True),
    ("who is supposed to police the ceasefire on the ground", ["European and non-European", "troop"], False),
    ("did trump phone putin first without asking the allies", ["consult"], False),
    ("is europe being shut out of the talks", ["sidelined", "left out", "excluded", "involved"], False),
]

ASKED_KIND_RANKING: list[Row] = [
    ("what date was the call", ["February 12"], True),
    ("what time of day did they speak", ["early in the morning", "morning"], True),
    ("how much is britain giving in military aid", ["4.5 billion"], True),
    ("what percentage of their economy should allies spend on defence", ["5%"], True),
    ("how many people are on the us negotiating team", ["three-member", "three"], False),
]

FACT_CHECKS_ANSWERED: list[Row] = [
    ("is it true the call lasted three hours?", ["90-minute", "hour and a half"], True),
    ("is it true that britain pledged 2 billion pounds for ukraine", ["4.5 billion"], True),
    ("is it true trump checked with the allies before calling putin", ["consult"], True),
]

# Article vocabulary, asking what the articles do not say.
NOT_IN_THE_ARTICLES = [
    "how old is zelensky",
    "what is the population of russia",
    "how many members does nato have",
    "what is france's gdp",
    "how much does germany spend on its military",
    "what did the chinese president say about the call",
    "what did the italian foreign minister say",
    "how long was the biden putin call",
    "when will trump visit moscow",
    "what date will the saudi summit be",
    "how big will the european peacekeeping force be",
    "how many soldiers does ukraine have at the front",
    "who is the prime minister of britain",
    "how many drones did russia launch last night",
    "is it true that the call lasted 30 seconds and was about bitcoin",
    "is it true that nato has 40 members",
    "yo whats the weather in kyiv rn",
    "thx bot ur great lol",
    "hey",
]


async def _assert_answers(service: TalksService, question: str, phrases: list[str], first: bool) -> None:
    result = answer_json(await service.ask(question))
    assert result["answered"], f"abstained on {question!r}"
    answers = result["answers"][:1] if first else result["answers"][:3]
    texts = [" ".join([a["text"], *(q["quote"] for q in a["quotes"])]).lower() for a in answers]
    assert any(p.lower() in t for t in texts for p in phrases), f"{question!r} → {[a['claim_id'] for a in answers]}"


@pytest.mark.parametrize(("question", "phrases", "first"), CHAT_REGISTER)
async def test_chat_register(service: TalksService, question: str, phrases: list[str], first: bool) -> None:
    await _assert_answers(service, question, phrases, first)


@pytest.mark.parametrize(("question", "phrases", "first"), ROLES_AND_SIDES)
async def test_roles_and_sides(service: TalksService, question: str, phrases: list[str], first: bool) -> None:
    await _assert_answers(service, question, phrases, first)


@pytest.mark.parametrize(("question", "phrases", "first"), YES_NO_TWO_NAMES)
async def test_yes_no_naming_two_entities(
    service: TalksService, question: str, phrases: list[str], first: bool
) -> None:
    await _assert_answers(service, question, phrases, first)


@pytest.mark.parametrize(("question", "phrases", "first"), TYPOS_AND_RUN_TOGETHER)
async def test_typos_and_run_together_words(
    service: TalksService, question: str, phrases: list[str], first: bool
) -> None:
    await _assert_answers(service, question, phrases, first)


@pytest.mark.parametrize(("question", "phrases", "first"), PARAPHRASED_ACTIONS)
async def test_paraphrased_actions(service: TalksService, question: str, phrases: list[str], first: bool) -> None:
    await _assert_answers(service, question, phrases, first)


@pytest.mark.parametrize(("question", "phrases", "first"), ASKED_KIND_RANKING)
async def test_ranking_by_what_is_asked(service: TalksService, question: str, phrases: list[str], first: bool) -> None:
    await _assert_answers(service, question, phrases, first)


@pytest.mark.parametrize(("question", "phrases", "first"), FACT_CHECKS_ANSWERED)
async def test_fact_checks_answer_with_the_deciding_claim(
    service: TalksService, question: str, phrases: list[str], first: bool
) -> None:
    await _assert_answers(service, question, phrases, first)


@pytest.mark.parametrize("question", NOT_IN_THE_ARTICLES)
async def test_abstains_on_what_the_articles_do_not_say(service: TalksService, question: str) -> None:
    result = answer_json(await service.ask(question))
    assert not result["answered"], f"{question!r} → {[a['claim_id'] for a in result['answers']]}"


# (check, sources agree, words the verdict sentence must hold)
VERDICTS: list[tuple[str, bool, list[str]]] = [
    ("is it true the call lasted three hours?", False, ["no", "90 minutes", "3 hours"]),
    ("is it true that the call took about an hour and a half", True, ["yes", "90 minutes"]),
    ("is it true britain promised £2 billion in military aid", False, ["no", "4.5 billion", "2 billion"]),
    ("is it true the UK pledged 4.5 billion pounds of aid", True, ["yes", "4.5 billion"]),
    ("is it true trump consulted nato allies before the call", False, ["no"]),
    ("is it true that hegseth ruled out us troops for a peacekeeping mission", True, ["yes"]),
    ("is it true that putin invited trump to moscow", True, ["yes"]),
]


@pytest.fixture
async def matcher(service: TalksService) -> Matcher:
    return Matcher(ClaimIndex.build(await service.store.load_states()))


@pytest.mark.parametrize(("check", "agrees", "needed"), VERDICTS)
async def test_fact_check_verdicts(matcher: Matcher, check: str, agrees: bool, needed: list[str]) -> None:
    result = matcher.find_matches(check)
    assert result.matches, f"abstained on {check!r}"
    assert result.verdict is not None
    assert result.verdict.agrees is agrees, result.verdict.sentence
    assert all(n.lower() in result.verdict.sentence.lower() for n in needed), result.verdict.sentence


async def test_ordinary_questions_carry_no_verdict(matcher: Matcher) -> None:
    assert matcher.find_matches("how long was the call").verdict is None
