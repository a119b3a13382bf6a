"""Each course page as a Jupyter notebook for Google Colab: docs/notebooks/<page>.ipynb.

The page is read with `pages.load_page` (the same extractor as the tests) and turned into
an nbformat 4 notebook built with `nbformat.v4`:

- the prose becomes Markdown cells, in page order; the admonitions of MkDocs
  (`!!! info "Titre"`) become a bold title line followed by their un-indented content;
- each Python block becomes a code cell. A block inside a collapsed admonition
  (`??? tf "TensorFlow"`, a solution) becomes a Colab form cell (`# @title ...` and
  `cellView: "form"`, plus Jupyter's `source_hidden`): its code stays hidden until the
  student opens it, and it still runs with the others, as on the page. The prose of the
  solution goes in a `<details>` element, closed;
- a block marked `pytest.mark.skip` (exercise to complete) becomes a Markdown cell that
  shows its code: it cannot run as written, so "Run all" must not run it;
- a block marked `pytest.mark.xfail(raises=...)` (an error shown on purpose) gets the
  standard tag `raises-exception`, announced by a sentence;
- figure links, expected outputs and HTML comments are dropped: the code draws and
  prints them again. Links to other pages keep only their text.

The notebook starts with the page's title, how to switch Colab to a GPU and a cell that
checks for one. It has no outputs, no local path, and stable cell ids: the same page
always gives the same file. `write_notebooks()` is called by the figure script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import v4

from .executor import exception_names, expectation
from .pages import DOCS, Page, course_pages

NOTEBOOKS = "notebooks"  # relative to docs/
NBFORMAT_MINOR = 5  # cell ids exist from nbformat 4.5 on

_ADMONITION = re.compile(
    r"^(?P<indent> *)(?P<marker>\?\?\?\+?|!!!) *(?P<kind>[\w-]+)"
    r'(?: +"(?P<title>[^"]*)")? *$'
)
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_EXPECTED_OUTPUT = re.compile(r"<!--[-\s]*pytest-codeblocks:expected-output")
_FIGURE = re.compile(r"^\s*!\[[^\]]*\]\(figures/[^)]*\)\s*$")
_PAGE_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\([\w./-]+\.md(?:#[\w-]*)?\)")
_TITLE = re.compile(r"^# +(?P<title>.+?)\s*$")

GPU_NOTE = """\
**Avant de commencer : choisissez un GPU.** Dans Colab, menu *Exécution* > *Modifier le \
type d'exécution*, choisissez un accélérateur matériel GPU (par exemple « GPU T4 »), puis \
*Enregistrer*. La cellule suivante vérifie que TensorFlow voit le GPU. Sans GPU, le code \
fonctionne aussi, mais les entraînements sont beaucoup plus longs.

Ce notebook reprend le texte et le code de la page du site, dans le même ordre. Les \
solutions des exercices sont repliées : cliquez sur « Afficher le code » (ou sur le titre \
de la cellule) pour les voir ; elles s'exécutent avec les autres cellules."""

GPU_CHECK = """\
import tensorflow as tf

gpus = tf.config.list_physical_devices("GPU")
if gpus:
    print("GPU disponible :", ", ".join(gpu.name for gpu in gpus))
else:
    print("Aucun GPU : le code s'exécutera sur le processeur, beaucoup plus lentement "
          "pour les entraînements. Dans Colab : Exécution > Modifier le type d'exécution.")"""


@dataclass
class _Admonition:
    indent: int  # of its `???`/`!!!` line; its content is indented 4 more
    kind: str  # tf, info, python...
    title: str
    collapsed: bool  # `???` (not `???+`): closed until the reader opens it

    @property
    def summary(self) -> str:
        return f"Solution : {self.title}" if self.kind == "tf" else self.title


class _Builder:
    """Cells of a notebook, added in page order; the prose is kept until a cell ends it."""

    def __init__(self, page: Page):
        self.page = page
        self.cells: list = []
        self.prose: list[str] = []
        self.hidden_in: _Admonition | None = None  # the collapsed admonition of the prose

    def flush(self) -> None:
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(self.prose)).strip("\n")
        self.prose = []
        if not text.strip():
            return
        if self.hidden_in is not None:
            text = f"<details>\n<summary>{self.hidden_in.summary}</summary>\n\n{text}\n\n</details>"
        self.cells.append(v4.new_markdown_cell(text))

    def code(self, block, code: str, hidden_in: _Admonition | None) -> None:
        self.flush()
        kind, expected = expectation(self.page, block)
        if kind == "skip":
            self.cells.append(
                v4.new_markdown_cell(
                    "**Exercice à compléter** : ce code ne s'exécute pas tel quel, il n'est donc "
                    "pas dans une cellule de code. Copiez-le dans une nouvelle cellule de code "
                    "(bouton *+ Code*), puis complétez-le.\n\n"
                    f"```python\n{code}\n```"
                )
            )
            return
        if kind == "raises":
            self.cells.append(
                v4.new_markdown_cell(
                    f"La cellule suivante échoue **volontairement** : elle lève une "
                    f"`{exception_names(expected)}`, l'erreur que le texte explique. Si "
                    "« Tout exécuter » s'arrête sur elle, relancez l'exécution à partir de la "
                    "cellule d'après."
                )
            )
        metadata = {}
        if hidden_in is not None:
            code = f'# @title {hidden_in.summary} {{ display-mode: "form" }}\n{code}'
            metadata = {"cellView": "form", "jupyter": {"source_hidden": True}}
        if kind == "raises":
            metadata["tags"] = ["raises-exception"]
        self.cells.append(v4.new_code_cell(code, metadata=metadata))


