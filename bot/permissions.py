"""Who may change the facts: the operator's configuration, never a server's admin bit.

Facts are global, so a community's own moderators count only when the
operator named that community; named users count anywhere. The CLI's local
operator is always a moderator. Adapters only report what their platform says
about the user in this community (`community_moderator`); the decision is here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot import messages
from knowledge.errors import PermissionDenied
from knowledge.models import Moderator

LOCAL_PLATFORM = "cli"


@dataclass(frozen=True)
class Actor:
    """Someone asking to change something: who, where, and whether their platform
    calls them a moderator of this community (Manage Messages, the moderator
    role, a workspace admin)."""

    who: Moderator
    community_moderator: bool = False


@dataclass(frozen=True)
class ModerationPolicy:
    """The operator's moderation scope: (platform, community id) and (platform, user id) pairs."""

    communities: frozenset[tuple[str, str]] = frozenset()
    users: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, communities: Iterable[tuple[str, str]] = (), users: Iterable[tuple[str, str]] = ()) -> ModerationPolicy:
        return cls(frozenset(communities), frozenset(users))

    @property
    def chat_moderation_on(self) -> bool:
        return bool(self.communities or self.users)

    def may_moderate(self, actor: Actor) -> bool:
        """Whether `actor` may change facts (correct, retract, restore, add, teach, accept)."""
        who = actor.who
        if who.platform == LOCAL_PLATFORM:
            return True
        if (who.platform, who.user_id) in self.users:
            return True
        return (
            actor.community_moderator
            and who.community_id is not None
            and (who.platform, who.community_id) in self.communities
        )

    def require_moderator(self, actor: Actor) -> Moderator:
        """The acting moderator, or PermissionDenied with a sentence that says what to do instead."""
        if not self.may_moderate(actor):
            raise PermissionDenied(messages.NOT_MODERATOR)
        return actor.who

    def may_manage_channel_digest(self, actor: Actor) -> bool:
        """A public digest concerns only its own channel: the community's own moderators
        (or a workspace admin) may manage it, as may any configured moderator."""
        return actor.community_moderator or self.may_moderate(actor)

    def describe(self) -> str:
        """One line for startup logs and `talksbot status`."""
        if not self.chat_moderation_on:
            return "chat moderation is off (no TALKSBOT_MODERATOR_COMMUNITIES or TALKSBOT_MODERATOR_USERS)"
        parts = []
        if self.communities:
            parts.append(f"{len(self.communities)} communit{'y' if len(self.communities) == 1 else 'ies'}")
        if self.users:
            parts.append(f"{len(self.users)} user{'' if len(self.users) == 1 else 's'}")
        return "chat moderation by " + " and ".join(parts)
