"""Every user-facing sentence of the core in one place: short, stating the limit or the fix.

Adapters keep their own platform sentences in `adapters/*/messages.py`.
"""

from __future__ import annotations

from knowledge import messages as knowledge_messages

# The store says it too: one sentence, kept in knowledge.messages and offered here.
from knowledge.messages import unknown_item as unknown_item

MAX_QUESTION_CHARS = 500
MAX_STATEMENT_CHARS = 500
MAX_REASON_CHARS = 500
MAX_URL_CHARS = 500
MAX_NAME_CHARS = 100

EMPTY_QUESTION = "Ask a question, for example: How long was the Trump–Putin call?"
NO_ANSWER = "That is not in my sources."
SUGGESTIONS_LEAD = "My sources do cover:"
SOURCES_DISAGREE = "Sources disagree"
# Sentences below and above that a reply frames its answer with are translated in
# bot/locale/*/LC_MESSAGES/talksbot.po (bot.translations); keep the msgids there in step.
HELPFUL = "Helpful"
WRONG = "Wrong"
VERDICT_YES = "Yes — the sources say {what}."
VERDICT_NO = "No — the sources say {what}."
VERDICT_AGREE = "Yes — the sources agree."
VERDICT_OTHERWISE = "No — the sources say otherwise."
QUOTES_IN_ENGLISH = "Quotes are in English, word for word from the articles."
# Always in English: the question is in a language the bot cannot frame a reply in.
UNREAD_LANGUAGE = (
    "I read questions in English, Ukrainian, Russian, Polish, German and French; please ask in one of those."
)
CORRECTED_BY = "Corrected by {by} on {at}"
ARTICLE_SAID = "What the articles said"
ORIGINAL_CLAIM = "Original claim"
RETRACTED = "Retracted by moderators: {reason}"
NOT_MODERATOR = "Only talksbot's moderators can change facts. You can suggest a correction instead."
NOT_DIGEST_MANAGER = "Only this community's moderators can manage its digest."
NO_DIGEST_HERE = "This channel has no daily digest."
DIGEST_NEEDS_CHANNEL = "A digest needs a channel."
DIGEST_NOT_IN_DM = "Digests are posted in channels, not in direct messages."
UNKNOWN_ERROR = "Something went wrong on my side; the moderators can find it in the log."
NOTHING_NEW = "Nothing new since the last digest."
FLAGGED = "This claim is no longer in the curated file; it is kept because moderators acted on it."
# What is wrong with a moderator's URL: each completes "The URL …" (see bad_url).
URL_NOT_WEB = "must start with http:// or https://"
URL_NO_HOST = "needs a host name, as in https://example.org/article"
URL_HAS_SPACES = "cannot contain spaces; encode them as %20"
URL_HAS_ANGLE_BRACKETS = "cannot contain angle brackets (< or >)"
URL_HAS_CONTROLS = "cannot contain control or invisible characters"
URL_HAS_CREDENTIALS = "cannot contain a user name or password"
URL_UNREADABLE = "is not a valid web address (check its host and port)"
QUOTE_NEEDS_SOURCE = "A quote needs both --source and --quote."
CLAIM_NEEDS_SOURCE = "A new claim needs a quote from an article (--source and --quote) or a source --url."
BAD_CLAIM_ID = "A claim id is lowercase words joined by hyphens, {limit} characters at most."
BAD_VERDICT = "Feedback must be “helpful” or “wrong”."
FEEDBACK_UNKNOWN = "That answer is no longer known; ask again to give feedback."
SUGGESTION_STORED = "Thanks: your suggestion #{id} for {claim_id} is waiting for a moderator. It is not shown as fact."
UNKNOWN_SOURCE = "an article with no headline"
TEACH_NEEDS_QUESTION = "Only a question can be taught; accept or reject a suggestion instead."
NOT_A_SUGGESTION = "Queue item #{id} is not a suggestion."
QUEUE_EMPTY = "The review queue is empty."
QUEUE_KIND_TITLES = {
    "unanswered": "Unanswered questions",
    "wrong": "Answers marked wrong",
    "suggestion": "Suggested corrections",
    "candidate": "Ingest candidates",
}
BULK_DISMISS_KINDS = "Only unanswered questions and wrong reports are dismissed in bulk; decide the others one by one."
BULK_DISMISS_RANGE = "Give the items as FIRST-LAST, the first number not above the last, e.g. 12-40."