def _prose_line(line: str) -> str:
    if line.strip() in {r"\[", r"\]"}:  # display math: Jupyter and Colab read $$
        return line.replace(r"\[", "$$").replace(r"\]", "$$")
    if line.startswith("#"):  # mkdocs-jupyter's table of contents drops code from headings
        line = line.replace("`", "")
    return _PAGE_LINK.sub(r"\g<text>", line)


def page_notebook(page: Page) -> nbformat.NotebookNode:
    """The notebook of a page: its prose and code, in order, with the Colab first cells."""
    blocks = {block.lineno: block for block in page.blocks}
    lines = page.path.read_text(encoding="utf-8").splitlines()
    build = _Builder(page)
    title, stack, expected_output = page.name, [], False
    number = 0  # of the line being read, from 1 as in the blocks' `lineno`
    while number < len(lines):
        line, number = lines[number], number + 1
        indent = len(line) - len(line.lstrip(" "))
        if line.strip():  # a line indented less than an admonition's content ends it
            while stack and indent < stack[-1].indent + 4:
                stack.pop()
        hidden_in = next((a for a in reversed(stack) if a.collapsed), None)
        if hidden_in is not build.hidden_in:
            build.flush()
            build.hidden_in = hidden_in
        margin = stack[-1].indent + 4 if stack else 0

        def unindented(text: str, margin: int = margin) -> str:
            return text[min(margin, len(text) - len(text.lstrip(" "))) :]

        stripped = line.strip()
        if stripped.startswith("```"):
            ticks = "`" * (len(stripped) - len(stripped.lstrip("`")))
            end = number  # index of the closing fence, as pytest-codeblocks finds it
            while end < len(lines) and not lines[end].lstrip().startswith(ticks):
                end += 1
            fence, start, number = lines[number - 1 : end + 1], number, end + 1
            if start in blocks:
                # The code as the page shows it (pytest-codeblocks drops the blank lines
                # of a block indented in an admonition).
                code = "\n".join(unindented(text, indent) for text in fence[1:-1])
                build.code(blocks[start], code.strip("\n"), hidden_in)
            elif expected_output:  # the output of the previous block: the code prints it
                expected_output = False
            else:
                build.prose += [unindented(text) for text in fence]
        elif _COMMENT.match(line):
            expected_output = expected_output or bool(_EXPECTED_OUTPUT.search(line))
        elif _FIGURE.match(line):
            continue  # the code above draws it
        elif match := _ADMONITION.match(line):
            kind, name = match["kind"], match["title"]
            admonition = _Admonition(
                indent, kind, kind.capitalize() if name is None else name, match["marker"] == "???"
            )
            stack.append(admonition)
            if not admonition.collapsed:
                build.prose += [f"**{admonition.title}**", ""]
        elif not stack and title == page.name and (match := _TITLE.match(line)):
            title = match["title"]
        else:
            build.prose.append(_prose_line(unindented(line)))
    build.flush()

    cells = [
        v4.new_markdown_cell(f"# {title}"),
        v4.new_markdown_cell(GPU_NOTE),
        v4.new_code_cell(GPU_CHECK),
        *build.cells,
    ]
    stem = re.sub(r"[^A-Za-z0-9_-]", "-", page.name)[:50]
    for index, cell in enumerate(cells):
        cell.id = f"{stem}-{index:03d}"  # stable: the same page gives the same file
    notebook = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "colab": {"provenance": [], "toc_visible": True},
        },
    )
    notebook.nbformat_minor = NBFORMAT_MINOR
    nbformat.validate(notebook)
    return notebook


def write_notebooks(docs: Path = DOCS, out: Path | None = None) -> list[Path]:
    """Write the notebook of every course page under `out` (docs/notebooks/ by default).

    Notebooks of pages that no longer exist are removed. Returns the files that changed.
    """
    out = Path(out or Path(docs) / NOTEBOOKS)
    out.mkdir(parents=True, exist_ok=True)
    changed, kept = [], set()
    for page in course_pages(docs):
        path = out / f"{page.name}.ipynb"
        kept.add(path)
        text = nbformat.writes(page_notebook(page)) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for path in sorted(out.glob("*.ipynb")):
        if path not in kept:
            path.unlink()
            changed.append(path)
    return changed
