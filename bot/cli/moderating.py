"""Commands that change facts or the review queue (moderators), and ingest."""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

from bot import article_input, messages
from bot.cli import render
from bot.cli.common import operator_of, print_json, print_reply, reach_sentence, with_service
from bot.json_contract import history_json, queue_item_json
from bot.service import TalksService, limits_sentence
from bot.service.review import AcceptAs
from bot.settings import Settings
from knowledge import messages as knowledge_messages
from knowledge.articles import fetching
from knowledge.articles.language_check import refuse_unless_english
from knowledge.articles.reading import read_article
from knowledge.errors import BadInput


async def cmd_correct(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        entry = await service.correct(operator_of(args, settings), args.id, args.text, args.reason, args.url)
        print(f"Corrected {entry.claim_id}. {await reach_sentence(service, entry.id)}")
        return 0

    return await with_service(settings, work, writes=True)


async def cmd_retract(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        entry = await service.retract(operator_of(args, settings), args.id, args.reason)
        print(f"Retracted {entry.claim_id}. {await reach_sentence(service, entry.id)}")
        return 0

    return await with_service(settings, work, writes=True)


async def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        entry = await service.restore(operator_of(args, settings), args.id, args.reason)
        print(f"Restored {entry.claim_id}. {await reach_sentence(service, entry.id)}")
        return 0

    return await with_service(settings, work, writes=True)


async def cmd_add_claim(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        state = await service.add_claim(
            operator_of(args, settings),
            text=args.text,
            reason=args.reason,
            topic=args.topic,
            claim_id=args.claim_id,
            source_id=args.source,
            quote=args.quote,
            url=args.url,
            item_id=args.item,
        )
        print(f"Added {state.id}.")
        return 0

    return await with_service(settings, work, writes=True)


async def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        reply = await service.history(operator_of(args, settings), args.id)
        print_json(history_json(reply)) if args.json else print_reply(reply)
        return 0

    return await with_service(settings, work)


async def cmd_queue(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        listing = await service.queue_listing(operator_of(args, settings), per_kind=max(1, args.limit), kind=args.kind)
        if args.json:
            print_json([queue_item_json(i, s.total) for s in listing.sections for i in s.items])
        else:
            print(render.render_queue_listing(listing, limits_sentence()))
        return 0

    return await with_service(settings, work)


async def cmd_teach(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        actor = operator_of(args, settings)
        if args.undo:
            undone = await service.unteach(actor, args.item)
            print(f"Undone: “{undone.phrasing}” no longer points to {undone.claim_id}.")
            return 0
        if not args.claim:
            raise BadInput("Give the claim id that answers the item, e.g. talksbot teach 3 call-length-90-minutes.")
        taught = await service.teach(actor, args.item, args.claim)
        print(f"Taught: “{taught.phrasing}” and close variants are answered with {taught.claim_id}.")
        return 0

    return await with_service(settings, work, writes=True)


_ITEM = re.compile(r"#?(\d{1,18})")


_RANGE = re.compile(r"#?(\d{1,18})\s*-\s*#?(\d{1,18})")


async def cmd_dismiss(args: argparse.Namespace, settings: Settings) -> int:
    item = (args.item or "").strip()
    single, span = _ITEM.fullmatch(item), _RANGE.fullmatch(item)
    if item and not (single or span):
        raise BadInput(f"ITEM is a queue item number or a range FIRST-LAST, not “{item}”.")
    if single and args.kind:
        raise BadInput("--kind goes with a range FIRST-LAST, or alone for every open item of that kind.")
    if not item and not args.kind:
        raise BadInput("Give a queue item number, a range FIRST-LAST, or --kind unanswered|wrong.")

    async def work(service: TalksService) -> int:
        actor = operator_of(args, settings)
        if single:
            done = await service.dismiss(actor, int(single.group(1)), args.reason)
            print(f"Dismissed queue item #{done.id}.")
            return 0
        first, last = (int(span.group(1)), int(span.group(2))) if span else (None, None)
        dismissed, left = await service.dismiss_many(actor, args.reason, kind=args.kind, first=first, last=last)
        print(messages.bulk_dismissed(dismissed, left))
        return 0

    return await with_service(settings, work, writes=True)


async def cmd_accept(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        how: AcceptAs | None = (
            "new" if args.new else "supports" if args.supports else "conflicts" if args.conflicts_with else None
        )
        done = await service.decide(
            operator_of(args, settings),
            args.item,
            accept=True,
            reason=args.reason,
            text=args.text,
            accept_as=how,
            claim=args.supports or args.conflicts_with,
        )
        if done.kind == "suggestion":
            reach = await reach_sentence(service, done.change_id) if done.change_id else ""
            credit = f"credited to {done.credit}"
            print(f"Accepted queue item #{done.item_id}: {done.claim_id} is corrected, {credit}. {reach}".strip())
        else:
            print(messages.candidate_accepted(done.item_id, done.claim_id or "", done.accepted_as, done.linked))
        return 0

    return await with_service(settings, work, writes=True)


async def cmd_reject(args: argparse.Namespace, settings: Settings) -> int:
    if (args.item is None) == (args.source is None):
        raise BadInput("Give a queue item number, or --source SOURCE to reject all of one article's candidates.")

    async def work(service: TalksService) -> int:
        if args.source is not None:
            count = await service.reject_source(operator_of(args, settings), args.source, args.reason)
            print(messages.rejected_source(args.source, count))
            return 0
        done = await service.decide(operator_of(args, settings), args.item, accept=False, reason=args.reason)
        print(f"Rejected queue item #{done.item_id}.")
        return 0

    return await with_service(settings, work, writes=True)


async def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    # Read (and refuse) the file or page and its metadata before opening the database: bad input writes nothing.
    url, content_type = args.url, None
    if fetching.is_web_address(args.file):
        fetched = await fetching.fetch_article(args.file, max_bytes=article_input.MAX_ARTICLE_BYTES)
        raw, name, content_type = fetched.raw, fetching.page_name(fetched.url), fetched.content_type
        url = url or fetched.url
    else:
        raw, name = article_input.read_article_file(Path(args.file)), Path(args.file).name
    text, _ = article_input.article_text(raw, name, content_type)
    refuse_unless_english(read_article(name, text))
    article_input.clean_metadata(args.outlet, args.headline, args.date, url)

    async def work(service: TalksService) -> int:
        result = await service.ingest(
            operator_of(args, settings),
            raw,
            name,
            outlet=args.outlet,
            headline=args.headline,
            date=args.date,
            url=url,
            content_type=content_type,
            limit=args.limit if args.limit > 0 else None,
        )
        print(messages.ingested(result.source.id, result.counts))
        if result.repeats:
            kept = sum(result.counts.values())
            print(knowledge_messages.near_copy_note(result.repeats[0], result.repeats[1], kept))
        if result.held:
            print(messages.held_back(result.source.id, result.held))
        return 0

    return await with_service(settings, work, writes=True)


async def cmd_propose(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        result = await service.propose_more(operator_of(args, settings), args.source, args.limit)
        print(messages.proposed_more(result.source.id, result.counts))
        if result.held:
            print(messages.held_back(result.source.id, result.held))
        return 0

    return await with_service(settings, work, writes=True)


async def cmd_candidates(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        actor = operator_of(args, settings)
        items = await service.candidates(actor, limit=max(1, args.limit))
        total = await service.candidate_total(actor)
        if args.json:
            print_json([queue_item_json(i, total) for i in items])
        elif items:
            print("\n".join([messages.candidates_head(len(items), total), render.render_queue(items)]))
        else:
            print(render.render_queue(items))
        return 0

    return await with_service(settings, work)


async def cmd_export_claims(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        export = await service.export_claims(operator_of(args, settings))
        if args.articles:
            write_articles(Path(args.articles), export.articles)
            add_source_entries(Path(args.articles) / "sources.toml", export.sources)
        sys.stdout.write(export.toml)
        return 0

    return await with_service(settings, work)


def write_articles(folder: Path, articles: list[tuple[str, str]]) -> None:
    """Writes `<source>.txt` files byte for byte as ingested: the quotes' offsets count their characters."""
    folder.mkdir(parents=True, exist_ok=True)
    for source_id, text in articles:
        (folder / f"{source_id}.txt").write_bytes(text.encode("utf-8"))


def add_source_entries(path: Path, entries: list[tuple[str, str]]) -> None:
    """Writes: appends each source's `[[sources]]` entry to `path` (sources.toml) unless an
    entry with that id is there already; the file's own lines and comments stay as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        known = {s.get("id") for s in tomllib.loads(text).get("sources", [])}
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path} is not valid TOML ({exc}); nothing was added to it.") from exc
    new = [entry for source_id, entry in entries if source_id not in known]
    if new:
        glue = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        path.write_text(text + glue + "\n".join(new), encoding="utf-8")
