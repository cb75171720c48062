"""What the service adds around the claims: a fact-check verdict, and a note naming the
questions of a message it did not answer."""

from __future__ import annotations

from adapters.discord.render import no_answer_text
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


async def test_two_questions_in_one_message_answer_the_first_and_name_the_second(service: TalksService) -> None:
    one = await service.ask("Who is on the US negotiating team?")
    both = await service.ask("Who is on the US negotiating team? and where will Trump and Putin meet?")
    assert isinstance(one, AnswerReply) and isinstance(both, AnswerReply)
    assert [v.claim_id for v in both.claims] == [v.claim_id for v in one.claims]
    assert both.other_questions == ["where will Trump and Putin meet?"]
    assert answer_json(both)["other_questions"] == ["where will Trump and Putin meet?"]
    assert "where will Trump and Putin meet?" in render_text.render(both)
    assert one.other_questions == []


async def test_an_unanswered_first_question_still_names_the_rest(service: TalksService) -> None:
    reply = await service.ask("What is the best borscht recipe? Who is on the US negotiating team?")
    assert isinstance(reply, NoAnswerReply)
    assert reply.other_questions == ["Who is on the US negotiating team?"]
    assert "Who is on the US negotiating team?" in no_answer_text(reply)
