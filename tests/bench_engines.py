"""Candidate retrieval, side by side: the hand-written ClaimIndex, SQLite FTS5 and tantivy.

    pip install tantivy==0.27.0   # only this script needs it
    python tests/bench_engines.py [--scales 1,1000] [--k 50] [--json]

For each scale N the claims are the real curated ones plus (N-1)x as many
synthetic ones (tests/bench_data.py), as in tests/bench.py. Every engine indexes
the same token stream: each claim's `knowledge.answering.index._bag` (text, names, speaker,
keywords, topic, quotes, correction; folded, phrase-aliased, stemmed), each stem
repeated 2x its field weight (text and names 4, speaker and keywords 3, topic and
quotes 2), so the engines differ in how they store and rank, not in what they see.

Engines and what is timed:
- `hand`: `ClaimIndex.build` (build_s; open_s = loading its snapshot, which a
  process does at start: `knowledge/answering/snapshot.py`), then the matcher's candidate step,
  replicated from `Matcher.find_matches`: `_query_terms` (typo mending, related
  words, idf masses), every posting of those terms summed in numpy (`ClaimIndex.top`),
  best alternative per term, times the prior, top k.
  A second `hand` row rebuilds it with b = 0.75 (tantivy's and FTS5's fixed value,
  the index uses B = 0.5) to show how much of a recall gap is b rather than engine.
- `fts5`: an fts5 table in a file in a temp dir (build_s = create + insert +
  'optimize' + commit; open_s = connect + first query), ranked by bm25().
- `tantivy`: one text field (whitespace tokenizer over the stems, freq only) and a
  stored doc number, in a temp dir (build_s = add + commit + merges; open_s =
  Index.open + reload + searcher), BM25 over a boolean OR of term queries. tantivy's
  BM25 has b = 0.75 built in; the "b=0.5 by padding" rows pad every doc with a filler
  token to get the index's B = 0.5 exactly (see `tantivy_build`).

Query variants for the two engines: `terms` = the folded stems `knowledge.answering.text.terms`
gives for the question (after the matcher's chat-markup and chat-register folding),
OR-joined; `matcher` = every alternative the matcher's own `_query_terms` yields
(stems mended against the index vocabulary, related words), OR-joined; `fuzzy`
(tantivy only) = `terms` with a Levenshtein-1 (transposition 1) fuzzy query for
stems of five letters or more that the index lacks; `dismax` (tantivy only) = the
matcher's query shape: per question term, the best of its alternatives, boosted to
the matcher's masses (see `tantivy_matcher_search`).

Latency: per question, from the question string to k doc numbers; one warm-up
pass, then the median of 3 timings per question; p50/p99 over the question mix
(tests/bench_data.question_mix, 210 questions).

Recall@k: the reference is `TalksService.ask` on the real 1x store (a fresh
SQLite file in a temp dir): for each question it answers, its top claim. Recall is
the share of those questions whose top claim is within the engine's top k, at
each scale (real claims among the synthetic ones at 1000x).

Not collected by pytest; run on demand.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(_ROOT), *(p for p in sys.path if Path(p or ".").resolve() != _ROOT / "tests")]

import knowledge.answering.index as index_module  # noqa: E402
from bot.service import TalksService  # noqa: E402
from knowledge.answering import snapshot  # noqa: E402
from knowledge.answering.chat_words import fold_chat  # noqa: E402
from knowledge.answering.claim_terms import claim_bag as _bag  # noqa: E402
from knowledge.answering.fact_check import strip_values  # noqa: E402
from knowledge.answering.index import ClaimIndex  # noqa: E402
from knowledge.answering.matcher import _CHAT_MARKUP, Matcher  # noqa: E402
from knowledge.answering.reader import checked_statement  # noqa: E402
from knowledge.answering.text import terms  # noqa: E402
from knowledge.articles.curated import load_curated  # noqa: E402
from knowledge.models import Claim, ClaimState, Place  # noqa: E402
from knowledge.paths import curated_claims_file  # noqa: E402
from knowledge.store import Store  # noqa: E402
from tests.bench_data import question_mix, synthetic_claims  # noqa: E402

ROUNDS = 3
BENCH = Place(platform="bench")
FUZZY_MIN_LEN = 5
FUZZY_BOOST = 5.0
# BM25's b in tantivy and in SQLite's bm25(): neither lets it be set.
ENGINE_B = 0.75
PAD_TOKEN = "_pad_"

Retrieve = Callable[[str], list[int]]


def _percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def _question_text(question: str) -> str:
    """What the matcher reads: chat markup dropped, chat register folded, a check's figures stripped."""
    question = fold_chat(_CHAT_MARKUP.sub(" ", question))
    checked = checked_statement(question)
    return strip_values(checked) if checked is not None else question


