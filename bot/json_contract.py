"""The JSON shapes other tools rely on (DESIGN.md: "Contracts the project keeps")."""

from __future__ import annotations

from typing import Any

from bot.replies import AnswerReply, ClaimView, HistoryReply, NoAnswerReply
from knowledge.models import QueueItem


def claim_json(view: ClaimView) -> dict[str, Any]:
    return {
        "claim_id": view.claim_id,
        "text": view.text,
        "status": view.status,
        "score": float(view.score),
        "quotes": [
            {
                "source_id": q.source_id,
                "quote": q.quote,
                "start": q.start,
                "end": q.end,
                "outlet": q.outlet,
                "title": q.title,
            }
            for q in view.quotes
        ],
        "correction": (
            {
                "text": view.correction.text,
                "reason": view.correction.reason,
                "by": view.correction.by,
                "at": view.correction.at.isoformat(),
            }
            if view.correction
            else None
        ),
    }


def answer_json(reply: AnswerReply | NoAnswerReply) -> dict[str, Any]:
    answers = [claim_json(v) for v in reply.claims] if isinstance(reply, AnswerReply) else []
    return {
        "question": reply.question,
        "answered": bool(answers),
        "answers": answers,
        "suggestions": reply.suggestions if isinstance(reply, NoAnswerReply) else [],
        "content_version": reply.content_version,
        "verdict": (
            {"agrees": reply.agrees, "sentence": reply.verdict}
            if isinstance(reply, AnswerReply) and reply.verdict
            else None
        ),
        "other_questions": reply.other_questions,
        # The question's language (ISO 639-1); quotes and claims stay the articles' English.
        "language": reply.language,
        # The answers to the further questions of the message, each in this same shape.
        "parts": [answer_json(part) for part in reply.parts],
    }


def history_json(reply: HistoryReply) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "claim_id": e.claim_id,
            "action": e.action,
            "text": e.text,
            "reason": e.reason,
            "url": e.url,
            "by": e.by.name,
            "platform": e.by.platform,
            "user_id": e.by.user_id,
            "community_id": e.by.community_id,
            "community_name": e.by.community_name,
            "credit": e.credit,
            "at": e.at.isoformat(),
            # Posted messages this change reached: queued, then how each update ended.
            "posted_updates": reply.reach[e.id].model_dump() if e.id in reply.reach else None,
        }
        for e in reply.entries
    ]


def queue_item_json(item: QueueItem, kind_total: int | None = None) -> dict[str, Any]:
    """One review item; `kind_total` is how many of its kind are open in all (a listing
    shows some of each kind, so its JSON says how many there are)."""
    found = {
        "id": item.id,
        "kind": item.kind,
        "text": item.text,
        "claim_ids": item.claim_ids,
        "asked": item.asked,
        "communities": item.communities,
        "first_at": item.first_at.isoformat(),
        "last_at": item.last_at.isoformat(),
        "status": item.status,
        "candidate": item.candidate.model_dump(mode="json") if item.candidate else None,
    }
    if kind_total is not None:
        found["kind_total"] = kind_total
    return found
