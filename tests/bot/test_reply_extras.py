"""What the service adds around the claims: a fact-check verdict, and a note naming the
questions of a message it did not answer."""

from __future__ import annotations

from adapters.discord.render import answer_embeds
from adapters.slack.blocks import answer_message
from bot.cli import render as render_text
from bot.json_contract import answer_json
from bot.replies import AnswerReply, NoAnswerReply
from bot.service import TalksService


async def test_a_check_with_the_wrong_figure_is_answered_no_with_the_sources_figure(service: TalksService) -> None:
    reply = await service.ask("is it true that the trump putin call lasted three hours?")
    assert isinstance(reply, AnswerReply)
    assert reply.agrees is False and reply.verdict is not None and reply.verdict.startswith("No")
    assert "90 minutes" in reply.verdict
    data = answer_json(reply)
    assert data["verdict"] == {"agrees": False, "sentence": reply.verdict}
    assert render_text.render(reply).startswith(reply.verdict)
    assert any(reply.verdict in b.get("text", {}).get("text", "") for b in answer_message(reply).blocks)


async def test_a_plain_question_carries_no_verdict(service: TalksService) -> None:
    reply = await service.ask("How long did the Trump Putin phone call last?")
    assert isinstance(reply, AnswerReply) and reply.verdict is None
    assert answer_json(reply)["verdict"] is None


async def test_two_questions_in_one_message_are_both_answered(service: TalksService) -> None:
    one = await service.ask("Who is on the US negotiating team?")
    where = await service.ask("in which country is the summit planned?")
    both = await service.ask("Who is on the US negotiating team? and in which country is the summit planned?")
    assert isinstance(one, AnswerReply) and isinstance(both, AnswerReply) and isinstance(where, AnswerReply)
    assert [v.claim_id for v in both.claims] == [v.claim_id for v in one.claims]
    (second,) = both.parts
    assert isinstance(second, AnswerReply) and second.question == "in which country is the summit planned?"
    assert [v.claim_id for v in second.claims] == [v.claim_id for v in where.claims]
    assert both.other_questions == ["in which country is the summit planned?"] and both.unanswered_questions == []
    data = answer_json(both)
    assert data["other_questions"] == ["in which country is the summit planned?"]
    assert [p["question"] for p in data["parts"]] == ["in which country is the summit planned?"]
    assert data["parts"][0]["answers"][0]["claim_id"] == second.claims[0].claim_id
    text = render_text.render(both)
    assert "Q: Who is on the US negotiating team?" in text and "Q: in which country is the summit planned?" in text
    assert one.parts == [] and answer_json(one)["parts"] == []


async def test_an_unanswered_first_question_does_not_hide_an_answered_second(service: TalksService) -> None:
    reply = await service.ask("What is the best borscht recipe? Who is on the US negotiating team?")
    assert isinstance(reply, NoAnswerReply) and reply.answered_anything
    (second,) = reply.parts
    assert isinstance(second, AnswerReply) and second.question == "Who is on the US negotiating team?"
    data = answer_json(reply)
    assert not data["answered"] and data["parts"][0]["answered"]
    titles = [e.title or "" for e in answer_embeds(reply)]
    assert titles == ["Q: What is the best borscht recipe?", "Q: Who is on the US negotiating team?"]


async def test_past_three_questions_are_named_not_answered(service: TalksService) -> None:
    reply = await service.ask(
        "How many minutes did they talk? Where is the summit? Who negotiates for the US? Whom did Putin invite?"
    )
    assert len(reply.parts) == 2
    assert reply.unanswered_questions == ["Whom did Putin invite?"]
    assert "Whom did Putin invite?" in render_text.render(reply)
    message = answer_message(reply) if isinstance(reply, AnswerReply) else None
    assert message is not None and any("Whom did Putin invite?" in str(b) for b in message.blocks)


async def test_each_question_of_a_message_is_logged_on_its_own(service: TalksService) -> None:
    reply = await service.ask("Who is on the US negotiating team? and in which country is the summit planned?")
    ids = [p.question_id for p in reply.questions()]
    assert None not in ids and len(set(ids)) == 2
