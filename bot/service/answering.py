"""Answering: questions, readers' verdicts on answers, and showing claims and sources."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot import messages, translations
from bot.replies import AnswerReply, ClaimCardReply, ClaimView, NoAnswerReply
from bot.service.core import CLI, ServiceCore
from bot.service.intake import LIMITS, contributor
from bot.shorten import shorten
from knowledge.answering.matcher import Match
from knowledge.answering.phrasing import phrasing_key
from knowledge.answering.questions import split_questions
from knowledge.errors import BadInput, NotFound
from knowledge.languages.reading import plainly_english, read_questions
from knowledge.models import Place, Source

# Suggestions come from near misses that explain at least this share of the question.
SUGGESTION_COVERAGE = 0.3
# A message's questions answered in one reply; any further ones are only named.
MAX_QUESTIONS = 3


class Answering(ServiceCore):
    async def ask(
        self, question: str, place: Place = CLI, log_question: bool = True, *, asker: str | None = None
    ) -> AnswerReply | NoAnswerReply:
        """Answer `question` with up to three claims, or suggestions.

        A message holding several questions gets the first answered by the
        reply itself and the next ones (up to MAX_QUESTIONS in all) in its
        `parts`, each with its own claims or suggestions; any beyond are only
        named. Writes one question-log row per question answered (question
        text, time, where it was asked, whether it was answered; no user
        identity). An unanswered question also goes to the review queue, within
        the hourly limits for `asker` (the platform's user id) and their
        community (bot.service.intake). Raises BadInput for an empty question;
        a very long one is cut at a word to MAX_QUESTION_CHARS.

        A question in Ukrainian, Russian, Polish, German or French is read into English
        words (knowledge.languages) and answered or refused as its English would be; a
        message asking several is split as in English (knowledge.languages.questions); the
        reply and its parts carry their `language`. One in a language the bot does not read
        gets no answer and `unread_language` set.
        """
        message = clean_question(question)
        await self.refresh()
        # Not English: the question is read into English words for the matcher (knowledge.languages),
        # in a worker thread, since a language's first question loads its model and lemmatizer.
        if not plainly_english(message):
            language, read = await asyncio.to_thread(read_questions, message)
            if read is None:
                return await self._unread(message, language, place, log_question)
            if language != "en":
                return await self._answer_foreign(message, language, read, place, log_question, asker)
        text, *others = split_questions(message) or [message]
        first = await self._answer_one(text, "", place, log_question, asker)
        parts = []
        previous = text
        for other in others[: MAX_QUESTIONS - 1]:
            parts.append(await self._answer_one(other, previous, place, log_question, asker))
            previous = other
        return replace(first, question=message, other_questions=others, parts=parts, asked=text if parts else "")

    async def _answer_foreign(
        self,
        message: str,
        language: str,
        read: list[tuple[str, str]],
        place: Place,
        log_question: bool,
        asker: str | None,
    ) -> AnswerReply | NoAnswerReply:
        """A message in another language, each of its questions matched by its English words
        (the one before it as context, as in English) and framed in `language`."""
        replies: list[AnswerReply | NoAnswerReply] = []
        previous = ""
        for text, english in read[:MAX_QUESTIONS]:
            reply = await self._answer_one(text, previous, place, log_question, asker, english=english)
            if isinstance(reply, AnswerReply):
                reply = replace(reply, verdict=translations.verdict(language, reply.verdict))
            replies.append(replace(reply, language=language))
            previous = english
        first, *parts = replies
        if not parts and len(read) == 1:
            return replace(first, question=message)
        others = [text for text, _ in read[1:]]
        return replace(first, question=message, other_questions=others, parts=parts, asked=read[0][0])

    async def _answer_one(
        self, text: str, previous: str, place: Place, log_question: bool, asker: str | None, english: str = ""
    ) -> AnswerReply | NoAnswerReply:
        """One question of a message (after `previous`, which it may lean on), answered and logged.

        `english` is a question in another language read into English words: it is what
        is matched, while `text` is what is logged and shown."""
        live = self.live
        result = live.match(english or text, previous)
        taught = live.taught_claim(text)
        states = await live.states([*(m.claim_id for m in result.matches), *([taught] if taught else [])])
        views = [self.view(states[m.claim_id], m.score) for m in result.matches]
        verdict = result.verdict if views else None
        if taught and not live.is_retracted(taught) and (not views or views[0].claim_id != taught):
            verdict = None  # the verdict was about the matcher's first claim, which no longer leads
            # A moderator linked this phrasing to a claim: it answers first, whatever the matcher thought.
            top = max((v.score for v in views), default=1.0)
            views = [self.view(states[taught], top), *(v for v in views if v.claim_id != taught)][:3]
        qid = None
        if log_question:
            shown = [v.claim_id for v in views]
            now = self.clock()
            qid = await self._store.activity.log_question(text, place, bool(views), shown, now)
            if not views:
                await self._store.queue.note(
                    "unanswered",
                    phrasing_key(text),
                    text,
                    now,
                    community=place.label,
                    by=contributor(place, asker),
                    limits=LIMITS,
                )
        if views:
            return AnswerReply(
                question=text,
                claims=views,
                question_id=qid,
                content_version=live.version,
                verdict=verdict.sentence if verdict else None,
                agrees=verdict.agrees if verdict else None,
            )
        return NoAnswerReply(
            question=text,
            suggestions=self._suggestions(result.near),
            question_id=qid,
            content_version=live.version,
        )

    async def _unread(self, message: str, language: str, place: Place, log_question: bool) -> NoAnswerReply:
        """A question in a language the bot does not read: logged as unanswered, not queued
        (no claim can be taught to answer it), with no suggestions."""
        qid = None
        if log_question:
            qid = await self._store.activity.log_question(message, place, False, [], self.clock())
        return NoAnswerReply(
            question=message,
            suggestions=[],
            question_id=qid,
            content_version=self.live.version,
            unread_language=language,
        )

    def _suggestions(self, near: list[Match]) -> list[str]:
        live = self.live
        picked = [m.claim_id for m in near if m.coverage >= SUGGESTION_COVERAGE and not live.is_retracted(m.claim_id)]
        return [live.text_of(i) for i in (picked or live.fallback_suggestions())[:3]]

    async def record_feedback(self, place: Place, user_id: str, question_id: int, claim_id: str, verdict: str) -> bool:
        """Writes: a reader's helpful/wrong verdict on one claim of one answer (one vote each).

        A "wrong" also goes to the review queue, counted once per reader. Returns
        False when that report was kept out of the queue by the reader's (or their
        community's) hourly limit; the verdict itself is recorded either way.
        Raises BadInput for an unknown verdict and NotFound for an answer that
        does not exist or did not show that claim.
        """
        if verdict not in ("helpful", "wrong"):
            raise BadInput(messages.BAD_VERDICT)
        now = self.clock()
        try:
            question = await self._store.activity.record_feedback(place, user_id, question_id, claim_id, verdict, now)
        except NotFound as exc:
            raise NotFound(messages.FEEDBACK_UNKNOWN) from exc
        if verdict != "wrong":
            return True
        key = f"{claim_id}|{phrasing_key(question)}"
        queued = await self._store.queue.note(
            "wrong",
            key,
            question,
            now,
            community=place.label,
            claim_ids=[claim_id],
            by=contributor(place, user_id),
            limits=LIMITS,
        )
        return queued is not None

    # ---- claims and sources --------------------------------------------------

    async def claim(self, claim_id: str) -> ClaimCardReply:
        """Read-only: one claim, whatever its status (retracted claims included)."""
        state = await self._store.claims.get_state(claim_id.strip())
        if state is None:
            raise self.unknown_claim(claim_id)
        return ClaimCardReply(self.view(state))

    async def all_claims(self) -> list[ClaimView]:
        """Read-only: every claim (`talksbot claims`); never on a request path."""
        await self.refresh()
        return [self.view(s) for s in await self._store.claims.load_states()]

    async def sources(self) -> list[Source]:
        await self.refresh()
        return list(self.live.sources.values())

    def find_claim_ids(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """(id, current text) of claims for a picker: ids starting with what was typed, then
        claims whose text best matches its words. Read-only; bounded at any store size."""
        return [(cid, self.live.text_of(cid)) for cid in self.live.find(prefix, limit)]


def clean_question(question: str) -> str:
    """Collapse whitespace; refuse an empty question; cut an over-long one at a word."""
    text = " ".join((question or "").split())
    if not text:
        raise BadInput(messages.EMPTY_QUESTION)
    return shorten(text, messages.MAX_QUESTION_CHARS, ellipsis="")
