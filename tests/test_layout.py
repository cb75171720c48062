"""The README's Layout block names every module of the tree, and nothing the tree lacks."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "knowledge", "adapters")


def layout_block() -> dict[str, set[str]]:
    """Folder → module file names the README's Layout block lists for it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Layout", 1)[1].split("```", 2)[1]
    listed: dict[str, set[str]] = {}
    folder = ""
    for line in block.splitlines():
        head = re.match(r"([a-z_/]+/)\s", line)
        if head:
            folder = head.group(1).rstrip("/")
        listed.setdefault(folder, set()).update(re.findall(r"\b([a-z_]+\.py)\b", line))
    return listed


def tree() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path.name != "__init__.py":
                found.setdefault(path.parent.relative_to(ROOT).as_posix(), set()).add(path.name)
    return found


def test_every_module_is_named_in_the_layout_under_its_own_folder() -> None:
    listed = layout_block()
    missing = {f"{folder}/{name}" for folder, names in tree().items() for name in names - listed.get(folder, set())}
    assert not missing, f"modules the README's Layout does not name: {sorted(missing)}"


def test_the_layout_names_no_module_the_tree_lacks() -> None:
    actual = tree()
    stale = {
        f"{folder}/{name}"
        for folder, names in layout_block().items()
        if folder.split("/")[0] in PACKAGES
        for name in names - actual.get(folder, set())
    }
    assert not stale, f"the README's Layout names modules that do not exist: {sorted(stale)}"
