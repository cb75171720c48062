"""Validating moderators' and readers' input before anything is written. Pure.

Nothing here overwrites or deletes: a claim's state is replayed from its
append-only history (see knowledge.history). Each function raises BadInput
with a sentence safe to show, so bad input never reaches the store.
"""

from __future__ import annotations

from bot import messages
from bot.links import clean_url
from knowledge.articles.curated import CLAIM_ID, locate_quote
from knowledge.articles.ingest import claim_slug
from knowledge.articles.sources import Seed
from knowledge.errors import BadInput, BuildError
from knowledge.models import MODERATOR_IMPORTANCE, Action, Claim, Moderator, Quote

__all__ = ["Action", "build_claim", "clean_moderator", "clean_text", "clean_url"]

MAX_CLAIM_ID = 80


def clean_text(value: str | None, what: str, limit: int, required: bool = True) -> str | None:
    """Strip `value` and check it against `limit`; raise BadInput naming `what`."""
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise BadInput(messages.required(what))
        return None
    if len(text) > limit:
        raise BadInput(messages.too_long(what, limit))
    return text


def clean_moderator(by: Moderator) -> Moderator:
    name = clean_text(by.name, "moderator name", messages.MAX_NAME_CHARS)
    assert name is not None
    return by.model_copy(update={"name": name, "user_id": by.user_id or name})


def build_claim(
    seeds: dict[str, Seed],
    *,
    text: str,
    reason: str,
    topic: str = "added",
    claim_id: str | None = None,
    source_id: str | None = None,
    quote: str | None = None,
    url: str | None = None,
    entities: list[str] | None = None,
) -> tuple[Claim, str]:
    """A new moderator claim and its reason, validated; nothing is written.

    With `source_id` and `quote`, the quote must occur word for word, once, in
    that article and outside its boilerplate. With only `url`, the claim is
    marked as added by moderators and carries no article quote.
    """
    statement = clean_text(text, "claim text", messages.MAX_STATEMENT_CHARS)
    why = clean_text(reason, "reason", messages.MAX_REASON_CHARS)
    link = clean_url(url)
    assert statement is not None and why is not None
    quotes: list[Quote] = []
    if source_id or quote:
        if not (source_id and quote):
            raise BadInput(messages.QUOTE_NEEDS_SOURCE)
        try:
            quotes.append(locate_quote(source_id.strip(), quote, seeds))
        except BuildError as exc:
            raise BadInput(exc.problems[0][:1].upper() + exc.problems[0][1:] + ".") from exc
    elif not link:
        raise BadInput(messages.CLAIM_NEEDS_SOURCE)
    new_id = (claim_id or claim_slug(statement)).strip()
    if not CLAIM_ID.match(new_id) or len(new_id) > MAX_CLAIM_ID:
        raise BadInput(messages.BAD_CLAIM_ID.format(limit=MAX_CLAIM_ID))
    claim = Claim(
        id=new_id,
        text=statement,
        topic=clean_text(topic, "topic", messages.MAX_NAME_CHARS) or "added",
        entities=entities or [],
        origin="moderator",
        source_url=link,
        quotes=quotes,
        importance=MODERATOR_IMPORTANCE,
    )
    return claim, why
