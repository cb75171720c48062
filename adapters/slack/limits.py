"""Slack's message limits, and the one place every outgoing message is cut to them.

Slack refuses a whole message (`invalid_blocks`, `msg_too_long`) when one part
is over its limit. The renderers in blocks.py lay text out within these limits
(cuts on word boundaries, long replies split into several messages);
`fit_message`, applied by `SlackMessage.payload()` (which every sender uses:
replies, `response_url`, `chat.postMessage`, `chat.update`, digests, notes),
is the last guard, so no path can send what Slack would refuse. Pure.

Limits from https://api.slack.com/reference/block-kit/blocks and
https://api.slack.com/methods/chat.postMessage#truncating.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.shorten import shorten

MESSAGE_TEXT_LIMIT = 40_000
BLOCKS_PER_MESSAGE = 50
SECTION_TEXT_LIMIT = 3000
SECTION_FIELDS = 10
FIELD_TEXT_LIMIT = 2000
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
ACTIONS_ELEMENTS = 25
BUTTON_TEXT_LIMIT = 75

Block = dict[str, Any]


def fit_text(text: str, limit: int, *, mrkdwn: bool = True) -> str:
    """`text` cut to `limit`; mrkdwn is entity-escaped, so a cut never leaves half an entity (`&am`)."""
    return shorten(text, limit, escaped=mrkdwn)


def fit_message(text: str, blocks: list[Block]) -> tuple[str, list[Block]]:
    """A copy of the message within Slack's limits; the caller's blocks are not changed."""
    fitted = [_fit_block(b) for b in copy.deepcopy(blocks[:BLOCKS_PER_MESSAGE])]
    return fit_text(text, MESSAGE_TEXT_LIMIT), fitted


def _fit_block(block: Block) -> Block:
    kind = block.get("type")
    if kind == "section":
        _fit_text_object(block.get("text"), SECTION_TEXT_LIMIT)
        if isinstance(block.get("fields"), list):
            block["fields"] = block["fields"][:SECTION_FIELDS]
            for field in block["fields"]:
                _fit_text_object(field, FIELD_TEXT_LIMIT)
    elif kind == "context" and isinstance(block.get("elements"), list):
        block["elements"] = block["elements"][:CONTEXT_ELEMENTS]
        for element in block["elements"]:
            _fit_text_object(element, CONTEXT_TEXT_LIMIT)
    elif kind == "header":
        _fit_text_object(block.get("text"), HEADER_TEXT_LIMIT)
    elif kind == "actions" and isinstance(block.get("elements"), list):
        block["elements"] = block["elements"][:ACTIONS_ELEMENTS]
        for element in block["elements"]:
            if isinstance(element, dict) and element.get("type") == "button":
                _fit_text_object(element.get("text"), BUTTON_TEXT_LIMIT)
    return block


def _fit_text_object(obj: Any, limit: int) -> None:
    """Cut a text object (`{"type": "mrkdwn" | "plain_text", "text": …}`) in place."""
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        obj["text"] = fit_text(obj["text"], limit, mrkdwn=obj.get("type") == "mrkdwn")
