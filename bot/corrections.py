"""Moderator actions on claims: validation, then one append-only history row.

Nothing here overwrites or deletes: a claim's state is replayed from its
history (see knowledge.history). Every function validates before writing, so
bad input raises BadInput and leaves the database unchanged.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlparse

from bot import messages
from knowledge.curated import CLAIM_ID, locate_quote
from knowledge.errors import BadInput, BuildError
from knowledge.models import Claim, HistoryEntry, Moderator, Quote
from knowledge.sources import Seed
from knowledge.store import Store


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


def clean_url(value: str | None) -> str | None:
    url = clean_text(value, "URL", messages.MAX_URL_CHARS, required=False)
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise BadInput("The URL must start with http:// or https://.")
    return url


def clean_moderator(by: Moderator) -> Moderator:
    name = clean_text(by.name, "moderator name", messages.MAX_NAME_CHARS)
    assert name is not None
    return Moderator(platform=by.platform, user_id=by.user_id or name, name=name)


async def correct_claim(
    store: Store, claim_id: str, text: str, reason: str, by: Moderator, now: datetime, url: str | None = None
) -> HistoryEntry:
    """Writes: record a corrected statement for `claim_id`."""
    statement = clean_text(text, "new statement", messages.MAX_STATEMENT_CHARS)
    why = clean_text(reason, "reason", messages.MAX_REASON_CHARS)
    link = clean_url(url)
    return await store.append_action(
        claim_id.strip(),
        "correct",
        clean_moderator(by),
        now,
        text=statement,
        reason=why,
        url=link,
    )


async def retract_claim(store: Store, claim_id: str, reason: str, by: Moderator, now: datetime) -> HistoryEntry:
    """Writes: retract `claim_id`; it stops appearing in answers."""
    why = clean_text(reason, "reason", messages.MAX_REASON_CHARS)
    return await store.append_action(
        claim_id.strip(),
        "retract",
        clean_moderator(by),
        now,
        reason=why,
        allowed_from=("active", "corrected"),
    )


async def restore_claim(
    store: Store, claim_id: str, by: Moderator, now: datetime, reason: str | None = None
) -> HistoryEntry:
    """Writes: return a corrected or retracted claim to its article wording."""
    why = clean_text(reason, "reason", messages.MAX_REASON_CHARS, required=False)
    return await store.append_action(
        claim_id.strip(),
        "restore",
        clean_moderator(by),
        now,
        reason=why,
        allowed_from=("corrected", "retracted"),
    )


async def add_claim(
    store: Store,
    seeds: dict[str, Seed],
    *,
    text: str,
    reason: str,
    by: Moderator,
    now: datetime,
    topic: str = "added",
    claim_id: str | None = None,
    source_id: str | None = None,
    quote: str | None = None,
    url: str | None = None,
    entities: list[str] | None = None,
) -> Claim:
    """Writes: a new claim quoting a seed article (verified exactly) or an outside URL.

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
            raise BadInput("A quote needs both --source and --quote.")
        try:
            quotes.append(locate_quote(source_id.strip(), quote, seeds))
        except BuildError as exc:
            raise BadInput(exc.problems[0][:1].upper() + exc.problems[0][1:] + ".") from exc
    elif not link:
        raise BadInput("A new claim needs a quote from an article (--source and --quote) or a source --url.")
    new_id = (claim_id or _slug(statement)).strip()
    if not CLAIM_ID.match(new_id) or len(new_id) > 80:
        raise BadInput("A claim id is lowercase words joined by hyphens, 80 characters at most.")
    claim = Claim(
        id=new_id,
        text=statement,
        topic=topic,
        entities=entities or [],
        origin="moderator",
        source_url=link,
        quotes=quotes,
        importance=3,
    )
    await store.add_claim(claim, clean_moderator(by), now, why)
    return claim


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:8]
    return "added-" + "-".join(words) if words else "added-claim"
