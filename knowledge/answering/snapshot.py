"""The claim index saved to a file, so a new process loads it instead of rebuilding it.

A snapshot records the content version it reflects; a process that finds an
older one loads it and applies the changes since (as a running process does),
then saves the newer one. It is a cache: a file that is missing, damaged,
written by other code or for another database is ignored and rebuilt, never
trusted. The format holds only JSON and packed numbers (no pickle), so even
a hostile file cannot run code; a CRC over the body catches damage, and
every field is range-checked (snapshot_checks.py), because a crafted file
can carry a valid CRC. Only a regular file of plausible size is opened (a
FIFO must not hang start-up). Each snapshot also names the database it was
made from by the random id that database keeps in its `meta` table (its
"store" id), so another database restored at the same path never reuses it.

Where: next to a SQLite file (`<db>.index`), so it lives and dies with the
database it describes; for a PostgreSQL URL under `$XDG_CACHE_HOME/talksbot/`,
one per host: every worker on a host after the first loads it. Neither its
name nor its header holds the database's location, only `database_id` (a
digest of the location as shown, which holds no password either), and every
file is written owner-only (0600; the cache directory 0700): it holds claim
texts, and older releases kept readers' taught phrasings and URLs there.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import json
import logging
import mmap
import os
import stat
import struct
import threading
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge import entities
from knowledge.answering import snapshot_checks as checks
from knowledge.answering.index import ClaimIndex
from knowledge.answering.packed import PackedStrings
from knowledge.answering.segment import Segment
from knowledge.paths import entities_file

log = logging.getLogger(__name__)

MAGIC = b"TALKSIDX"
# Bump when the snapshot layout changes. What the index derives from a claim
# (stop words, stemming, aliases, weights) is covered by `analysis_fingerprint`.
FORMAT_VERSION = 3
# The code that turns a claim into index terms and weights is this module and every
# module of its package it imports, directly or not (`analysis_modules`): any edit to
# one of them (a new stop word, an alias, a weight) makes every saved snapshot stale.
_INDEX_MODULE = "knowledge.answering.index"
_ANALYSIS_PACKAGE = "knowledge.answering."
_HEAD = struct.Struct("<8sI")  # magic, header length
# The header is a few hundred bytes of JSON; anything near this is not one of ours.
MAX_HEADER_BYTES = 1 << 20
# 120,000 claims make a ~140 MB snapshot: ten times that is still plausible, more is not.
MAX_SNAPSHOT_BYTES = 2 << 30
# The body's sections, in file order (see `save`).
SECTIONS = (
    "post_offsets",
    "weights",
    "docs",
    "doc_offsets",
    "priors",
    "stated_offsets",
    "text_offsets",
    "doc_terms",
    "statuses",
    "importances",
    "stated",
    "texts",
    "strings",
)


@dataclass(frozen=True)
class SnapshotKey:
    """What a snapshot must match to be used: the database (where it is, and `store_id`, the
    random id it keeps in its `meta` table, which a different database restored there does
    not share) and the curated data version. The format and the analysis code are checked besides."""

    location: str
    curated_version: int
    store_id: str


@functools.cache
def analysis_fingerprint() -> str:
    """A digest of the code that builds the index and of the stemmer's version.

    An upgrade that changes how claims are split into terms must not keep
    answering from an index built the old way; hashing the source rather than
    relying on a hand-bumped number means nobody has to remember to.
    """
    digest = hashlib.sha256()
    for package in ("snowballstemmer", "pystemmer"):  # the second is used when installed
        try:
            digest.update(f"{package} {importlib.metadata.version(package)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{package} absent\n".encode())
    for path in analysis_modules():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    # Names and descriptions in the entities file (and the module reading it, outside this
    # package) fold claims' words too.
    digest.update(b"entities.py\0" + Path(entities.__file__).read_bytes())
    digest.update(b"entities.toml\0" + entities_file().read_bytes())
    return digest.hexdigest()[:32]


@functools.cache
def analysis_modules() -> tuple[Path, ...]:
    """The files of `knowledge.answering.index` and of every `knowledge.answering` module
    it imports, transitively (through any `knowledge` module), sorted.

    Read from their import statements rather than listed by hand, so an import added
    to the index code is covered without anyone remembering to. Package `__init__`
    files only name what a package offers and are not included.
    """
    root = Path(__file__).resolve().parents[2]
    seen: set[str] = set()
    todo = [_INDEX_MODULE]
    while todo:
        name = todo.pop()
        path = _module_file(root, name)
        if name in seen or path is None:
            continue
        seen.add(name)
        todo.extend(_imported(ast.parse(path.read_bytes()), name))
    return tuple(sorted(p for n in seen if n.startswith(_ANALYSIS_PACKAGE) and (p := _module_file(root, n))))


def _module_file(root: Path, name: str) -> Path | None:
    """The file of module `name` under `root`, or None for a package or anything outside `knowledge`."""
    path = root.joinpath(*name.split(".")).with_suffix(".py")
    return path if name.split(".")[0] == "knowledge" and path.is_file() else None


def _imported(tree: ast.Module, importer: str) -> list[str]:
    """Every module name an import statement in `tree` may load (`from p import x` may name module p.x)."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: counted from the importing module's package
                package = importer.split(".")[: -node.level]
                base = ".".join([*package, *([base] if base else [])])
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def database_id(location: str) -> str:
    """An opaque id of the database at `location`: what a snapshot's name and header hold instead of it."""
    return hashlib.sha256(location.encode()).hexdigest()[:24]


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "talksbot"