def _plain_terms(question: str) -> list[str]:
    return list(dict.fromkeys(terms(_question_text(question))))


def _doc_tokens(state: ClaimState) -> str:
    """A claim's bag as one token stream: each stem 2x its weight."""
    bag = _bag(state, {})
    return " ".join(" ".join([t] * round(2 * w)) for t, w in bag.items())


# ---- reference: the answers users get on the real store -------------------------------


async def reference_answers(questions: list[str]) -> dict[str, str]:
    """question → top claim id of `TalksService.ask` on the real 1x store (answered questions only)."""
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with Store.open(Path(tmp) / "ref.db") as store:
            service = TalksService(store)
            await service.start()
            for q in questions:
                reply = await service.ask(q, BENCH, log_question=False)
                claims = getattr(reply, "claims", None)
                if claims:
                    out[q] = claims[0].claim_id
            await service.stop()
    return out


# ---- engine 1: the hand-written index ------------------------------------------------


def hand_candidates(matcher: Matcher, question: str, k: int) -> list[int]:
    """The matcher's candidate step (see `Matcher.find_matches`), top k doc numbers."""
    qterms = matcher._query_terms(_question_text(question))
    query = [[(alt, term.mass * weight) for alt, weight in term.alternatives] for term in qterms]
    return [d for d, _ in matcher.index.top([a for a in query if a], k)]


def matcher_terms(matcher: Matcher, question: str) -> list[str]:
    """Every alternative the matcher's own query terms carry (mended typos, related words)."""
    qterms = matcher._query_terms(_question_text(question))
    return list(dict.fromkeys(a for t in qterms for a, _ in t.alternatives))


# ---- engine 2: SQLite FTS5 -----------------------------------------------------------


def _fts_query(stems: list[str]) -> str:
    return " OR ".join('"' + s.replace('"', '""') + '"' for s in stems)


def fts5_build(path: Path, docs: list[str]) -> float:
    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    # Stems are separated by spaces; keep the characters a stem may hold ("4.5", "90%", "o'brien").
    con.execute("CREATE VIRTUAL TABLE claims USING fts5(body, tokenize=\"unicode61 tokenchars '.%''_-£'\")")
    con.executemany("INSERT INTO claims(rowid, body) VALUES (?, ?)", ((n, d) for n, d in enumerate(docs)))
    con.execute("INSERT INTO claims(claims) VALUES ('optimize')")
    con.commit()
    con.close()
    return time.perf_counter() - t0


def fts5_open(path: Path) -> tuple[sqlite3.Connection, float]:
    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("SELECT rowid FROM claims WHERE claims MATCH '\"trump\"' LIMIT 1").fetchall()
    return con, time.perf_counter() - t0


def fts5_search(con: sqlite3.Connection, stems: list[str], k: int) -> list[int]:
    if not stems:
        return []
    sql = "SELECT rowid FROM claims WHERE claims MATCH ? ORDER BY bm25(claims) LIMIT ?"
    return [r[0] for r in con.execute(sql, (_fts_query(stems), k))]


# ---- engine 3: tantivy ---------------------------------------------------------------


def _tantivy() -> Any:
    try:
        import tantivy
    except ImportError:
        sys.exit("bench_engines: pip install tantivy==0.27.0")
    return tantivy


def tantivy_schema() -> Any:
    tv = _tantivy()
    builder = tv.SchemaBuilder()
    builder.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    builder.add_integer_field("doc", stored=True, indexed=False)
    return builder.build()


def tantivy_build(path: Path, docs: list[str], pad: bool = False) -> float:
    """With `pad`, each doc gets half the average doc length in a filler token no query
    asks for: BM25's norm k1*(1 - b + b*(L+p)/(A+p)) with b = 0.75 and p = A/2 equals
    k1*(1 - 0.5 + 0.5*L/A), the index's own B = 0.5, which tantivy does not let one set."""
    tv = _tantivy()
    t0 = time.perf_counter()
    filler = ""
    if pad and docs:
        avg = sum(d.count(" ") + 1 for d in docs) / len(docs)
        filler = " " + " ".join([PAD_TOKEN] * round(avg / 2))
    index = tv.Index(tantivy_schema(), path=str(path))
    writer = index.writer(heap_size=256_000_000)
    for n, d in enumerate(docs):
        writer.add_document(tv.Document(body=d + filler, doc=n))
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - t0


def tantivy_open(path: Path) -> tuple[Any, Any, float]:
    tv = _tantivy()
    t0 = time.perf_counter()
    index = tv.Index.open(str(path))
    index.reload()
    searcher = index.searcher()
    return index, searcher, time.perf_counter() - t0


