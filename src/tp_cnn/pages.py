"""Parse the course pages: their Python blocks and the figures they declare.

Code blocks are read with pytest-codeblocks' own extractor, so its comment syntax
(`<!--pytest-codeblocks:expected-output-->`, `<!--pytest.mark.skip(reason=...)-->`, ...)
means the same thing for the tests and for the figure script.

A figure is declared by an image link to `figures/<page>/<file>` placed after the
block that draws it: the n-th figure drawn while running the page is saved under the
n-th such link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pytest_codeblocks import CodeBlock, extract_from_file

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
FIGURES = DOCS / "figures"

_FIGURE_LINK = re.compile(r"!\[[^\]]*\]\((?P<path>figures/[^)\s]+)")
_NAV_ENTRY = re.compile(r"^\s*-\s.*?(?P<file>[\w./-]+\.md)\s*$", re.MULTILINE)


class PageError(Exception):
    """A page cannot be read (unknown name, unclosed code block, ...)."""


@dataclass(frozen=True)
class FigureRef:
    lineno: int
    path: str  # relative to docs/, e.g. "figures/convolution-pooling/grayscale.png"


@dataclass
class Page:
    path: Path
    blocks: list[CodeBlock]
    figures: list[FigureRef]

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def label(self) -> str:
        """Path shown in messages: relative to the repository when possible."""
        try:
            return str(self.path.relative_to(ROOT))
        except ValueError:
            return str(self.path)


def load_page(path: Path) -> Page:
    path = Path(path).resolve()
    try:
        blocks = extract_from_file(path)
    except RuntimeError as error:
        raise PageError(
            f"{path.name} : impossible de lire la page ({error}). "
            "Vérifiez que chaque bloc de code ouvert par ``` est bien refermé."
        ) from error
    python_blocks = [block for block in blocks if block.syntax == "python"]
    figures = [
        FigureRef(lineno, match["path"])
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in _FIGURE_LINK.finditer(line)
    ]
    return Page(path, python_blocks, figures)


def reading_order(path: Path) -> tuple[int, str]:
    """Sort key of a page: its place in the site's navigation (mkdocs.yml), then its name.

    A page may use files that an earlier page wrote (the TP's results table): pages are
    always run in the order in which students read them.
    """
    nav = _NAV_ENTRY.findall((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    name = Path(path).name
    return (nav.index(name) if name in nav else len(nav), name)


def course_pages(docs: Path = DOCS) -> list[Page]:
    """Every page of docs/ that holds at least one Python block, in reading order."""
    pages = (load_page(path) for path in sorted(Path(docs).glob("*.md"), key=reading_order))
    return [page for page in pages if page.blocks]


def find_page(name: str, docs: Path = DOCS) -> Page:
    pages = course_pages(docs)
    for page in pages:
        if page.name == name:
            return page
    known = ", ".join(page.name for page in pages) or "aucune"
    raise PageError(f"Page inconnue : « {name} ». Pages disponibles : {known}.")
