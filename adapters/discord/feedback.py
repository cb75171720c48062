"""Helpful / wrong buttons under each answer.

They are `DynamicItem`s: everything a press needs (verdict, question, claim) is
in the `custom_id`, so buttons on messages sent before a restart still work
without any state kept in memory.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from adapters.discord import messages as dmsg
from adapters.discord.deps import deps_of
from adapters.discord.markdown import inert
from adapters.discord.permissions import place_of
from adapters.discord.respond import report_error, send
from bot import messages, translations
from bot.replies import AnswerReply, NoAnswerReply
from bot.service import PER_PERSON_PER_HOUR
from knowledge.errors import NotFound

CUSTOM_ID_LIMIT = 100
# Discord lays a message's components out in at most five rows.
ROWS_LIMIT = 5
VERDICTS = {"h": "helpful", "w": "wrong"}
_CODES = {v: k for k, v in VERDICTS.items()}
TEMPLATE = r"tb:fb:(?P<verdict>[hw]):(?P<qid>\d{1,18}|-):(?P<claim>[a-z0-9]+(?:-[a-z0-9]+)*)"


def feedback_custom_id(verdict: str, question_id: int | None, claim_id: str) -> str:
    # Short prefix: Discord allows 100 characters and a claim id alone may take 80.
    return f"tb:fb:{_CODES[verdict]}:{'-' if question_id is None else question_id}:{claim_id}"


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=TEMPLATE):
    """One verdict on one claim of one answer."""

    def __init__(
        self, verdict: str, question_id: int | None, claim_id: str, number: int | None = None, language: str = "en"
    ) -> None:
        self.verdict = verdict
        self.question_id = question_id
        self.claim_id = claim_id
        label = translations.say(language, dmsg.HELPFUL_LABEL if verdict == "helpful" else dmsg.WRONG_LABEL)
        super().__init__(
            discord.ui.Button(
                label=f"{number} · {label}" if number else label,
                emoji="👍" if verdict == "helpful" else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=feedback_custom_id(verdict, question_id, claim_id),
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> FeedbackButton:
        qid = match["qid"]
        return cls(VERDICTS[match["verdict"]], None if qid == "-" else int(qid), match["claim"])

    async def callback(self, interaction: discord.Interaction) -> None:
        # Errors here bypass the command tree's handler, so they are reported the same way by hand.
        try:
            if self.question_id is None:
                raise NotFound(messages.FEEDBACK_UNKNOWN)
            queued = await deps_of(interaction).service.record_feedback(
                place_of(interaction), str(interaction.user.id), self.question_id, self.claim_id, self.verdict
            )
            thanks = dmsg.FEEDBACK_HELPFUL if self.verdict == "helpful" else dmsg.FEEDBACK_WRONG
            if not queued:  # past the hourly limit: recorded, but kept out of the moderators' queue
                thanks = messages.wrong_report_held(PER_PERSON_PER_HOUR)
            await send(interaction, content=thanks, ephemeral=True)
        except NotFound as exc:
            # Not the tree's "pick a claim from the list": a button has no list to pick from.
            await send(interaction, content=inert(str(exc)), ephemeral=True)
        except Exception as exc:
            await report_error(interaction, exc)


def feedback_view(reply: AnswerReply | NoAnswerReply, claims_shown: int) -> discord.ui.View | None:
    """One row of buttons per claim shown, numbered when there is more than one.

    For a message of several questions: one row per claim of every question answered, in
    the numbering of its fields, each button naming its own question; Discord allows five rows.
    """
    if reply.parts:
        shown = [(p.question_id, c) for p in reply.questions() if isinstance(p, AnswerReply) for c in p.claims[:3]]
    elif isinstance(reply, AnswerReply):
        shown = [(reply.question_id, c) for c in reply.claims[:claims_shown]]
    else:
        shown = []
    view = discord.ui.View(timeout=None)
    numbered = len(shown) > 1
    for row, (question_id, claim) in enumerate(shown[:ROWS_LIMIT]):
        if len(feedback_custom_id("helpful", question_id, claim.claim_id)) > CUSTOM_ID_LIMIT:
            continue
        for verdict in ("helpful", "wrong"):
            number = row + 1 if numbered else None
            button = FeedbackButton(verdict, question_id, claim.claim_id, number, reply.language)
            button.row = row
            view.add_item(button)
    return view if view.children else None