def too_long(what: str, limit: int) -> str:
    return f"The {what} is too long: {limit} characters at most."


def bad_url(problem: str) -> str:
    return f"The URL {problem}."


def required(what: str) -> str:
    return f"The {what} cannot be empty."


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 question", "2 questions": the number and the right form of the noun."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def unknown_claim(claim_id: str, close: list[str]) -> str:
    """No such claim, with up to three close ids."""
    base = knowledge_messages.unknown_claim(claim_id)
    if not close:
        return base
    return f"{base} Did you mean {', '.join(close[:-1]) + ' or ' + close[-1] if len(close) > 1 else close[0]}?"


def source_label(opening_words: str | None) -> str:
    """How a source with no stated outlet or headline is named: by its opening words."""
    return f"Article beginning “{opening_words}”" if opening_words else UNKNOWN_SOURCE


def questions_summary(total: int, unanswered: int) -> str:
    return f"{plural(total, 'question')}, {unanswered} not answered from the sources."


def unknown_timezone(name: str) -> str:
    return f"“{name}” is not a timezone I know; use an IANA name such as Europe/Kyiv."


def timezone_is_region(name: str) -> str:
    return f"“{name}” is a region, not a timezone; pick a city in it, such as Europe/Kyiv or America/New_York."


def timezone_too_long(limit: int) -> str:
    return f"That is not a timezone: names are {limit} characters at most, such as Europe/Kyiv."


def queue_section_head(kind: str, shown: int, total: int) -> str:
    """ "Unanswered questions: 5 of 10,001 (oldest first)"; "Suggested corrections: none"."""
    title = QUEUE_KIND_TITLES.get(kind, kind)
    if total == 0:
        return f"{title}: none"
    return f"{title}: {shown:,} of {total:,} (oldest first)"


def queue_limits(per_person: int, per_community: int, expire_days: int) -> str:
    """What readers can add to the queue, for every listing's footer and the README."""
    return (
        f"Readers add at most {per_person} questions and wrong reports an hour each, and each community "
        f"{per_community}; an item nobody asks again for {expire_days} days expires."
    )


def wrong_report_held(per_person: int) -> str:
    """A reader's "wrong" past the hourly limit: recorded, but not queued."""
    return (
        f"Thanks: recorded as wrong. You have sent the moderators {per_person} questions and reports this hour, "
        "the most one person can; this one is counted, not queued."
    )


def bulk_dismissed(done: int, left: int) -> str:
    """ "Dismissed 10,001 queue items. 1 other open item in that range stayed." """
    head = f"Dismissed {done:,} queue item{'' if done == 1 else 's'}."
    if left:
        return f"{head} {left:,} other open item{'' if left == 1 else 's'} in that range stayed."
    return head


def nothing_taught(item_id: int) -> str:
    return f"Nothing was taught from queue item #{item_id}."


# ---- updates of messages already posted (issue 13) ----------------------------------

NOTE_CORRECTED = "Corrected {date}: {reason} The claim `{claim_id}` above now reads: “{text}”"
NOTE_RETRACTED = "Retracted {date}: {reason} The claim `{claim_id}` above (“{text}”) no longer holds."
NOTE_RESTORED = "Restored {date}: the claim `{claim_id}` above is back to what the article said: “{text}”"


def reach_sentence(count: int) -> str:
    """What a moderator is told after a change: how many posted messages it reaches."""
    if count == 0:
        return "No posted message shows this claim."
    return f"{plural(count, 'posted message')} will be updated."


ARTICLE_EMPTY = "The article is empty; nothing was written."
ARTICLE_BINARY = "The file is not text (it looks binary); give a plain UTF-8 text article. Nothing was written."
ARTICLE_NO_SENTENCES = "The article has no sentences to propose as claims; nothing was written."
BAD_ARTICLE_DATE = "--date must be an ISO date such as 2025-02-20."
NOT_DECIDABLE = "Queue item #{id} is neither a suggestion nor an ingest candidate; dismiss or teach it instead."
NEW_TAKES_NO_CLAIM = "A new claim stands alone; pick a claim only to support it or to conflict with it."
SUPPORT_TAKES_NO_TEXT = "A supporting quote keeps its claim's text; give a text only for a new or conflicting claim."


