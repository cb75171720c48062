"""The question reader: frames, what is asked, focus and context; and long questions through `service.ask`.

The questions are written for these tests, one table per kind: the reader's
own output (pure), then whole questions answered by the service, where
taking the scene-setting words for the question would refuse them.
"""

from __future__ import annotations

import pytest

from bot.json_contract import answer_json
from bot.service import TalksService
from knowledge.answering.reader import Attribute, Frame, checked_statement, read_question, unknown_holders

TEAM = {"us-team-four-members", "us-team-three-members"}
CALL_LENGTH = {"call-length-90-minutes", "call-length-nearly-hour-and-half", "call-described-as-lengthy"}

# (question, attribute asked)
ATTRIBUTES: list[tuple[str, Attribute]] = [
    ("When did the two leaders speak?", Attribute.WHEN),
    ("On which day was the call announced?", Attribute.WHEN),
    ("How long did the conversation go on?", Attribute.DURATION),
    ("Where is the summit going to be held?", Attribute.PLACE),
    ("In which country will they meet?", Attribute.PLACE),
    ("Who leads the American delegation?", Attribute.PERSON),
    ("Which officials were appointed?", Attribute.PERSON),
    ("How many countries signed the statement?", Attribute.COUNT),
    ("How much money is Britain sending?", Attribute.AMOUNT),
    ("What share of GDP must allies spend?", Attribute.AMOUNT),
    ("Why are critics worried?", Attribute.REASON),
    ("What is Steve Witkoff's job?", Attribute.ROLE),
    ("What did Sikorski argue?", Attribute.SAID),
    ("Did the Kremlin confirm the call?", Attribute.YES_NO),
    # "when" later in the question is a conjunction, not what is asked.
    ("Which alliance did Trump praise when describing his talk with Putin?", Attribute.OTHER),
    ("How old is the Kremlin spokesman?", Attribute.AGE),
]

# (message, the statement a check asks about) in every frame; None: not a check.
CHECK_FRAMES: list[tuple[str, str | None]] = [
    ("Is it correct that Healey announced new aid?", "Healey announced new aid"),
    ("is it correct that the call was on a Wednesday", "the call was on a Wednesday"),
    ("I heard Peskov called it productive, right?", "Peskov called it productive"),
    ("I read that Witkoff freed Fogel", "Witkoff freed Fogel"),
    ("Did Hegseth really rule out NATO membership?", "Hegseth rule out NATO membership"),
    ("Was the call really ninety minutes long?", "the call was ninety minutes long"),
    ("Putin asked Trump over to Moscow — is that correct?", "Putin asked Trump over to Moscow"),
    ("The talks start in Saudi Arabia, is that true?", "The talks start in Saudi Arabia"),
    ("So Rubio leads the negotiating team?", "Rubio leads the negotiating team"),
    ("Zelensky spoke to Trump as well, correct?", "Zelensky spoke to Trump as well"),
    # Questions that are not checks.
    ("So who leads the negotiating team?", None),
    ("Did Putin ask Trump to visit Moscow?", None),
    ("What is true about the call?", None),
]

# (question, words the focus keeps, words that only set the scene)
FOCUS_AND_CONTEXT: list[tuple[str, list[str], list[str]]] = [
    (
        "With the war nearly three years old and Europe nervous, what was Baerbock's line on peace?",
        ["Baerbock", "peace"],
        ["three years", "nervous"],
    ),
    (
        "The Kremlin sounded cautious in public; even so, what did Putin offer to host?",
        ["Putin", "host"],
        ["cautious"],
    ),
    (
        "According to the coverage, which region did Zelensky want to swap territory in?",
        ["region", "swap"],
        ["According to the coverage"],
    ),
    # A relative clause ("which was …") describes; the question comes after it.
    (
        "About the EU Global piece, which was harsh on Hegseth, what did it call his speech?",
        ["speech"],
        ["harsh"],
    ),
    # One clause and nothing else: all of it is the focus.
    ("What was the French foreign minister's view of Europeans?", ["French", "Europeans"], []),
]


