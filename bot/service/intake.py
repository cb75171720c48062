"""What readers can put in the moderators' review queue, and how much.

Unanswered questions and answers marked wrong arrive without anyone deciding to
queue them, so one person (or one community) could bury the queue. Limits, per
rolling hour: PER_PERSON_PER_HOUR additions by one person, PER_COMMUNITY_PER_HOUR
by one community (a Discord server, a Slack workspace; each platform's DMs count
as one). A person counts once on an item however often they ask or press "wrong".
Items nobody adds to for EXPIRE_AFTER expire (closed as dismissed by talksbot).
The CLI operator is not limited: nobody there is a stranger.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from bot import messages
from knowledge.models import Place
from knowledge.store.queue import Contributor, Limits

PER_PERSON_PER_HOUR = 20
PER_COMMUNITY_PER_HOUR = 200
EXPIRE_AFTER = timedelta(days=30)
LIMITS = Limits(per_person=PER_PERSON_PER_HOUR, per_community=PER_COMMUNITY_PER_HOUR)


def contributor(place: Place, user_id: str | None) -> Contributor:
    """Who adds to the queue, as the store keeps it: the person as a hash of platform and
    user id (enough to count and limit them; the queue never shows who asked), and the
    community they are in. Without a user id (the CLI) every addition counts."""
    community = f"{place.platform}:{place.community_id or '-'}"
    if not user_id:
        return Contributor(person=None, community=community)
    digest = hashlib.sha256(f"{place.platform}:{user_id}".encode()).hexdigest()[:32]
    return Contributor(person=digest, community=community)


def limits_sentence() -> str:
    """The limits above in one sentence, as every queue listing states them."""
    return messages.queue_limits(PER_PERSON_PER_HOUR, PER_COMMUNITY_PER_HOUR, EXPIRE_AFTER.days)
