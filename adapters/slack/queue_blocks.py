"""Slack blocks for the review queue (moderators only, always ephemeral): the queue kind by
kind with each item's buttons, and the claim picker for accepting a candidate as a support
or a conflict of a claim the moderator chooses."""

from __future__ import annotations

import re

from adapters.slack import messages as slack_messages
from adapters.slack.blocks import Block, SlackMessage, _cap, _context, _detail, _plain, _section, escape, text_message
from bot import messages
from bot.moderation_lines import queue_lines
from bot.queue_actions import QUEUE_ACTIONS, buttons_for
from bot.replies import QueueSection
from bot.shorten import shorten
from knowledge.models import QueueItem

QUEUE_ACTION = re.compile(rf"^queue_({'|'.join(QUEUE_ACTIONS)})$")
QUEUE_ITEMS_SHOWN = 10
QUEUE_TEXT_CHARS = 300


def queue_message(items: list[QueueItem]) -> SlackMessage:
    """The open items, oldest first, each with its buttons."""
    if not items:
        return text_message(messages.QUEUE_EMPTY)
    blocks: list[Block] = []
    for item in items[:QUEUE_ITEMS_SHOWN]:
        q = queue_lines(item)
        lines = [f"*#{q.id} · {q.kind}* · asked {q.asked}× · since {q.since:%Y-%m-%d}"]
        lines.append("> " + escape(shorten(q.text, QUEUE_TEXT_CHARS)))
        lines += [_detail(d, QUEUE_TEXT_CHARS) for d in q.details]
        blocks.append(_section("\n".join(lines)))
        blocks.append(
            {
                "type": "actions",
                "block_id": f"queue_{item.id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": f"queue_{action}",
                        "text": {"type": "plain_text", "text": f"{action.title()} #{item.id}", "emoji": False},
                        "value": str(item.id),
                        **({"style": "danger"} if action != "accept" else {"style": "primary"}),
                    }
                    for action in buttons_for(item)
                ],
            }
        )
    if len(items) > QUEUE_ITEMS_SHOWN:
        blocks.append(_context(escape(slack_messages.more_items(len(items) - QUEUE_ITEMS_SHOWN))))
    return SlackMessage(_plain(f"{len(items)} review items"), _cap(blocks))


def queue_listing_message(sections: list[QueueSection], footer: str) -> SlackMessage:
    """The queue kind by kind: each kind's head with its total ("5 of 10,001"), its items with
    their buttons, and `footer` (what readers can add)."""
    if not any(s.total for s in sections):
        return text_message(messages.QUEUE_EMPTY)
    found: list[Block] = []
    heads = []
    for section in sections:
        head = messages.queue_section_head(section.kind, len(section.items), section.total)
        heads.append(head)
        found.append(_section(f"*{escape(head)}*"))
        if section.items:
            found += queue_message(section.items).blocks
    found.append(_context(escape(footer)))
    return SlackMessage(_plain("; ".join(heads)), _cap(found))


PICK_ACTION = re.compile(r"^queue_pick_\d{1,2}$")
PICKS_SHOWN = 5
_PICK_VALUE = re.compile(r"(\d{1,18}):(supports|conflicts):([a-z0-9-]{1,80})")


def claim_picker_message(item_id: int, how: str, choices: list[tuple[str, str]]) -> SlackMessage:
    """The claims whose words match what a moderator typed for `accept ITEM as-support|as-conflict
    words`, each with a button that accepts the candidate that way with that claim."""
    lead = slack_messages.pick_claim(item_id, how)
    found: list[Block] = [_section(escape(lead))]
    for n, (cid, text) in enumerate(choices[:PICKS_SHOWN]):
        button = {
            "type": "button",
            "action_id": f"queue_pick_{n}",
            "text": {"type": "plain_text", "text": shorten(cid, 70), "emoji": False},
            "value": f"{item_id}:{how}:{cid}",
        }
        found.append({**_section(f"`{escape(cid)}` {escape(shorten(text, QUEUE_TEXT_CHARS))}"), "accessory": button})
    return SlackMessage(_plain(lead), _cap(found))


def parse_pick_value(value: str) -> tuple[int, str, str] | None:
    """A claim picker button's (item, how, claim id), or None when the value is not one of ours."""
    found = _PICK_VALUE.fullmatch(value)
    return (int(found[1]), found[2], found[3]) if found else None


def parse_item_value(value: str) -> int | None:
    """A queue button's item id, or None when the value is not one of ours."""
    return int(value) if value.isdigit() and len(value) <= 18 else None
