"""Questions asked the way people type in chat, one table per kind of failure.

Each answerable row names the claims of which one must be the first answer (or
among the first three when the row says so). Each
abstaining row uses the articles' own vocabulary to ask what they do not say:
answering it from the nearest claim would be a wrong answer with a real quote.
"""

from __future__ import annotations

import pytest

from bot.json_contract import answer_json
from bot.service import TalksService
from knowledge.answering.index import ClaimIndex
from knowledge.answering.matcher import Matcher
from knowledge.store import Store

Row = tuple[str, set[str], bool]

TEAM = {"us-team-four-members", "us-team-three-members"}
CALL_LENGTH = {"call-length-90-minutes", "call-length-nearly-hour-and-half", "call-described-as-lengthy"}
HEGSETH_NATO = {"hegseth-nato-membership-ruled-out", "hegseth-nato-membership-unrealistic"}

CHAT_REGISTER: list[Row] = [
    ("yo r the europeans gonna get a say in the talks", {"europe-demands-role-in-talks", "europe-united-front"}, False),
    ("wheres trump meeting putin??", {"trump-putin-to-meet-in-saudi-arabia"}, True),
    ("hiya, who r the us negotiators pls", TEAM, True),
    ("lol so hegseth thinks crimea is coming back or nah", {"hegseth-pre-2014-borders-unrealistic"}, True),
    ("whats up w teh ukraine nato thing rn", HEGSETH_NATO, False),
    ("whats the icc got to do w putin", {"putin-icc-arrest-warrant", "critics-legitimising-putin"}, True),
    ("how long did putin n trump speak for??", CALL_LENGTH, True),
    (
        "ok so wat did the kremlin say abt kursk",
        {"kremlin-rejects-territory-swap", "peskov-ukrainian-units-will-be-expelled"},
        False,
    ),
    ("any1 know when the munich conf is", {"munich-security-conference-dates"}, True),
    ("govt of the uk gonna send cash to ukraine?", {"uk-4-5-billion-military-aid"}, False),
]

ROLES_AND_SIDES: list[Row] = [
    ("what is the vice president doing in munich", {"vance-rubio-munich-talks"}, True),
    ("what did the kremlin spokesman say about the call", CALL_LENGTH | {"putin-supports-peace-talks"}, False),
    ("did the nato chief say anything", {"rutte-von-der-leyen-european-involvement"}, True),
    ("what did the brits' defence sec say", {"uk-4-5-billion-military-aid", "healey-we-are-and-we-will"}, True),
    ("wat did trump say abt ww2", {"trump-ww2-parallel"}, True),
    ("what did the uk defence secretary announce", {"uk-4-5-billion-military-aid", "healey-we-are-and-we-will"}, True),
    ("the us defense secretary on ukraine joining the alliance", HEGSETH_NATO, False),
    ("who is the cia director on the team", TEAM, True),
    ("what did the head of the european commission say", {"rutte-von-der-leyen-european-involvement"}, True),
    ("how did kyiv's side react to the call", {"kyiv-response-muted", "kyiv-brief-statement-strategic"}, False),
    ("what did the russian side say about swapping land", {"kremlin-rejects-territory-swap"}, False),
]

YES_NO_TWO_NAMES: list[Row] = [
    ("was witkoff involved in getting fogel out", {"witkoff-role-in-fogel-release"}, True),
    ("was the vp at the munich conf", {"vance-rubio-munich-talks"}, True),
    ("did rubio and waltz both make the negotiating team", TEAM, True),
    ("is britain one of the countries behind the joint statement", {"seven-nations-joint-statement"}, False),
]

TYPOS_AND_RUN_TOGETHER: list[Row] = [
    ("how long was teh phonecall", CALL_LENGTH, True),
    ("whos on trumps negotiating team", TEAM, True),
    ("waht did the pentagon chief say abuot crimea", {"hegseth-pre-2014-borders-unrealistic"}, True),
    (
        "wat r teh peacetalks gonna cover",
        {"trump-putin-agree-immediate-negotiations", "putin-supports-peace-talks"},
        False,
    ),
]

PARAPHRASED_ACTIONS: list[Row] = [
    ("will america send soldiers to keep the peace", {"hegseth-no-us-troops"}, True),
    (
        "who is supposed to police the ceasefire on the ground",
        {"hegseth-european-and-non-european-troops", "europe-primary-responsibility-peacekeeping"},
        False,
    ),
    ("did trump phone putin first without asking the allies", {"allies-not-consulted"}, False),
    ("is europe being shut out of the talks", {"europe-fears-being-sidelined", "europe-demands-role-in-talks"}, False),
]

