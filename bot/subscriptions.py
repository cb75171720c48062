"""Digest subscriptions: validating a posting time, a timezone and a channel. Pure."""

from __future__ import annotations

import re
from datetime import datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot import messages
from knowledge.errors import BadInput
from knowledge.models import DigestAudience, Place, Subscription

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_post_time(value: str) -> time:
    """ "HH:MM" on a 24-hour clock, or BadInput."""
    m = _HHMM.match((value or "").strip())
    if not m:
        raise BadInput(f"The time must be HH:MM on a 24-hour clock, such as 08:30, not “{value}”.")
    return time(int(m.group(1)), int(m.group(2)))


def parse_timezone(value: str) -> ZoneInfo:
    """An IANA timezone name such as Europe/Kyiv, or BadInput."""
    name = (value or "").strip()
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadInput(f"“{value}” is not a timezone I know; use an IANA name such as Europe/Kyiv.") from exc


@lru_cache(maxsize=1)
def _zones() -> list[str]:
    return sorted(available_timezones())


def timezone_choices(prefix: str, limit: int = 25) -> list[str]:
    """Timezone names containing `prefix` (for autocomplete), best first."""
    needle = prefix.strip().lower().replace(" ", "_")
    starts = [z for z in _zones() if z.lower().startswith(needle)]
    inside = [z for z in _zones() if needle in z.lower() and z not in starts]
    return (starts + inside)[:limit]


def new_subscription(
    place: Place, post_time: str, timezone: str, *, by: str, audience: DigestAudience, now: datetime
) -> Subscription:
    """A validated subscription for `place`'s channel; nothing is written."""
    t = parse_post_time(post_time)
    zone = parse_timezone(timezone)
    if not place.channel_id:
        raise BadInput(messages.DIGEST_NEEDS_CHANNEL)
    if place.is_private:
        raise BadInput(messages.DIGEST_NOT_IN_DM)
    return Subscription(
        platform=place.platform,
        channel_id=place.channel_id,
        post_time=f"{t:%H:%M}",
        timezone=zone.key,
        created_by=by,
        created_at=now,
        community_id=place.community_id,
        audience=audience,
    )
