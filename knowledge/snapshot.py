"""The claim index saved to a file, so a new process loads it instead of rebuilding it.

A snapshot records the content version it reflects; a process that finds an
older one loads it and applies the changes since (as a running process does),
then saves the newer one. It is a cache: a file that is missing, damaged,
written by other code or for another database is ignored and rebuilt, never
trusted. The format holds only JSON and packed numbers (no pickle), so even
a hostile file cannot run code; a CRC over the body catches damage.

Where: next to a SQLite file (`<db>.index`), so it lives and dies with the
database it describes; for a PostgreSQL URL under `$XDG_CACHE_HOME/talksbot/`,
keyed by the URL, one per host: every worker on a host after the first loads it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path

from knowledge.index import ClaimIndex, Postings
from knowledge.packed import PackedStrings

log = logging.getLogger(__name__)

MAGIC = b"TALKSIDX"
# Bump when the snapshot layout or anything the index derives from a claim changes.
FORMAT_VERSION = 1
_HEAD = struct.Struct("<8sI")  # magic, header length


@dataclass(frozen=True)
class SnapshotKey:
    """What a snapshot must match to be used: the database, the curated data version, the format."""

    location: str
    curated_version: int


def snapshot_path(location: str) -> Path:
    """Where the snapshot for the database at `location` lives (see the module docstring)."""
    if "://" not in location:
        return Path(f"{location}.index")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "talksbot"
    digest = hashlib.sha256(location.encode()).hexdigest()[:24]
    return cache / f"{digest}.index"


def save(path: Path, key: SnapshotKey, version: int, index: ClaimIndex, extra: dict[str, object]) -> None:
    """Writes `path` atomically (a temporary file renamed over it). `extra` is any JSON the service keeps."""
    stated = index.stated_inputs.packed()
    texts = index.texts.packed()
    index.stated_inputs, index.texts = stated, texts  # the packed copies are cheaper to keep
    post_offsets, weights, docs = array("q", [0]), array("d"), array("i")
    for term in index.terms:
        p = index.postings[term]
        weights.extend(p.neg_weights)
        docs.extend(p.docs)
        post_offsets.append(len(docs))
    doc_offsets, doc_terms = array("q", [0]), array("i")
    for numbers in index.doc_terms:
        doc_terms.extend(numbers)
        doc_offsets.append(len(doc_terms))
    strings = {
        "claim_ids": index.claim_ids,
        "terms": index.terms,
        "surface": list(index.surface.items()),
        "entity_terms": sorted(index.entity_terms),
        "avg_len": index.avg_len,
        "removed": index.removed,
        "extra": extra,
    }
    sections: list[tuple[str, bytes | bytearray]] = [
        ("strings", json.dumps(strings, ensure_ascii=False).encode()),
        ("post_offsets", post_offsets.tobytes()),
        ("weights", weights.tobytes()),
        ("docs", docs.tobytes()),
        ("doc_offsets", doc_offsets.tobytes()),
        ("doc_terms", doc_terms.tobytes()),
        ("priors", array("d", index.priors).tobytes()),
        ("statuses", index.statuses.tobytes()),
        ("importances", index.importances.tobytes()),
        ("stated", stated.blob),
        ("stated_offsets", stated.offsets.tobytes()),
        ("texts", texts.blob),
        ("text_offsets", texts.offsets.tobytes()),
    ]
    crc = 0
    for _name, data in sections:  # section by section: no second copy of the whole body
        crc = zlib.crc32(data, crc)
    header = json.dumps(
        {
            "format": FORMAT_VERSION,
            "location": key.location,
            "curated_version": key.curated_version,
            "content_version": version,
            "sections": [[name, len(data)] for name, data in sections],
            "crc": crc,
        }
    ).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(_HEAD.pack(MAGIC, len(header)))
            f.write(header)
            for _name, data in sections:
                f.write(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load(path: Path, key: SnapshotKey) -> tuple[int, ClaimIndex, dict[str, object]] | None:
    """Read-only: (content version, index, extra) from `path`, or None when it is missing or
    does not match `key` (another database, curated version or format) or is damaged."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        return _parse(raw, key)
    except Exception as exc:  # a damaged file of any shape: rebuild
        log.warning("ignoring the index snapshot %s: %s", path, exc)
        return None


class _Unusable(ValueError):
    pass


def _parse(raw: bytes, key: SnapshotKey) -> tuple[int, ClaimIndex, dict[str, object]] | None:
    magic, header_len = _HEAD.unpack_from(raw)
    if magic != MAGIC:
        raise _Unusable("not a talksbot index snapshot")
    start = _HEAD.size + header_len
    header = json.loads(raw[_HEAD.size : start])
    if (header["format"], header["location"], header["curated_version"]) != (
        FORMAT_VERSION,
        key.location,
        key.curated_version,
    ):
        log.info("index snapshot %s is for another database, curated version or format", key.location)
        return None
    body = memoryview(raw)[start:]
    if sum(n for _name, n in header["sections"]) != len(body) or zlib.crc32(body) != header["crc"]:
        raise _Unusable("damaged (length or checksum)")
    parts: dict[str, bytes] = {}
    at = 0
    for name, n in header["sections"]:
        parts[name] = bytes(body[at : at + n])
        at += n

    def ints(name: str, code: str = "q") -> array[int]:
        out = array(code)
        out.frombytes(parts[name])
        return out

    def floats(name: str) -> array[float]:
        out = array("d")
        out.frombytes(parts[name])
        return out

    strings = json.loads(parts["strings"])
    index = ClaimIndex()
    index.claim_ids = strings["claim_ids"]
    index.terms = strings["terms"]
    index.term_numbers = {t: n for n, t in enumerate(index.terms)}
    index.surface = dict(strings["surface"])
    index.entity_terms = set(strings["entity_terms"])
    index.avg_len = float(strings["avg_len"])
    index.removed = int(strings["removed"])
    post_offsets, weights, docs = ints("post_offsets"), floats("weights"), ints("docs", "i")
    postings: dict[str, Postings] = {}
    for n, term in enumerate(index.terms):
        p = Postings()
        lo, hi = post_offsets[n], post_offsets[n + 1]
        p.neg_weights, p.docs = weights[lo:hi], docs[lo:hi]
        postings[term] = p
    index.postings = postings
    doc_offsets, doc_terms = ints("doc_offsets"), ints("doc_terms", "i")
    index.doc_terms = [doc_terms[doc_offsets[n] : doc_offsets[n + 1]] for n in range(len(doc_offsets) - 1)]
    index.priors = list(floats("priors"))
    index.statuses = ints("statuses", "b")
    index.importances = ints("importances", "b")
    index.stated_inputs = PackedStrings(parts["stated"], ints("stated_offsets"))
    index.texts = PackedStrings(parts["texts"], ints("text_offsets"))
    docs_count = len(index.claim_ids)
    if not (
        len(index.doc_terms) == len(index.priors) == len(index.statuses) == len(index.importances) == docs_count
        and len(index.stated_inputs) == len(index.texts) == docs_count
        and len(post_offsets) == len(index.terms) + 1
    ):
        raise _Unusable("inconsistent section sizes")
    return int(header["content_version"]), index, dict(strings["extra"])
