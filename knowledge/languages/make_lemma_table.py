"""Writes `lemma_forms.tsv`: the Polish, German and French word forms simplemma's dictionaries
give a lemma the glossary uses.

    python -m knowledge.languages.make_lemma_table

Run it after the glossary changes; a test fails while a glossary word has no row.

simplemma ships whole dictionaries (3.7 million Polish forms): loading one takes seconds and
about 400 MB (Polish) or 95 MB (German) of memory, for a bot that is otherwise about 70 MB.
The reading only ever asks whether a word is a form of a glossary word (any other word stays
as written), so the forms of those lemmas are all it needs from them: this keeps exactly
those, a few thousand rows loaded in milliseconds. simplemma is needed only here, at
development time. Ukrainian and Russian keep pymorphy3, whose dictionaries load in a tenth
of a second and a few megabytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from knowledge.languages.glossary import Glossary, shipped_glossary

TABLE = Path(__file__).resolve().parent / "lemma_forms.tsv"
LANGUAGES = ("pl", "de", "fr")


def glossary_words(glossary: Glossary, code: str) -> set[str]:
    """Every word of the language's glossary keys and drop list, lowercase."""
    lang = glossary.languages[code]
    found = {w for key in [*lang.questions, *lang.terms] for w in key}
    return found | set(lang.drop)


def table_rows(code: str, wanted: set[str]) -> list[tuple[str, str]]:
    """(form, lemma) of every form whose lemma is one of `wanted` or a wanted word's lemma."""
    import simplemma
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    lemmas = wanted | {simplemma.lemmatize(w, lang=code).lower() for w in wanted}
    dictionary = DefaultDictionaryFactory().get_dictionary(code)
    rows = {(w, w) for w in wanted}
    for form, lemma in dictionary.items():
        low = lemma.lower()
        if low in lemmas:
            rows.add((form.lower(), low))
    return sorted(rows)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    glossary = shipped_glossary()
    lines = ["# form\tlemma per language, from simplemma's dictionaries (make_lemma_table.py)"]
    for code in LANGUAGES:
        rows = table_rows(code, glossary_words(glossary, code))
        lines += [f"{code}\t{form}\t{lemma}" for form, lemma in rows if "\t" not in form + lemma]
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{TABLE.name}: {len(lines) - 1} rows")


if __name__ == "__main__":
    main()
