"""The correction modal: its view, reading a submission, and per-field errors.

The claim picker is an `external_select` because the store holds more claims
than a static select's 100 options; Slack asks for options as the moderator
types (`block_suggestion`, answered by `claim_options`).
Each field is validated with the core's own cleaners so that every error lands
under its own input (`response_action: errors`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from adapters.slack import messages as slack_messages
from adapters.slack.blocks import LABEL_LIMIT
from bot import messages
from bot.corrections import clean_text, clean_url
from bot.shorten import shorten
from knowledge.errors import BadInput

CALLBACK_ID = "talks_correct"
CLAIM_BLOCK = "claim"
CLAIM_ACTION = "claim_pick"
STATEMENT_BLOCK = "statement"
STATEMENT_ACTION = "statement_input"
REASON_BLOCK = "reason"
REASON_ACTION = "reason_input"
URL_BLOCK = "url"
URL_ACTION = "url_input"
MAX_OPTIONS = 100
_OPTION_VALUE_LIMIT = 150


@dataclass(frozen=True)
class CorrectionInput:
    claim_id: str | None
    text: str
    reason: str
    url: str | None


@dataclass(frozen=True)
class ModalContext:
    """What the submission needs from the command that opened the modal."""

    channel_id: str | None = None
    response_url: str | None = None

    def dump(self) -> str:
        return json.dumps({"channel": self.channel_id, "response_url": self.response_url})

    @classmethod
    def load(cls, raw: str | None) -> ModalContext:
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        return cls(channel_id=data.get("channel"), response_url=data.get("response_url"))


def _text(text: str, limit: int = LABEL_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(text, limit), "emoji": False}


def claim_option(claim_id: str, text: str) -> dict[str, Any]:
    """Plain text needs no escaping; it is only cut to Slack's 75-character label limit."""
    return {"text": _text(f"{claim_id}: {text}"), "value": claim_id[:_OPTION_VALUE_LIMIT]}


def claim_options(hits: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [claim_option(cid, text) for cid, text in hits[:MAX_OPTIONS]]


def correction_view(context: ModalContext, claim: tuple[str, str] | None = None) -> dict[str, Any]:
    """The modal; with `claim` (id, current text) it comes pre-filled with that claim."""
    picker: dict[str, Any] = {
        "type": "external_select",
        "action_id": CLAIM_ACTION,
        "placeholder": _text(slack_messages.CLAIM_PLACEHOLDER),
        "min_query_length": 0,
    }
    statement: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": STATEMENT_ACTION,
        "multiline": True,
        "max_length": messages.MAX_STATEMENT_CHARS,
    }
    if claim:
        picker["initial_option"] = claim_option(*claim)
        statement["initial_value"] = claim[1][: messages.MAX_STATEMENT_CHARS]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": context.dump(),
        "title": _text(slack_messages.CORRECT_TITLE, 24),
        "submit": _text(slack_messages.CORRECT_SUBMIT, 24),
        "close": _text(slack_messages.CORRECT_CANCEL, 24),
        "blocks": [
            {"type": "input", "block_id": CLAIM_BLOCK, "label": _text(slack_messages.CLAIM_LABEL), "element": picker},
            {
                "type": "input",
                "block_id": STATEMENT_BLOCK,
                "label": _text(slack_messages.STATEMENT_LABEL),
                "element": statement,
            },
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": _text(slack_messages.REASON_LABEL),
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_ACTION,
                    "max_length": messages.MAX_REASON_CHARS,
                },
            },
            {
                "type": "input",
                "block_id": URL_BLOCK,
                "optional": True,
                "label": _text(slack_messages.URL_LABEL),
                "element": {"type": "plain_text_input", "action_id": URL_ACTION, "max_length": messages.MAX_URL_CHARS},
            },
        ],
    }


def read_submission(view: dict[str, Any]) -> CorrectionInput:
    values = view.get("state", {}).get("values", {})

    def field(block: str, action: str) -> dict[str, Any]:
        found = values.get(block, {}).get(action)
        return found if isinstance(found, dict) else {}

    option = field(CLAIM_BLOCK, CLAIM_ACTION).get("selected_option") or {}
    return CorrectionInput(
        claim_id=option.get("value") or None,
        text=field(STATEMENT_BLOCK, STATEMENT_ACTION).get("value") or "",
        reason=field(REASON_BLOCK, REASON_ACTION).get("value") or "",
        url=field(URL_BLOCK, URL_ACTION).get("value") or None,
    )


def field_errors(form: CorrectionInput) -> dict[str, str]:
    """block_id → sentence, for every field that the core would refuse."""
    errors: dict[str, str] = {}
    if not form.claim_id:
        errors[CLAIM_BLOCK] = slack_messages.PICK_A_CLAIM
    checks = (
        (STATEMENT_BLOCK, lambda: clean_text(form.text, "new statement", messages.MAX_STATEMENT_CHARS)),
        (REASON_BLOCK, lambda: clean_text(form.reason, "reason", messages.MAX_REASON_CHARS)),
        (URL_BLOCK, lambda: clean_url(form.url)),
    )
    for block, check in checks:
        try:
            check()
        except BadInput as exc:
            errors[block] = str(exc)
    return errors