@pytest.mark.parametrize(("question", "attribute"), ATTRIBUTES)
def test_what_is_asked(question: str, attribute: Attribute) -> None:
    assert read_question(question).attribute is attribute


@pytest.mark.parametrize(("message", "statement"), CHECK_FRAMES)
def test_check_frames(message: str, statement: str | None) -> None:
    assert checked_statement(message) == statement
    reading = read_question(message)
    assert reading.is_check is (statement is not None)
    assert (reading.frame is Frame.CHECK) is (statement is not None)


@pytest.mark.parametrize(("question", "kept", "scene"), FOCUS_AND_CONTEXT)
def test_focus_and_context(question: str, kept: list[str], scene: list[str]) -> None:
    reading = read_question(question)
    assert all(k.lower() in reading.focus.lower() for k in kept), reading
    assert all(s.lower() not in reading.focus.lower() for s in scene), reading
    assert all(s.lower() in reading.context.lower() for s in scene), reading


def test_a_pronoun_in_the_focus_stands_for_the_person_the_context_names() -> None:
    reading = read_question("Healey met Hegseth in Brussels, and afterwards what did he promise?")
    assert "healey" in reading.focus.lower()


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("Who is Ukraine's foreign minister?", ("ukraine foreign-minister",)),
        ("what did the british prime minister say", ("britain prime-minister",)),
        ("What did the German foreign minister say?", ()),  # Baerbock
        ("What was argued by Warsaw's top diplomat?", ()),  # Sikorski
        ("what did a European leader say", ()),  # "leader" alone names nobody
        ("what was the spanish foreign minister's view", ()),  # named in the articles, office unstated
    ],
)
def test_office_holders_the_articles_never_name(text: str, unknown: tuple[str, ...]) -> None:
    assert unknown_holders(text) == unknown


# Long questions whose first clauses only set the scene: (question, claims one of which answers first).
SCENE_SETTING: list[tuple[str, set[str]]] = [
    (
        "Since Europe keeps worrying about being sidelined, and given the conference in Munich this weekend, "
        "who actually sits on Washington's negotiating team?",
        TEAM,
    ),
    (
        "Now that the phone call is public and everyone is debating its tone, how many minutes did the two "
        "presidents actually speak for?",
        CALL_LENGTH,
    ),
    (
        "Britain wants to show it is serious about Ukraine; after talks with Hegseth, what sum in military "
        "aid did Healey announce?",
        {"uk-4-5-billion-military-aid"},
    ),
    (
        "Reading the EU Global piece, which was quite critical of the White House, what did it say the "
        "Kremlin's readout focused on?",
        {"kremlin-readout-restrained"},
    ),
    (
        "Given that Kursk keeps coming up in the coverage, what was the Kremlin's answer to a possible land swap?",
        {"kremlin-rejects-territory-swap"},
    ),
    (
        "With Zelensky under pressure from all sides, what was his warning on security guarantees?",
        {"zelenskyy-security-guarantees-need-america"},
    ),
    (
        "After the prisoner release and all the talk of goodwill, where are Trump and Putin going to meet in person?",
        {"trump-putin-to-meet-in-saudi-arabia"},
    ),
    (
        "As the papers put it, what share of GDP are NATO members now expected to spend on defence?",
        {"nato-defence-spending-5-percent"},
    ),
]


@pytest.mark.parametrize(("question", "claims"), SCENE_SETTING)
async def test_scene_setting_is_not_required_of_the_answer(
    service: TalksService, question: str, claims: set[str]
) -> None:
    result = answer_json(await service.ask(question))
    assert result["answered"], f"abstained on {question!r}"
    assert result["answers"][0]["claim_id"] in claims, [a["claim_id"] for a in result["answers"]]
