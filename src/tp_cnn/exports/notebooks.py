"""Each course page as a Jupyter notebook for Google Colab: docs/notebooks/<page>.ipynb.

The page's segments (`pages.load_page`, the one reader of the project) become an
nbformat 4 notebook built with `nbformat.v4`:

- the prose becomes Markdown cells, in page order; the admonitions of MkDocs
  (`!!! info "Titre"`) become a bold title line followed by their un-indented content;
- each Python block becomes a code cell. A block inside a collapsed admonition (`??? tf`,
  a solution) becomes a Colab form cell (`# @title ...`, `cellView: "form"`, Jupyter's
  `source_hidden`): its code stays hidden until the student opens it, and it still runs
  with the others, as on the page. The solution's prose goes in a closed `<details>`;
- a check (`??? check`): a form cell « Vérifier l'exercice 2.3 »; its wrong answers, out;
- a block marked `pytest.mark.skip` (exercise to complete) becomes a Markdown cell that
  shows its code: it cannot run as written, so "Run all" must not run it;
- a block marked `pytest.mark.xfail(raises=...)` (an error shown on purpose) gets the
  standard tag `raises-exception`, announced by a sentence;
- figure links, expected outputs and HTML comments are dropped (the code draws and prints
  them again); links to other pages or sections (unknown to Colab) keep only their text;
  a widget line becomes a sentence saying that the site shows a widget there; a quiz,
  its questions as Markdown, each answer in a closed `<details>` (`quiz_text`).
- the site's rules apply (`course.config.Course.rules`): exercises numbered as on the site
  (« Exercice 2.3 : … »); under the policy `hidden`, each solution is replaced by an empty
  cell « # À vous de jouer »; under `shown`, solutions are ordinary cells.

The notebook starts with the page's title, how to switch Colab to a GPU and a cell that
checks for one (unless the page's code does). No outputs, no local path, stable cell ids:
the same page gives the same file. The figure script writes a page's notebook with its
figures, `write_notebooks()` the others; one that no page produces is reported, not deleted.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat import v4

from tp_cnn.course.config import Course
from tp_cnn.course.solutions import PLACEHOLDER, Rules, check_titles, exercises
from tp_cnn.course.typography import french
from tp_cnn.exports.quiz_text import quiz_markdown
from tp_cnn.outputs import commit
from tp_cnn.paths import DOCS
from tp_cnn.reading.navigation import course_pages
from tp_cnn.reading.segments import (
    WRONG_ANSWER,
    Admonition,
    Code,
    Comment,
    Figure,
    Page,
    Prose,
    Quiz,
    Widget,
)
from tp_cnn.reading.widget_lines import SPECS

NOTEBOOKS = "notebooks"  # relative to docs/
NBFORMAT_MINOR = 5  # cell ids exist from nbformat 4.5 on

_PAGE_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?:[\w./-]+\.md(?:#[\w-]*)?|#[\w-]+)\)")
_TITLE = re.compile(r"^# +(?P<title>.+?)\s*$")

GPU_NOTE = """\
**Avant de commencer : choisissez un GPU.** Dans Colab, menu *Exécution* > *Modifier le \
type d'exécution*, choisissez un accélérateur matériel GPU (par exemple « GPU T4 »), puis \
*Enregistrer*. {check} Sans GPU, le code fonctionne aussi, mais les entraînements sont \
beaucoup plus longs.

Ce notebook reprend le texte et le code de la page du site, dans le même ordre. Les \
solutions des exercices sont repliées : cliquez sur « Afficher le code » (ou sur le titre \
de la cellule) pour les voir ; elles s'exécutent avec les autres cellules."""

GPU_QUERY = 'tf.config.list_physical_devices("GPU")'
CHECKED = {False: "La cellule suivante vérifie que TensorFlow voit le GPU.",  # by the page?
           True: "Le code de la page vérifie, après ses imports, que TensorFlow voit le GPU."}
GPU_CHECK = f"""import tensorflow as tf

gpus = {GPU_QUERY}
if gpus:
    print("GPU disponible :", ", ".join(gpu.name for gpu in gpus))
else:
    print("Aucun GPU : le code s'exécutera sur le processeur, beaucoup plus lentement "
          "pour les entraînements. Dans Colab : Exécution > Modifier le type d'exécution.")"""


