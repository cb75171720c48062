"""The claim index saved to a file, so a new process loads it instead of rebuilding it.

A snapshot records the content version it reflects; a process that finds an
older one loads it and applies the changes since (as a running process does),
then saves the newer one. It is a cache: a file that is missing, damaged,
written by other code or for another database is ignored and rebuilt, never
trusted. The format holds only JSON and packed numbers (no pickle), so even
a hostile file cannot run code; a CRC over the body catches damage.

Where: next to a SQLite file (`<db>.index`), so it lives and dies with the
database it describes; for a PostgreSQL URL under `$XDG_CACHE_HOME/talksbot/`,
one per host: every worker on a host after the first loads it. Neither its
name nor its header holds the database's location, only `database_id` (a
digest of the location as shown, which holds no password either), and every
file is written owner-only (0600; the cache directory 0700): the index holds
readers' taught phrasings, and an older talksbot wrote URLs there.
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
from knowledge.answering.index import ClaimIndex
from knowledge.answering.packed import PackedStrings
from knowledge.answering.segment import Segment
from knowledge.paths import entities_file

log = logging.getLogger(__name__)

MAGIC = b"TALKSIDX"
# Bump when the snapshot layout changes. What the index derives from a claim
# (stop words, stemming, aliases, weights) is covered by `analysis_fingerprint`.
FORMAT_VERSION = 2
# The code that turns a claim into index terms and weights is this module and every
# module of its package it imports, directly or not (`analysis_modules`): any edit to
# one of them (a new stop word, an alias, a weight) makes every saved snapshot stale.
_INDEX_MODULE = "knowledge.answering.index"
_ANALYSIS_PACKAGE = "knowledge.answering."
_HEAD = struct.Struct("<8sI")  # magic, header length


@dataclass(frozen=True)
class SnapshotKey:
    """What a snapshot must match to be used: the database, the curated data version, the format."""

    location: str
    curated_version: int


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
    crc = 0
    for _name, view in views:  # section by section: no second copy of the whole body
        crc = zlib.crc32(view, crc)
    header = json.dumps(
        {
            "format": FORMAT_VERSION,
            "analysis": analysis_fingerprint(),
            "database": database_id(key.location),
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
    does not match `key` (another database, curated version or format) or is damaged."""
    try:
        with open(path, "rb") as f:
            # Mapped, not read: the numeric sections are used in place from the page
            # cache, with no 140 MB copy at start. `save` replaces the file whole
            # (never writes into it), so a mapping stays valid while it is used.
            raw: mmap.mmap | bytes = (
                mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(f.fileno()).st_size else b""
            )
    except (OSError, ValueError):
        return None
    try:
        return _parse(raw, key)
    except Exception as exc:  # a damaged file of any shape: rebuild
        log.warning("ignoring the index snapshot %s: %s", path, exc)
        return None


class _Unusable(ValueError):
    pass


def _parse(raw: mmap.mmap | bytes, key: SnapshotKey) -> tuple[int, ClaimIndex, dict[str, object]] | None:
    magic, header_len = _HEAD.unpack_from(raw)
    if magic != MAGIC:
        raise _Unusable("not a talksbot index snapshot")
    start = _HEAD.size + header_len
    header = json.loads(raw[_HEAD.size : start])
    if (header["format"], header.get("analysis"), header.get("database"), header["curated_version"]) != (
        FORMAT_VERSION,
        analysis_fingerprint(),
        database_id(key.location),
        key.curated_version,
    ):
        log.info("index snapshot %s is for another database, curated version or code", key.location)
        return None
    body = memoryview(raw)[start:]
    if sum(n for _name, n in header["sections"]) != len(body) or zlib.crc32(body) != header["crc"]:
        raise _Unusable("damaged (length or checksum)")
    parts: dict[str, memoryview] = {}
    at = 0
    for name, n in header["sections"]:
        parts[name] = body[at : at + n]
        at += n

    def small(name: str, code: str) -> array[int]:
        out = array(code)
        out.frombytes(parts[name])
        return out

    strings = json.loads(bytes(parts["strings"]))
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
    docs_count = len(index.claim_ids)
    if not (
        base.size == len(base.doc_offsets) - 1 == len(index.statuses) == len(index.importances) == docs_count
        and len(index.stated_inputs) == len(index.texts) == docs_count
        and base.term_count == len(index.terms)
        and int(base.post_offsets[-1]) == len(base.post_docs) == len(base.post_weights)
        and int(base.doc_offsets[-1]) == len(base.doc_terms)
        and _within(base.post_docs, docs_count)
        and _within(base.doc_terms, len(index.terms))
    ):
        raise _Unusable("inconsistent section sizes")
    return int(header["content_version"]), index, dict(strings["extra"])


def _bytes_of(data: npt.NDArray[Any] | array[Any] | bytes | bytearray | memoryview) -> memoryview:
    """A flat byte view of a section, without copying it."""
    if isinstance(data, np.ndarray):
        return np.ascontiguousarray(data).view(np.uint8).data
    return memoryview(data).cast("B")


def _within(numbers: npt.NDArray[np.int32] | npt.NDArray[np.int64], bound: int) -> bool:
    """Every number is a valid index below `bound` (a file that passed its CRC can still be foreign code's)."""
    return not len(numbers) or (int(numbers.min()) >= 0 and int(numbers.max()) < bound)