ASKED_KIND_RANKING: list[Row] = [
    ("what date was the call", {"call-date-february-12"}, True),
    ("whens the call", {"call-date-february-12"}, True),
    ("how long did the two of them talk", CALL_LENGTH, True),
    ("when is the munich conference going to start", {"munich-security-conference-dates"}, True),
    ("what time of day did they speak", {"call-early-morning-washington"}, True),
    ("how much is britain giving in military aid", {"uk-4-5-billion-military-aid"}, True),
    ("what percentage of their economy should allies spend on defence", {"nato-defence-spending-5-percent"}, True),
    ("how many people are on the us negotiating team", {"us-team-three-members"}, False),
    ("how much is the uk giving", {"uk-4-5-billion-military-aid"}, True),
    ("how much should allies spend", {"nato-defence-spending-5-percent"}, True),
]

FACT_CHECKS_ANSWERED: list[Row] = [
    ("is it true the call lasted three hours?", CALL_LENGTH, True),
    ("is it true that britain pledged 2 billion pounds for ukraine", {"uk-4-5-billion-military-aid"}, True),
    ("is it true trump checked with the allies before calling putin", {"allies-not-consulted"}, True),
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
    "how long did the biden putin call last",
    "when will trump visit moscow",
    "how long will the negotiations last",
    "when will the fighting stop",
    "how much of its gdp does russia spend on defence",
    "how much aid has germany given ukraine",
    # Offices and leaders typed in lower case are still someone the articles do not quote.
    "what did the polish president say",
    "who is the russian foreign minister",
    "how long did the trump xi call go on",
    "what did the uk prime minister say",
    "did macron say anything abt the talks",
    # The person asked about must be the one speaking, not merely named.
    "did putin say anything about nato",
    "what did the vice president say about the call",
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


async def _assert_answers(service: TalksService, question: str, claims: set[str], first: bool) -> None:
    result = answer_json(await service.ask(question))
    assert result["answered"], f"abstained on {question!r}"
    got = [a["claim_id"] for a in result["answers"]]
    assert set(got[:1] if first else got[:3]) & claims, f"{question!r} → {got}"


@pytest.mark.parametrize(("question", "claims", "first"), CHAT_REGISTER)
async def test_chat_register(service: TalksService, question: str, claims: set[str], first: bool) -> None:
    await _assert_answers(service, question, claims, first)


@pytest.mark.parametrize(("question", "claims", "first"), ROLES_AND_SIDES)
async def test_roles_and_sides(service: TalksService, question: str, claims: set[str], first: bool) -> None:
    await _assert_answers(service, question, claims, first)


@pytest.mark.parametrize(("question", "claims", "first"), YES_NO_TWO_NAMES)
async def test_yes_no_naming_two_entities(service: TalksService, question: str, claims: set[str], first: bool) -> None:
    await _assert_answers(service, question, claims, first)


@pytest.mark.parametrize(("question", "claims", "first"), TYPOS_AND_RUN_TOGETHER)
async def test_typos_and_run_together_words(
    service: TalksService, question: str, claims: set[str], first: bool
) -> None:
    await _assert_answers(service, question, claims, first)


@pytest.mark.parametrize(("question", "claims", "first"), PARAPHRASED_ACTIONS)
async def test_paraphrased_actions(service: TalksService, question: str, claims: set[str], first: bool) -> None:
    await _assert_answers(service, question, claims, first)


@pytest.mark.parametrize(("question", "claims", "first"), ASKED_KIND_RANKING)
async def test_ranking_by_what_is_asked(service: TalksService, question: str, claims: set[str], first: bool) -> None:
    await _assert_answers(service, question, claims, first)


@pytest.mark.parametrize(("question", "claims", "first"), FACT_CHECKS_ANSWERED)
async def test_fact_checks_answer_with_the_deciding_claim(
    service: TalksService, question: str, claims: set[str], first: bool
) -> None:
    await _assert_answers(service, question, claims, first)


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
async def matcher(service: TalksService, store: Store) -> Matcher:
    return Matcher(ClaimIndex.build(await store.claims.load_states()))


@pytest.mark.parametrize(("check", "agrees", "needed"), VERDICTS)
async def test_fact_check_verdicts(matcher: Matcher, check: str, agrees: bool, needed: list[str]) -> None:
    result = matcher.find_matches(check)
    assert result.matches, f"abstained on {check!r}"
    assert result.verdict is not None
    assert result.verdict.agrees is agrees, result.verdict.sentence
    assert all(n.lower() in result.verdict.sentence.lower() for n in needed), result.verdict.sentence


async def test_no_yes_or_no_when_only_a_quote_carries_the_check(matcher: Matcher) -> None:
    # The claim about the Kremlin and the call's length does not say "productive":
    # agreeing would confirm what the Kremlin never said.
    result = matcher.find_matches("is it true the kremlin called the call long and productive")
    assert result.matches, "the claim about the call's length should still answer"
    assert result.verdict is None, result.verdict


async def test_ordinary_questions_carry_no_verdict(matcher: Matcher) -> None:
    assert matcher.find_matches("how long did the call take").verdict is None