class _Builder:
    """Cells of a notebook, added in page order; the prose is kept until a cell ends it."""

    def __init__(self, page: Page, shown: bool = False, titles: dict[int, str] | None = None):
        self.page, self.shown = page, shown  # shown: solutions are ordinary cells
        self.titles = titles or {}  # a check's line → its cell's title
        self.cells: list = []
        self.prose: list[str] = []
        self.hidden_in: Admonition | None = None  # the collapsed admonition of the prose

    def flush(self) -> None:
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(self.prose)).strip("\n")
        text = french(_PAGE_LINK.sub(r"\g<text>", text))  # a link may span two lines
        self.prose = []
        if not text.strip():
            return
        if self.hidden_in is not None:
            text = f"<details>\n<summary>{self.hidden_in.summary}</summary>\n\n{text}\n\n</details>"
        self.cells.append(v4.new_markdown_cell(text))

    def code(self, block: Code, hidden_in: Admonition | None) -> None:
        self.flush()
        code = block.code.strip("\n")
        if block.mark("skip"):
            self.cells.append(
                v4.new_markdown_cell(
                    "**Exercice à compléter** : ce code ne s'exécute pas tel quel, il n'est donc "
                    "pas dans une cellule de code. Copiez-le dans une nouvelle cellule de code "
                    "(bouton *+ Code*), puis complétez-le.\n\n"
                    f"```python\n{code}\n```"
                )
            )
            return
        metadata = {}
        if raises := block.mark("xfail"):
            self.cells.append(
                v4.new_markdown_cell(
                    f"La cellule suivante échoue **volontairement** : elle lève une "
                    f"`{raises.raises}`, l'erreur que le texte explique. Si "
                    "« Tout exécuter » s'arrête sur elle, relancez l'exécution à partir de la "
                    "cellule d'après."
                )
            )
            metadata["tags"] = ["raises-exception"]
        if hidden_in is not None:
            title = self.titles.get(hidden_in.lineno, hidden_in.summary)
            code = f'# @title {title} {{ display-mode: "form" }}\n{code}'
            metadata = {"cellView": "form", "jupyter": {"source_hidden": True}, **metadata}
        self.cells.append(v4.new_code_cell(code, metadata=metadata))

    def segment(self, segment) -> None:
        if isinstance(segment, Admonition):
            if not segment.collapsed or (self.shown and segment.is_solution):
                self.prose += [f"**{segment.summary}**", ""]
        elif isinstance(segment, Code) and segment.syntax == "python":
            self.code(segment, self.hidden_in)
        elif isinstance(segment, Code) and segment.syntax != WRONG_ANSWER:  # the tests' only
            indent = len(segment.fence[0]) - len(segment.fence[0].lstrip(" "))
            self.prose += [
                line[min(indent, len(line) - len(line.lstrip(" "))) :] for line in segment.fence
            ]
        elif isinstance(segment, Prose):
            self.prose.append(_prose_line(segment.text))
        elif isinstance(segment, Widget):
            title = SPECS[segment.name].title
            self.prose.append(f"*Sur le site du cours, un schéma interactif ici : {title}.*")
        elif isinstance(segment, Quiz):
            self.prose += quiz_markdown(segment)
        # Comments and figure links are dropped: the code draws and prints them again.


def _prose_line(line: str) -> str:
    if line.strip() in {r"\[", r"\]"}:  # display math: Jupyter and Colab read $$
        return line.replace(r"\[", "$$").replace(r"\]", "$$")
    if line.startswith("#"):  # mkdocs-jupyter's table of contents drops code from headings
        line = line.replace("`", "")
    return line


def page_notebook(page: Page, rules: Rules | None = None) -> nbformat.NotebookNode:
    """The notebook of a page: its prose and code, in order, with the Colab first cells,
    under the site's `rules` (those of mkdocs.yml and the page's front matter by default)."""
    rules = rules or Course.from_config(None).page_rules(page)
    numbered = exercises(page, rules.chapter)
    shown = rules.solutions == "shown"
    build = _Builder(page, shown, check_titles(page, rules.chapter))
    title = page.name
    for segment in page.segments:
        if isinstance(segment, (Comment, Figure)):
            continue
        if rules.solutions == "hidden" and any(a.is_solution for a in segment.within):
            continue
        if rules.solutions == "hidden" and isinstance(segment, Admonition) and segment.is_solution:
            build.flush()
            build.cells.append(v4.new_code_cell(PLACEHOLDER))
            continue
        if segment.lineno in numbered and isinstance(segment, Prose):
            segment = Prose(segment.lineno, numbered[segment.lineno][1], segment.within)
        hidden_in = next(
            (a for a in reversed(segment.within) if a.collapsed and not (shown and a.is_solution)),
            None,
        )
        if hidden_in is not build.hidden_in:
            build.flush()
            build.hidden_in = hidden_in
        heading = isinstance(segment, Prose) and not segment.within and _TITLE.match(segment.text)
        if heading and title == page.name:
            title = heading["title"]
        else:
            build.segment(segment)
    build.flush()

    return _notebook(page, title, build.cells)


def _notebook(page: Page, title: str, cells: list) -> nbformat.NotebookNode:
    """The page's cells after its title and the Colab first cells, with stable ids."""
    checked = any(GPU_QUERY in block.code for block in page.blocks)
    cells = [
        v4.new_markdown_cell(f"# {title}"),
        v4.new_markdown_cell(french(GPU_NOTE.format(check=CHECKED[checked]))),
        *([] if checked else [v4.new_code_cell(GPU_CHECK)]),
        *cells,
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


def notebook_text(page: Page, rules: Rules | None = None) -> str:
    return nbformat.writes(page_notebook(page, rules)) + "\n"


def write_notebooks(
    docs: Path = DOCS, out: Path | None = None, skip: tuple[str, ...] = ()
) -> tuple[list[Path], list[Path]]:
    """Write the notebook of every course page under `out` (docs/notebooks/ by default),
    but those of the pages in `skip` (failed: they keep all their outputs). Returns the
    files that changed, and the notebooks that no page produces (kept)."""
    out = Path(out or Path(docs) / NOTEBOOKS)
    pages = course_pages(docs)
    course = Course.from_config(None, docs=docs)
    files = {
        out / f"{page.name}.ipynb": notebook_text(page, course.page_rules(page)).encode()
        for page in pages
        if page.name not in skip
    }
    changed = {p: d for p, d in files.items() if not p.exists() or p.read_bytes() != d}
    commit(changed)
    produced = {out / f"{page.name}.ipynb" for page in pages}
    strays = sorted(p for p in out.glob("*.ipynb") if p not in produced) if out.is_dir() else []
    return list(changed), strays
