"""Which Discord shards this process runs, and which guilds they hold.

XX
runs `4-7/8`. Discord routes a guild's events to shard `(guild_id >> 22) %
shard_count` (https://discord.com/developers/docs/topics/gateway#sharding), so
the process holding that shard is the one that posts the guild's digests: no
coordinator, just the same formula on every host.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import ShardSpec


@dataclass(frozen=True)
class ShardPlan:
    ids: tuple[int, ...]
    count: int

    @classmethod
    def of(cls, spec: ShardSpec) -> ShardPlan:
        """The plan for the shards the settings name (already validated there)."""
        return cls(spec.ids, spec.count)

    def shard_of(self, guild_id: int) -> int:
        return (guild_id >> 22) % self.count

    def owns(self, guild_id: int | str | None) -> bool:
        """Whether this process holds the guild's shard. Work with no guild goes to shard 0's holder."""
        if guild_id is None or not str(guild_id).isdigit():
            return 0 in self.ids
        return self.shard_of(int(guild_id)) in self.ids
