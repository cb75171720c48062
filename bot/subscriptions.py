"""Digest subscriptions: validating a posting time and timezone, then storing them."""

from __future__ import annotations

import re
from datetime import datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from knowledge.errors import BadInput
from knowledge.models import Subscription
from knowledge.store import Store

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


async def subscribe(
    store: Store, platform: str, channel_id: str, post_time: str, timezone: str, by: str, now: datetime
) -> Subscription:
    """Writes: subscribe `channel_id` to a daily digest at local `post_time`."""
    t = parse_post_time(post_time)
    zone = parse_timezone(timezone)
    if not channel_id:
        raise BadInput("A digest needs a channel.")
    sub = Subscription(
        platform=platform,
        channel_id=channel_id,
        post_time=f"{t:%H:%M}",
        timezone=zone.key,
        created_by=by,
        created_at=now,
    )
    await store.upsert_subscription(sub)
    return sub


async def unsubscribe(store: Store, platform: str, channel_id: str) -> None:
    """Writes: remove the channel's subscription; BadInput when there is none."""
    if not await store.remove_subscription(platform, channel_id):
        raise BadInput("This channel has no daily digest.")
