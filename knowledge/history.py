"""Deriving a claim's current state from its append-only history. Pure."""

from __future__ import annotations

from knowledge.models import Claim, ClaimState, Correction, HistoryEntry


def derive_state(claim: Claim, history: list[HistoryEntry], in_curated: bool = True) -> ClaimState:
    """Replay `history` (oldest first): the last correct/retract/restore wins.

    A restore returns the claim to its article wording; a retraction hides it
    from answers but keeps it for `talksbot claim ID`.
    """
    state = ClaimState(claim=claim, in_curated=in_curated)
    for entry in history:
        if entry.action == "correct":
            state.status = "corrected"
            state.correction = Correction(
                text=entry.text or "", reason=entry.reason or "", by=entry.by.name, at=entry.at, url=entry.url
            )
            state.retraction_reason = None
        elif entry.action == "retract":
            state.status = "retracted"
            state.retraction_reason = entry.reason
        elif entry.action == "restore":
            state.status = "active"
            state.correction = None
            state.retraction_reason = None
    return state