def snapshot_path(location: str) -> Path:
    """Where the snapshot for the database at `location` lives (see the module docstring)."""
    if "://" not in location:
        return Path(f"{location}.index")
    return _cache_dir() / f"{database_id(location)}.index"


def save(path: Path, key: SnapshotKey, version: int, index: ClaimIndex, extra: dict[str, object]) -> None:
    """Writes `path` atomically (a temporary file renamed over it). `extra` is any JSON the service keeps.

    An index with changes since its base is compacted first (on a copy), so a
    snapshot always holds one segment.
    """
    if index.overlay_size or index.dead:
        index = index.compacted()
    base = index.base
    stated = index.stated_inputs.packed()
    texts = index.texts.packed()
    strings = {
        "claim_ids": index.claim_ids,
        "terms": index.terms,
        "surface": list(index.surface.items()),
        "entity_terms": sorted(index.entity_terms),
        "avg_len": index.avg_len,
        "removed": index.removed,
        "extra": extra,
    }
    # Eight-byte sections first, then four-byte, then bytes: with the body starting on
    # an eight-byte boundary every section is aligned and is read in place, uncopied.
    sections: list[tuple[str, npt.NDArray[Any] | array[Any] | bytes | bytearray | memoryview]] = [
        ("post_offsets", base.post_offsets),
        ("weights", base.post_weights),
        ("docs", base.post_docs),
        ("doc_offsets", base.doc_offsets),
        ("priors", base.priors),
        ("stated_offsets", stated.offsets),
        ("text_offsets", texts.offsets),
        ("doc_terms", base.doc_terms),
        ("statuses", index.statuses),
        ("importances", index.importances),
        ("stated", stated.blob),
        ("texts", texts.blob),
        ("strings", json.dumps(strings, ensure_ascii=False).encode()),
    ]
    views = [(name, _bytes_of(data)) for name, data in sections]
    assert tuple(name for name, _view in views) == SECTIONS
    crc = 0
    for _name, view in views:  # section by section: no second copy of the whole body
        crc = zlib.crc32(view, crc)
    header = json.dumps(
        {
            "format": FORMAT_VERSION,
            "analysis": analysis_fingerprint(),
            "database": database_id(key.location),
            "store": key.store_id,
            "curated_version": key.curated_version,
            "content_version": version,
            "sections": [[name, view.nbytes] for name, view in views],
            "crc": crc,
        }
    ).encode()
    header += b" " * (-(_HEAD.size + len(header)) % 8)
    if path.parent == _cache_dir():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.chmod(0o700)  # made 0755 by an older talksbot, or by a umask
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        # Owner-only from its first byte (the renamed file keeps 0600 whatever the old one had); a
        # leftover of a crashed process with the same pid (pid 1 in a container) is removed first,
        # since creating over it would keep its mode.
        tmp.unlink(missing_ok=True)
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
            f.write(_HEAD.pack(MAGIC, len(header)))
            f.write(header)
            for _name, view in views:
                f.write(view)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load(path: Path, key: SnapshotKey) -> tuple[int, ClaimIndex, dict[str, object]] | None:
    """Read-only: (content version, index, extra) from `path`, or None when it is missing or
    does not match `key` (another database, curated version or format), is not a regular
    file of plausible size, is damaged, or holds any field out of range."""
    try:
        raw = _map_regular_file(path)
        if raw is None:
            return None
        return _parse(raw, key)
    except Exception as exc:  # a damaged or foreign file of any shape: rebuild
        log.warning("ignoring the index snapshot %s: %s", path, exc)
        return None