def digest_new_support(claim_id: str, quote: str) -> str:
    """A digest's line for a quote accepted from an ingested article as supporting a claim."""
    return f"New supporting quote for claim {claim_id}: “{quote}”"


def digest_new_conflict(claim_id: str, linked: list[str], text: str) -> str:
    """A digest's line for a claim accepted from an ingested article as conflicting with others."""
    return f"New claim {claim_id}, conflicting with claim {', '.join(linked)}: {text}"


def candidate_accepted(item_id: int, claim_id: str, accepted_as: str | None, linked: str | None) -> str:
    """What a moderator is told once a candidate is accepted, by how it was accepted."""
    if accepted_as == "supports":
        return f"Accepted queue item #{item_id}: its quote now supports {claim_id}."
    if accepted_as == "conflicts":
        return f"Accepted queue item #{item_id}: {claim_id} now answers questions, linked as conflicting with {linked}."
    return f"Accepted queue item #{item_id}: {claim_id} now answers questions with its quote."


def pick_a_claim(accept_as: str) -> str:
    what = "support" if accept_as == "supports" else "conflict with"
    return f"Pick the claim this candidate should {what} (its id, or words to search for it)."


TEXT_ONLY_FOR_CANDIDATES = "A new text applies to ingest candidates only; a suggestion is accepted as it was made."


def no_article_file(path: str) -> str:
    return f"There is no file at {path}."


def article_too_large(limit: int) -> str:
    return f"The article is too large: {limit // 1_000_000} MB at most. Nothing was written."


def article_not_utf8(position: int) -> str:
    return f"The article is not UTF-8 text (byte {position} is not); save it as UTF-8. Nothing was written."


def ingested(source_id: str, counts: dict[str, int]) -> str:
    """`talksbot ingest`'s summary line."""
    parts = [
        plural(counts.get("supports", 0), "supporting quote"),
        plural(counts.get("conflicts", 0), "conflicting claim"),
        plural(counts.get("new", 0), "new claim"),
    ]
    return (
        f"Stored the article as source {source_id} and queued {', '.join(parts)} for review "
        "(`talksbot candidates`). Nothing answers until a moderator accepts it."
    )


def held_back(source_id: str, held: int) -> str:
    """What `ingest` and `propose` say when proposals beyond the limit were not queued."""
    return (
        f"{plural(held, 'more proposal')} from {source_id} not queued (the best come first); "
        f"`talksbot propose {source_id}` queues them."
    )


def proposed_more(source_id: str, counts: dict[str, int]) -> str:
    """`talksbot propose`'s summary line."""
    parts = [
        plural(counts.get("supports", 0), "supporting quote"),
        plural(counts.get("conflicts", 0), "conflicting claim"),
        plural(counts.get("new", 0), "new claim"),
    ]
    return f"Queued {', '.join(parts)} more from {source_id} for review (`talksbot candidates`)."


def rejected_source(source_id: str, count: int) -> str:
    return f"Rejected {plural(count, 'open candidate')} from {source_id}."


def no_ingested_source(source_id: str) -> str:
    return f"No ingested article is stored as source “{source_id}” (see `talksbot sources`)."


def candidates_head(shown: int, total: int) -> str:
    """The head of a cut candidates list: how many of how many."""
    return f"Ingest candidates: {shown:,} of {total:,} (oldest first)"


def candidate_line(proposal: str, claim_id: str | None, similarity: float, source_id: str) -> str:
    """What an ingest candidate proposes, in one line, for every queue listing."""
    if proposal == "supports":
        what = f"supports {claim_id} (similarity {similarity:.2f})"
    elif proposal == "conflicts":
        what = f"new claim conflicting with {claim_id} (similarity {similarity:.2f})"
    else:
        what = "new claim"
    return f"Proposed: {what}; quote from {source_id}"


def other_questions(others: list[str]) -> str:
    """The note under an answer to a message that asked more than one thing."""
    if len(others) == 1:
        return f"You also asked: “{others[0]}” — ask it on its own and I will answer it."
    return f"You asked {len(others)} more questions; ask each on its own and I will answer it."
