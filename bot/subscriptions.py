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
# The longest IANA name is 32 characters (America/Argentina/ComodRivadavia); leave room, refuse essays.
MAX_TIMEZONE_CHARS = 64


def parse_post_time(value: str) -> time:
    """ "HH:MM" on a 24-hour clock, or BadInput."""
    m = _HHMM.match((value or "").strip())
    if not m:
        raise BadInput(f"The time must be HH:MM on a 24-hour clock, such as 08:30, not “{value}”.")
    return time(int(m.group(1)), int(m.group(2)))


def parse_timezone(value: str) -> ZoneInfo:
    """An IANA timezone name such as Europe/Kyiv, or BadInput.

    Only names in the timezone database count: "Europe" or "Etc" are folders of it
    (ZoneInfo raises IsADirectoryError there) and a very long name raises "file name
    too long", so the name is looked up in the list first and nothing else is opened.
    """
    name = (value or "").strip()
    if len(name) > MAX_TIMEZONE_CHARS:
        raise BadInput(messages.timezone_too_long(MAX_TIMEZONE_CHARS))
    if name in _regions():
        raise BadInput(messages.timezone_is_region(name))
    if name not in _zone_set():
        raise BadInput(messages.unknown_timezone(name))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # listed but unreadable: say so, calmly
        raise BadInput(messages.unknown_timezone(name)) from exc


@lru_cache(maxsize=1)
def _zones() -> list[str]:
    return sorted(available_timezones())


@lru_cache(maxsize=1)
def _zone_set() -> frozenset[str]:
    return frozenset(_zones())


@lru_cache(maxsize=1)
def _regions() -> frozenset[str]:
    """ "Europe", "America/Argentina"…: the folders above the zone names, which are not zones."""
    return frozenset(z.rsplit("/", i)[0] for z in _zones() for i in range(1, z.count("/") + 1))


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
