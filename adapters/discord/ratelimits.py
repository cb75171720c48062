"""Discord's rate limits, in one place (https://discord.com/developers/docs/topics/rate-limits).

- Global: 50 requests per second per bot token, across every route and every
  process using that token. discord.py only learns of it from a 429 with
  `X-RateLimit-Global`, one process at a time, so the digest poster and the
  outbox editor take a slot of it from the shared budget (bot/ratelimit.py)
  before each request: the processes sharing a database stay under it together.
- Per route: Discord announces each route's bucket in the `X-RateLimit-Limit`,
  `-Remaining`, `-Reset-After` and `-Bucket` headers, and deliberately does not
  document fixed figures. discord.py's HTTP client already reads them, waits
  when a bucket is empty and retries a short 429 itself; it is not duplicated
  here. (A 429 asking for more than `max_ratelimit_timeout` becomes
  `discord.RateLimited`, which the editor turns into the worker's `RateLimited`.)
- Invalid requests: 10,000 responses of 401, 403 or 429 within 10 minutes
  get the bot's IP banned for an hour; that is why 429s must stay rare rather
  than be the pacing mechanism.
"""

from __future__ import annotations

import hashlib

from bot.ratelimit import Bucket, Limit

GLOBAL = Limit("Discord global limit per bot token", count=50, per=1.0)
INVALID_REQUESTS_PER_10_MINUTES = 10_000


def global_bucket(token: str | None) -> Bucket:
    """The global limit of the bot token `token`; the key holds a digest of it, never the token."""
    digest = hashlib.sha256((token or "").encode()).hexdigest()[:16]
    return Bucket(f"discord:global:{digest}", GLOBAL)
