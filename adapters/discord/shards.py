"""Which Discord shards this process runs, and which guilds they hold.

`TALKSBOT_DISCORD_SHARDS=0-3/8` runs shards 0, 1, 2 and 3 of 8; another host
runs `4-7/8`. Discord routes a guild's events to shard `(guild_id >> 22) %
shard_count` (https://discord.com/developers/docs/topics/gateway#sharding), so
the process holding that shard is the one that posts the guild's digests: no
coordinator, just the same formula on every host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.errors import BadInput

_SPEC = re.compile(r"^\s*(\d+)(?:\s*-\s*(\d+))?\s*/\s*(\d+)\s*$")
USAGE = "TALKSBOT_DISCORD_SHARDS looks like 0-3/8 (shards 0 to 3 of 8) or 5/8 (shard 5 of 8)."


@dataclass(frozen=True)
class ShardPlan:
    ids: tuple[int, ...]
    count: int

    @classmethod
    def parse(cls, spec: str) -> ShardPlan:
        """`first-last/count` or `id/count`; BadInput naming the variable otherwise."""
        m = _SPEC.match(spec or "")
        if not m:
            raise BadInput(USAGE)
        first, last, count = int(m.group(1)), int(m.group(2) or m.group(1)), int(m.group(3))
        if count < 1 or first > last or last >= count:
            raise BadInput(USAGE)
        return cls(tuple(range(first, last + 1)), count)

    def shard_of(self, guild_id: int) -> int:
        return (guild_id >> 22) % self.count

    def owns(self, guild_id: int | str | None) -> bool:
        """Whether this process holds the guild's shard. Work with no guild goes to shard 0's holder."""
        if guild_id is None or not str(guild_id).isdigit():
            return 0 in self.ids
        return self.shard_of(int(guild_id)) in self.ids
