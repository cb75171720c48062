"""Slack's rate limits, in one place (https://api.slack.com/apis/rate-limits).

- Web API methods fall in tiers, counted per method per workspace per app:
  Tier 1 1+/minute, Tier 2 20+/minute, Tier 3 50+/minute, Tier 4 100+/minute,
  "with occasional bursts" allowed. The budget allows a burst of a tenth of the
  tier (with the budget's headroom that keeps any minute within the tier).
- `chat.postMessage` is special: about one message per second per channel,
  short bursts allowed (and an undocumented workspace-wide ceiling of several
  hundred a minute, which one channel's digest or notes never approach).
- Over a limit Slack answers HTTP 429 with `error: ratelimited` and a
  `Retry-After` header in seconds; the poster and editor pass it to the shared
  budget (every process waits) and raise the worker's `RateLimited`.
"""

from __future__ import annotations

from bot.ratelimit import Bucket, Limit

TIERS = {
    1: Limit("Slack Tier 1", count=1, per=60.0),
    2: Limit("Slack Tier 2", count=20, per=60.0, burst=2),
    3: Limit("Slack Tier 3", count=50, per=60.0, burst=5),
    4: Limit("Slack Tier 4", count=100, per=60.0, burst=10),
}
# The methods the poster and editor call (https://api.slack.com/methods/<name>).
METHOD_TIERS = {"chat.update": 3, "conversations.replies": 3, "chat.delete": 3}
CHANNEL_POST = Limit("Slack chat.postMessage per channel", count=1, per=1.0)
DEFAULT_RETRY_AFTER = 30.0


def method_bucket(method: str, workspace: str | None) -> Bucket:
    """`method`'s tier in one workspace (the team id; "?" when a message never recorded it)."""
    return Bucket(f"slack:{method}:{workspace or '?'}", TIERS[METHOD_TIERS[method]])


def post_bucket(channel_id: str) -> Bucket:
    """chat.postMessage's per-channel limit."""
    return Bucket(f"slack:chat.postMessage:{channel_id}", CHANNEL_POST)


def retry_after(headers: object) -> float:
    """Seconds from a 429's Retry-After header (any case), or a safe default without one."""
    get = getattr(headers, "get", None)
    for name in ("Retry-After", "retry-after"):
        value = get(name) if get is not None else None
        if isinstance(value, list):
            value = value[0] if value else None
        if value is not None:
            try:
                return max(0.0, float(value))
            except ValueError:
                break
    return DEFAULT_RETRY_AFTER
