"""The site's navigation (`nav:` of mkdocs.yml) and the course's pages in its order.

Pages run, are tested and are numbered in the order in which students read them: the
order of the menu. A course page is a page of docs/ with Python code (`course_pages`);
one in a sub-folder of docs/ is refused (the tests, the figure script and the site
would not agree on its name). `nav_files` walks a navigation as MkDocs parsed it; `read_nav` reads
it from mkdocs.yml with the standard library only (the workflow's bare-Python jobs list
the pages without PyYAML).
"""

from __future__ import annotations

import re
from pathlib import Path

from tp_cnn.paths import CONFIG, DOCS
from tp_cnn.reading.pages import PageError, load_page
from tp_cnn.reading.segments import Page

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


def course_pages(docs: Path = DOCS) -> list[Page]:
    """Every page of docs/ that holds at least one Python block, in reading order."""
    docs = Path(docs)
    for path in sorted(docs.glob("*/**/*.md")):
        if not path.is_relative_to(docs / "assets") and load_page(path).blocks:
            raise PageError(
                f"{path.relative_to(docs)} : une page de cours (avec du code Python) doit être "
                f"directement dans {docs.name}/, pas dans un sous-dossier. Déplacez-la."
            )
    nav = read_nav()
    paths = sorted(docs.glob("*.md"), key=lambda path: reading_order(path.name, nav))
    pages = (load_page(path) for path in paths)
    return [page for page in pages if page.blocks]


def find_page(name: str, docs: Path = DOCS) -> Page:
    pages = course_pages(docs)
    for page in pages:
        if page.name == name:
            return page
    known = ", ".join(page.name for page in pages) or "aucune"
    raise PageError(f"Page inconnue : « {name} ». Pages disponibles : {known}.")