def tantivy_search(index: Any, searcher: Any, stems: list[str], k: int, fuzzy: bool = False) -> list[int]:
    """OR of term queries; with `fuzzy`, a stem the index lacks (5+ letters) is looked up one edit away.

    tantivy scores a fuzzy (automaton) query as a constant, so it is boosted by FUZZY_BOOST
    (about a rare word's BM25 share) instead of its own idf.
    """
    if not stems:
        return []
    tv = _tantivy()
    schema = index.schema
    parts = []
    for s in stems:
        if fuzzy and len(s) >= FUZZY_MIN_LEN and not searcher.doc_freq("body", s):
            q = tv.Query.boost_query(
                tv.Query.fuzzy_term_query(schema, "body", s, distance=1, transposition_cost_one=True), FUZZY_BOOST
            )
        else:
            q = tv.Query.term_query(schema, "body", s, index_option="freq")
        parts.append((tv.Occur.Should, q))
    return _tantivy_top(searcher, tv.Query.boolean_query(parts), k)


def tantivy_matcher_search(index: Any, searcher: Any, matcher: Matcher, question: str, k: int) -> list[int]:
    """The matcher's own query shape on tantivy: per question term, the best of its
    alternatives (a disjunction-max), each boosted so that its idf becomes the
    question word's mass times the alternative's weight (1, or RELATED_WEIGHT)."""
    tv = _tantivy()
    schema = index.schema
    parts = []
    for term in matcher._query_terms(_question_text(question)):
        alts = []
        for alt, weight in term.alternatives:
            idf = matcher.index.idf(alt)
            if idf <= 0:
                continue
            q = tv.Query.term_query(schema, "body", alt, index_option="freq")
            alts.append(tv.Query.boost_query(q, term.mass * weight / idf))
        if alts:
            parts.append((tv.Occur.Should, alts[0] if len(alts) == 1 else tv.Query.disjunction_max_query(alts)))
    if not parts:
        return []
    return _tantivy_top(searcher, tv.Query.boolean_query(parts), k)


def _tantivy_top(searcher: Any, query: Any, k: int) -> list[int]:
    hits = searcher.search(query, k).hits
    return [searcher.doc(addr)["doc"][0] for _, addr in hits]


# ---- measuring -----------------------------------------------------------------------


def _time(retrieve: Retrieve, questions: list[str]) -> list[float]:
    """Median of ROUNDS timings (ns) per question, after one warm-up pass."""
    for q in questions:
        retrieve(q)
    runs: list[list[int]] = [[] for _ in questions]
    for _ in range(ROUNDS):
        for i, q in enumerate(questions):
            t0 = time.perf_counter_ns()
            retrieve(q)
            runs[i].append(time.perf_counter_ns() - t0)
    return [statistics.median(r) for r in runs]


def _measure(
    retrieve: Retrieve, questions: list[str], ids: list[str], reference: dict[str, str], kinds: dict[str, str]
) -> dict[str, Any]:
    timings = _time(retrieve, questions)
    found: dict[str, list[bool]] = {}
    for q, want in reference.items():
        got = {ids[d] for d in retrieve(q)}
        found.setdefault(kinds[q], []).append(want in got)
    every = [x for v in found.values() for x in v]
    return {
        "p50_ms": round(_percentile(timings, 50) / 1e6, 3),
        "p99_ms": round(_percentile(timings, 99) / 1e6, 3),
        "recall": round(sum(every) / len(every), 3) if every else None,
        "hits": sum(every),
        "of": len(every),
        "recall_by_kind": {kind: f"{sum(v)}/{len(v)}" for kind, v in found.items()},
    }


