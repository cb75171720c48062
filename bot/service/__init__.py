"""The platform-neutral service: the one front door for the CLI and the adapters.

`TalksService` is assembled from one part per concern (answering, moderation, the
review queue, ingest, channels), all over one `ServiceCore` (store, live index,
policy, clock). The digest scheduler and the outbox worker get narrower desks
(`DigestDesk`, `OutboxDesk`) from `bot.wiring`. Nothing outside sees the store.
"""

from bot.service.answering import Answering, clean_question
from bot.service.channels import Channels, shown_claims
from bot.service.core import CLI, ServiceCore, utc_now
from bot.service.digest_desk import DigestDesk
from bot.service.ingesting import Ingesting, IngestResult
from bot.service.intake import PER_PERSON_PER_HOUR, limits_sentence
from bot.service.moderation import SUGGESTIONS_PER_HOUR, Moderation
from bot.service.outbox_desk import OutboxDesk
from bot.service.pages import ClaimPage, Pages, SourcePage
from bot.service.review import Decision, Review
from knowledge.store.build import ensure_built


class TalksService(Answering, Moderation, Review, Ingesting, Channels, Pages):
    """Answers questions, shows claims, and carries out moderators' changes on one store."""

    async def start(self, build: bool = True, listen: bool = True) -> None:
        """Writes on first use: builds or reloads the store from the seeds and
        curated file when they changed, then loads the claim index.

        `listen` subscribes to other processes' changes (PostgreSQL; a no-op on
        SQLite) so they arrive within a second without a question asked. A
        one-shot command does without: every answer re-reads the content
        version first anyway. The subscription is set up while the index loads.
        """
        if build:
            await ensure_built(self._store, self.seeds_path, self.curated_path, self.clock())
        await self.live.load(listen)

    async def stop(self) -> None:
        """Cancel a background refresh and finish a snapshot being written (before the store closes)."""
        await self.live.stop()

    async def snapshot_saved(self) -> None:
        """Wait until a snapshot being written is on disk (nothing to wait for otherwise)."""
        await self.live.snapshot_saved()


__all__ = [
    "CLI",
    "PER_PERSON_PER_HOUR",
    "SUGGESTIONS_PER_HOUR",
    "ClaimPage",
    "Decision",
    "DigestDesk",
    "IngestResult",
    "OutboxDesk",
    "ServiceCore",
    "SourcePage",
    "TalksService",
    "clean_question",
    "limits_sentence",
    "shown_claims",
    "utc_now",
]