def _map_regular_file(path: Path) -> mmap.mmap | None:
    """The file mapped read-only; None when there is none; SnapshotRejected unless it is a
    regular file of plausible size.

    Opened without blocking and without following a link, then checked on the open
    descriptor (no window between a check and the open): opening a FIFO for reading
    would otherwise wait for a writer forever. Mapped, not read: the numeric sections
    are used in place from the page cache, with no 140 MB copy at start; `save`
    replaces the file whole (never writes into it), so a mapping stays valid.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    try:
        info = os.fstat(fd)
        checks.require(stat.S_ISREG(info.st_mode), "not a regular file")
        checks.require(_HEAD.size <= info.st_size <= MAX_SNAPSHOT_BYTES, f"implausible size ({info.st_size} bytes)")
        return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    finally:
        os.close(fd)


def _parse(raw: mmap.mmap | bytes, key: SnapshotKey) -> tuple[int, ClaimIndex, dict[str, object]] | None:
    magic, header_len = _HEAD.unpack_from(raw)
    checks.require(magic == MAGIC, "not a talksbot index snapshot")
    # Bounded before anything is sliced or parsed: a 0xFFFFFFFF length must cost nothing.
    checks.require(header_len <= MAX_HEADER_BYTES and _HEAD.size + header_len <= len(raw), "header length out of range")
    start = _HEAD.size + header_len
    header = json.loads(raw[_HEAD.size : start])
    checks.require(isinstance(header, dict), "header: not an object")
    found = tuple(header.get(k) for k in ("format", "analysis", "database", "store", "curated_version"))
    wanted = (FORMAT_VERSION, analysis_fingerprint(), database_id(key.location), key.store_id, key.curated_version)
    if found != wanted:
        log.info("index snapshot %s is for another database, curated version or code", key.location)
        return None
    version, sections, crc = header.get("content_version"), header.get("sections"), header.get("crc")
    checks.require(type(version) is int and version >= 0, "content version out of range")
    checks.require(
        isinstance(sections, list)
        and [s[0] if isinstance(s, list) and len(s) == 2 else None for s in sections] == list(SECTIONS)
        and all(type(n) is int and n >= 0 for _name, n in sections),
        "sections: not the expected ones",
    )
    body = memoryview(raw)[start:]
    if sum(n for _name, n in sections) != len(body) or zlib.crc32(body) != crc:
        raise checks.SnapshotRejected("damaged (length or checksum)")
    parts: dict[str, memoryview] = {}
    at = 0
    for name, n in sections:
        parts[name] = body[at : at + n]
        at += n

    def small(name: str, code: str) -> array[int]:
        out = array(code)
        out.frombytes(parts[name])
        return out

    strings = json.loads(bytes(parts["strings"]))
    checks.check_strings(strings)
    base = Segment(
        post_offsets=np.frombuffer(parts["post_offsets"], dtype=np.int64),
        post_docs=np.frombuffer(parts["docs"], dtype=np.int64),
        post_weights=np.frombuffer(parts["weights"], dtype=np.float64),
        doc_offsets=np.frombuffer(parts["doc_offsets"], dtype=np.int64),
        doc_terms=np.frombuffer(parts["doc_terms"], dtype=np.int32),
        priors=np.frombuffer(parts["priors"], dtype=np.float64),
    )
    index = ClaimIndex(
        base=base,
        claim_ids=strings["claim_ids"],
        terms=strings["terms"],
        term_numbers={t: n for n, t in enumerate(strings["terms"])},
        surface=dict(strings["surface"]),
        stated_inputs=PackedStrings(parts["stated"], small("stated_offsets", "q")),
        statuses=small("statuses", "b"),
        importances=small("importances", "b"),
        texts=PackedStrings(parts["texts"], small("text_offsets", "q")),
        entity_terms=set(strings["entity_terms"]),
        avg_len=float(strings["avg_len"]),
        removed=int(strings["removed"]),
    )
    _check_index(index, parts)
    return version, index, dict(strings["extra"])


def _check_index(index: ClaimIndex, parts: dict[str, memoryview]) -> None:
    """Every array's length and every value's range (see snapshot_checks)."""
    base = index.base
    docs, terms = len(index.claim_ids), len(index.terms)
    checks.require(base.size == docs, "priors: wrong count")
    checks.check_offsets(base.post_offsets, terms, len(base.post_docs), "postings")
    checks.require(len(base.post_weights) == len(base.post_docs), "weights: wrong count")
    checks.check_offsets(base.doc_offsets, docs, len(base.doc_terms), "doc terms")
    checks.check_within(base.post_docs, 0, docs, "posting doc numbers")
    checks.check_within(base.doc_terms, 0, terms, "doc term numbers")
    checks.check_weights(base.post_weights, "weights")
    checks.check_weights(base.priors, "priors")
    checks.check_codes(index.statuses, index.importances, docs)
    checks.check_packed(parts["stated"], index.stated_inputs.offsets, docs, "stated words")
    checks.check_packed(parts["texts"], index.texts.offsets, docs, "texts")


def _bytes_of(data: npt.NDArray[Any] | array[Any] | bytes | bytearray | memoryview) -> memoryview:
    """A flat byte view of a section, without copying it."""
    if isinstance(data, np.ndarray):
        return np.ascontiguousarray(data).view(np.uint8).data
    return memoryview(data).cast("B")
