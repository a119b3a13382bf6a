"""The site's navigation (`nav:` of mkdocs.yml): the one home of its reading.

Pages run, are tested and are numbered in the order in which students read them: the
order of the menu. `nav_files` walks a navigation as MkDocs parsed it; `read_nav` reads
it from mkdocs.yml with the standard library only (the workflow's bare-Python jobs list
the pages without PyYAML).
"""

from __future__ import annotations

import re
from pathlib import Path

from tp_cnn.paths import CONFIG

_ENTRY = re.compile(r"""^\s*-\s+(?:.*:\s+)?["']?(?P<file>[^\s:"']+\.(?:md|ipynb))["']?\s*$""")


def nav_files(nav) -> list[str]:
    """The files of a parsed navigation (pages, notebooks), in menu order."""
    found: list[str] = []
    for entry in nav or []:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            found += nav_files(value)
        elif isinstance(value, str) and not re.match(r"[a-z]+://", value):
            found.append(value)
    return found


def read_nav(config: Path = CONFIG) -> list[str]:
    """The files of the `nav:` of `config`, in menu order, read without PyYAML."""
    files, inside = [], False
    for line in Path(config).read_text(encoding="utf-8").split("\n"):
        if line.startswith("nav:"):
            inside = True
        elif inside and line.strip() and not line[0].isspace() and not line.startswith("-"):
            break
        elif inside and (match := _ENTRY.match(line)):
            files.append(match["file"])
    return files


def reading_order(path: Path | str, nav: list[str] | None = None) -> tuple[int, str]:
    """Sort key of a page (its path relative to docs/): its place in the menu, then its
    path. A page may use files that an earlier page wrote (the TP's results table)."""
    nav = read_nav() if nav is None else nav
    name = Path(path).as_posix()
    return (nav.index(name) if name in nav else len(nav), name)
