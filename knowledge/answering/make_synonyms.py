"""Writes `synonyms.tsv`: WordNet synonyms of the words the claims and articles use.

    python -m knowledge.answering.make_synonyms [--wordnet /usr/share/wordnet]

Run it after the curated claims, the articles or the entities file change; a
test fails while the shipped table is out of date (when WordNet is installed).

WordNet 3.0 comes from Debian's `wordnet-base` package (`apt-get install
wordnet-base`), the Princeton lexical database as plain data files. It is
read here only, at development time: talksbot ships the small table this
writes (a few thousand lines, loaded in milliseconds), not WordNet, so the
bot needs no extra package and starts as fast as before.

What goes in: for each content word of the claims and articles, the
single-word lemmas that share one of its two most common senses per part of
speech in WordNet (WordNet lists senses by frequency in its tagged corpus).
Rare senses ("halt" as "lame") and very wide synsets are left out: a synonym
only widens what a question can match, at a lower weight than the word itself,
and the decision still has to find every focus word accounted for.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from knowledge.answering.text import STOPWORDS, known_words, stem, words
from knowledge.entities import shipped
from knowledge.paths import curated_claims_file, seeds_dir

TABLE = Path(__file__).resolve().parent / "synonyms.tsv"
# English words one slip away from a word of the claims: never "mended" into it.
REAL_WORDS = Path(__file__).resolve().parent / "real_words.txt"
# Stems of common English nouns: an unknown one in a question names a topic.
TOPIC_WORDS = Path(__file__).resolve().parent / "topic_words.txt"
# Senses per part of speech: WordNet orders them by how often each is used.
SENSES = 2
# Synsets with more lemmas than this are too loose to count as synonyms.
MAX_SYNSET = 8
_POS = ("noun", "verb", "adj", "adv")
# WordNet's detachment rules (morphy): inflected form → base form candidates.
_RULES = {
    "noun": [
        ("s", ""),
        ("ses", "s"),
        ("xes", "x"),
        ("zes", "z"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
        ("ies", "y"),
    ],
    "verb": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
    "adj": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "adv": [],
}


class WordNet:
    """The parts of WordNet this needs: lemma → synset offsets, offset → lemmas, exceptions."""

    def __init__(self, root: Path) -> None:
        self.index: dict[str, dict[str, list[str]]] = {}
        self.synsets: dict[str, dict[str, list[str]]] = {}
        self.exceptions: dict[str, dict[str, list[str]]] = {}
        for pos in _POS:
            self.index[pos] = _read_index(root / f"index.{pos}")
            self.synsets[pos] = _read_data(root / f"data.{pos}")
            exc = root / f"{pos}.exc"
            self.exceptions[pos] = _read_exceptions(exc) if exc.exists() else {}

    def base_forms(self, word: str, pos: str) -> list[str]:
        """Lemmas `word` may be a form of, in this part of speech (WordNet's morphy)."""
        found = [word] if word in self.index[pos] else []
        found += [b for b in self.exceptions[pos].get(word, []) if b in self.index[pos]]
        for suffix, ending in _RULES[pos]:
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                base = word[: -len(suffix)] + ending
                if base in self.index[pos]:
                    found.append(base)
        return list(dict.fromkeys(found))

    def synonyms(self, word: str) -> set[str]:
        out: set[str] = set()
        for pos in _POS:
            for base in self.base_forms(word, pos):
                for offset in self.index[pos][base][:SENSES]:
                    lemmas = self.synsets[pos].get(offset, [])
                    if len(lemmas) <= MAX_SYNSET:
                        out.update(lemma for lemma in lemmas if lemma != base)
        return {w for w in out if re.fullmatch(r"[a-z]+", w)}


def _read_index(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        parts = line.split()
        pointers = int(parts[3])
        out[parts[0]] = parts[4 + pointers + 2 :]
    return out


def _read_data(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        parts = line.split()
        count = int(parts[3], 16)
        # Proper nouns are written with capitals in WordNet: they are names, not synonyms.
        out[parts[0]] = [re.sub(r"\(.*\)$", "", parts[4 + 2 * i]) for i in range(count)]
    return {k: [w for w in v if w.islower()] for k, v in out.items()}


def _read_exceptions(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        form, *bases = line.split()
        out[form] = bases
    return out


def vocabulary() -> set[str]:
    """The content words of the curated claims (every field) and of the seed articles.

    Names are left out: a synonym of "best" must not find Trump ("trump" is a
    verb in WordNet), so no word the claims list as a name, no entity's token
    and no word the texts only ever write with a capital is a target.
    """
    texts: list[str] = []
    names: set[str] = {e.token for e in shipped().entities}
    with curated_claims_file().open("rb") as fh:
        for claim in tomllib.load(fh).get("claims", []):
            texts += [claim["text"], claim.get("topic", ""), claim.get("said_by") or ""]
            texts += claim.get("keywords", [])
            texts += [q["quote"] for q in claim.get("quotes", [])]
            names.update(w for name in claim.get("entities", []) for w in words(name))
    texts += [p.read_text(encoding="utf-8") for p in sorted(seeds_dir().glob("*.txt"))]
    lower = {w for t in texts for w in re.findall(r"\b[a-z][a-z'-]*\b", t)}
    found = {w for t in texts for w in words(t) if w.isalpha() and len(w) >= 3 and w not in STOPWORDS}
    return {w for w in found if w in lower and w not in names}


def surface_words() -> set[str]:
    """Every word the claims and articles are written with, as written (lower case): the
    words the matcher mends typos into, whatever folding later makes of them."""
    texts: list[str] = []
    with curated_claims_file().open("rb") as fh:
        for claim in tomllib.load(fh).get("claims", []):
            texts += [claim["text"], *claim.get("keywords", []), *(q["quote"] for q in claim.get("quotes", []))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(seeds_dir().glob("*.txt"))]
    return {w for t in texts for w in re.findall(r"[a-z]+", t.lower())}


def build_table(wordnet: WordNet, vocab: Iterable[str]) -> dict[str, set[str]]:
    """Synonym stem → the stems of the vocabulary words it stands for."""
    table: dict[str, set[str]] = {}
    for word in sorted(vocab):
        target = stem(word)
        for synonym in wordnet.synonyms(word):
            if synonym in STOPWORDS:
                continue
            key = stem(synonym)
            if key != target:
                table.setdefault(key, set()).add(target)
    return table


def lemma_forms(wordnet: WordNet, common: set[str]) -> dict[str, bool]:
    """Every single-word WordNet lemma, with its regular inflections, of five letters or
    more → whether it is common (its tagged corpus uses it: "insulting", not "natto")."""
    out: dict[str, bool] = {}
    for pos in _POS:
        for lemma in wordnet.index[pos]:
            if not re.fullmatch(r"[a-z]{4,}", lemma):
                continue
            forms = {lemma}
            if pos == "noun":
                forms |= {lemma + "s", lemma + "es", lemma[:-1] + "ies" if lemma.endswith("y") else lemma + "s"}
            elif pos == "verb":
                base = lemma[:-1] if lemma.endswith("e") else lemma
                forms |= {lemma + "s", lemma + "es", base + "ed", base + "ing", lemma + "d"}
            for form in forms:
                if len(form) >= 5:
                    out[form] = out.get(form, False) or lemma in common
    return out


def topic_stems(root: Path) -> list[str]:
    """Stems of the lemmas WordNet's tagged corpus uses mostly as nouns ("weather",
    "breakfast", "colour"), not as verbs, adjectives or adverbs ("tackle", "eventual").

    A noun in a question names what it is about; when the articles never use it,
    the question is about something they do not cover. A verb or an adjective
    they never use is more often only the asker's phrasing.
    """
    counts: dict[str, dict[str, int]] = {}
    for line in (root / "cntlist.rev").read_text(encoding="latin-1").splitlines():
        key, _, count = line.split()
        lemma, sense = key.split("%", 1)
        pos = "noun" if sense[0] == "1" else "other"
        counts.setdefault(lemma, {"noun": 0, "other": 0})[pos] += int(count)
    nouns = {
        stem(lemma)
        for lemma, c in counts.items()
        if re.fullmatch(r"[a-z]{3,}", lemma) and c["noun"] > 0 and c["noun"] >= 2 * c["other"]
    }
    return sorted(nouns)


def common_lemmas(root: Path) -> set[str]:
    """Lemmas with at least one tagged use in WordNet's sense-tagged corpus (`cntlist.rev`)."""
    out: set[str] = set()
    for line in (root / "cntlist.rev").read_text(encoding="latin-1").splitlines():
        key, _, count = line.split()
        if int(count) > 0:
            out.add(key.split("%", 1)[0])
    return out


def real_words(forms: dict[str, bool], vocab: Iterable[str]) -> list[str]:
    """English words the matcher's typo mending could take for a claim word they are not.

    "insulting" is one letter pair from "consulting", "flamingo" two from "framing":
    words of their own, so a question using them is not asking about consultations.
    A rare word that is the claim word with a letter doubled or two letters swapped
    ("natto" for "nato") is more likely the slip than the word, and is left out.
    """
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import OSA

    targets = sorted({w for w in vocab if len(w) >= 5})
    stems = {stem(w) for w in targets}
    candidates = sorted(w for w in forms if w not in targets and stem(w) not in stems)
    if not candidates:
        return []
    found = process.cdist(candidates, targets, scorer=fuzz.ratio, score_cutoff=75, workers=-1)
    swapped = process.cdist(candidates, targets, scorer=OSA.distance, score_cutoff=1, workers=-1)
    # The matcher's own cutoffs: 85 for five letters, 83 under eight, 80 beyond; and
    # two swapped letters ("quite", "quiet") at any length.
    out = []
    for w, row, swaps in zip(candidates, found, swapped, strict=True):
        near = row.max() >= (85 if len(w) == 5 else 83 if len(w) < 8 else 80)
        close = [targets[j] for j in np.flatnonzero(swaps <= 1)]
        if not (near or any(_is_swap(w, t) for t in close)):
            continue
        if forms[w] or not any(_is_swap(w, t) or _doubles(w, t) for t in close):
            out.append(w)
    return out


def _doubles(a: str, b: str) -> bool:
    """`a` is `b` with one letter doubled or undoubled ("natto", "nato")."""
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return len(longer) == len(shorter) + 1 and any(
        longer[i] == longer[i - 1] and longer[:i] + longer[i + 1 :] == shorter for i in range(1, len(longer))
    )


def _is_swap(a: str, b: str) -> bool:
    from rapidfuzz.distance import OSA, Levenshtein

    return OSA.distance(a, b) == 1 and Levenshtein.distance(a, b) == 2


def render(table: dict[str, set[str]]) -> str:
    head = "# synonym stem<TAB>stems of claim and article words it stands for (make_synonyms.py; WordNet 3.0)\n"
    return head + "".join(f"{k}\t{' '.join(sorted(v))}\n" for k, v in sorted(table.items()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    args = parser.parse_args(argv)
    wordnet, vocab = WordNet(args.wordnet), vocabulary()
    table = build_table(wordnet, vocab)
    TABLE.write_text(render(table), encoding="utf-8")
    print(f"{TABLE}: {len(table)} synonyms")
    near = real_words(lemma_forms(wordnet, common_lemmas(args.wordnet)), vocab | surface_words() | known_words())
    head = "# English words a slip away from a claim word, never mended into it (make_synonyms.py; WordNet 3.0)\n"
    REAL_WORDS.write_text(head + "".join(f"{w}\n" for w in near), encoding="utf-8")
    print(f"{REAL_WORDS}: {len(near)} words")
    topics = topic_stems(args.wordnet)
    head = "# stems of common English nouns: an unknown one names a topic (make_synonyms.py; WordNet 3.0)\n"
    TOPIC_WORDS.write_text(head + "".join(f"{w}\n" for w in topics), encoding="utf-8")
    print(f"{TOPIC_WORDS}: {len(topics)} stems")


if __name__ == "__main__":
    main()