def run_scale(scale: int, real: list[Claim], reference: dict[str, str], k: int) -> list[dict[str, Any]]:
    mix = question_mix()
    questions = [q for _, q in mix]
    kinds = {q: kind for kind, q in mix}
    claims = real + synthetic_claims(real, len(real) * (scale - 1))
    states = [ClaimState(claim=c) for c in claims]
    ids = [c.id for c in claims]
    rows: list[dict[str, Any]] = []
    base = {"scale": scale, "claims": len(claims), "k": k}

    gc.collect()
    t0 = time.perf_counter()
    index = ClaimIndex.build(states)
    hand_build = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path, key = Path(tmp) / "bench.index", snapshot.SnapshotKey("bench", 1, "bench-database")
        snapshot.save(path, key, 1, index, {})
        t0 = time.perf_counter()
        loaded = snapshot.load(path, key)
        hand_open = time.perf_counter() - t0
        assert loaded is not None
        del loaded
    matcher = Matcher(index)
    result = _measure(lambda q: hand_candidates(matcher, q, k), questions, ids, reference, kinds)
    rows.append({**base, "engine": "hand", "query": "matcher", "build_s": hand_build, "open_s": hand_open, **result})
    # What every "matcher"/"dismax" row pays before any postings are read: typo mending, related words, idf.
    result = _measure(lambda q: [len(matcher._query_terms(_question_text(q)))], questions, ids, {}, kinds)
    rows.append({**base, "engine": "(none)", "query": "_query_terms only", "build_s": 0.0, "open_s": 0.0, **result})

    # The same index with the length normalisation tantivy and FTS5 hard-wire (b = 0.75, not
    # the index's B): separates what the engine changes from what BM25's b changes.
    saved_b = index_module.B
    index_module.B = ENGINE_B
    try:
        t0 = time.perf_counter()
        index_b = ClaimIndex.build(states)
        build_b = time.perf_counter() - t0
    finally:
        index_module.B = saved_b
    matcher_b = Matcher(index_b)
    result = _measure(lambda q: hand_candidates(matcher_b, q, k), questions, ids, reference, kinds)
    rows.append(
        # Same arrays, same snapshot size: it opens as the row above does.
        {**base, "engine": "hand", "query": f"matcher, b={ENGINE_B}", "build_s": build_b, "open_s": hand_open, **result}
    )
    matcher_b = index_b = None  # type: ignore[assignment]  # free before the engines build

    docs = [_doc_tokens(s) for s in states]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fts.db"
        build_s = fts5_build(db, docs)
        con, open_s = fts5_open(db)
        common = {**base, "engine": "fts5", "build_s": build_s, "open_s": open_s}
        rows.append(
            {
                **common,
                "query": "terms",
                **_measure(lambda q: fts5_search(con, _plain_terms(q), k), questions, ids, reference, kinds),
            }
        )
        rows.append(
            {
                **common,
                "query": "matcher",
                **_measure(lambda q: fts5_search(con, matcher_terms(matcher, q), k), questions, ids, reference, kinds),
            }
        )
        con.close()

        tdir = Path(tmp) / "tantivy"
        tdir.mkdir()
        build_s = tantivy_build(tdir, docs)
        tindex, searcher, open_s = tantivy_open(tdir)
        common = {**base, "engine": "tantivy", "build_s": build_s, "open_s": open_s}
        variants: list[tuple[str, Retrieve]] = [
            ("terms", lambda q: tantivy_search(tindex, searcher, _plain_terms(q), k)),
            ("fuzzy", lambda q: tantivy_search(tindex, searcher, _plain_terms(q), k, fuzzy=True)),
            ("matcher", lambda q: tantivy_search(tindex, searcher, matcher_terms(matcher, q), k)),
            ("dismax", lambda q: tantivy_matcher_search(tindex, searcher, matcher, q, k)),
        ]
        for name, retrieve in variants:
            rows.append({**common, "query": name, **_measure(retrieve, questions, ids, reference, kinds)})

        pdir = Path(tmp) / "tantivy-padded"
        pdir.mkdir()
        build_s = tantivy_build(pdir, docs, pad=True)
        pindex, psearcher, open_s = tantivy_open(pdir)
        common = {**base, "engine": "tantivy, b=0.5 by padding", "build_s": build_s, "open_s": open_s}
        padded: list[tuple[str, Retrieve]] = [
            ("terms", lambda q: tantivy_search(pindex, psearcher, _plain_terms(q), k)),
            ("fuzzy", lambda q: tantivy_search(pindex, psearcher, _plain_terms(q), k, fuzzy=True)),
            ("dismax", lambda q: tantivy_matcher_search(pindex, psearcher, matcher, q, k)),
        ]
        for name, retrieve in padded:
            rows.append({**common, "query": name, **_measure(retrieve, questions, ids, reference, kinds)})
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    head = "| scale | claims | engine | query | build s | open s | p50 ms | p99 ms | recall@k | ans/typo/alias/kw/oos |"
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        by = r["recall_by_kind"]
        recall = "-" if r["recall"] is None else f"{r['recall']:.3f} ({r['hits']}/{r['of']})"
        kinds = " / ".join(by.get(kind, "-") for kind in ("answerable", "typo", "alias", "keyword", "out-of-scope"))
        out.append(
            f"| {r['scale']}x | {r['claims']} | {r['engine']} | {r['query']} | {r['build_s']:.3f} | "
            f"{r['open_s'] * 1000:.1f} ms | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | "
            f"{recall} | {kinds} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scales", default="1,1000")
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    _tantivy()
    real = load_curated(curated_claims_file())
    questions = [q for _, q in question_mix()]
    reference = asyncio.run(reference_answers(questions))
    rows: list[dict[str, Any]] = []
    for scale in (int(s) for s in args.scales.split(",")):
        rows.extend(run_scale(scale, real, reference, args.k))
        print(f"scale {scale}x done", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=1))
    print(
        f"Top-{args.k} candidate retrieval; reference = TalksService.ask's top claim on the real 1x store, "
        f"{len(reference)} of {len(questions)} questions answered.\n"
    )
    print(markdown(rows))


if __name__ == "__main__":
    main()
