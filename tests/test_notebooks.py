"""The notebooks of the pages (docs/notebooks/): up to date, well formed, runnable, linked."""

import re

import nbformat
import pytest
from built_site import PageHTML
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat import v4

from tp_cnn.exports.notebooks import (
    GPU_CHECK,
    GPU_QUERY,
    NOTEBOOKS,
    page_notebook,
    write_notebooks,
)
from tp_cnn.paths import DOCS, ROOT
from tp_cnn.reading.navigation import course_pages
from tp_cnn.reading.pages import load_page

COMMITTED = DOCS / NOTEBOOKS
REGENERATE = (
    "make figures (les pages dont le code n'a pas changé ne sont pas réexécutées), ou sans "
    'rien exécuter : .venv/bin/python -c "from tp_cnn.exports.notebooks import write_notebooks; '
    'write_notebooks()"'
)


def test_committed_notebooks_are_those_of_the_pages(tmp_path):
    write_notebooks(out=tmp_path)
    expected = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.glob("*.ipynb")}
    committed = {path.name: path.read_text(encoding="utf-8") for path in COMMITTED.glob("*.ipynb")}
    assert sorted(expected) == sorted(f"{page.name}.ipynb" for page in course_pages())
    stale = sorted(set(expected) ^ set(committed)) + sorted(
        name for name in set(expected) & set(committed) if expected[name] != committed[name]
    )
    assert not stale, (
        f"Les notebooks de docs/notebooks/ ne correspondent plus aux pages ({', '.join(stale)}). "
        f"Régénérez-les : {REGENERATE} ; puis committez docs/notebooks/."
    )
    for name, text in committed.items():
        assert str(ROOT) not in text, f"{name} contient un chemin local"
        cells = nbformat.reads(text, as_version=4).cells
        assert not any(cell.get("outputs") for cell in cells), f"{name} contient des sorties"


PAGE = """
# Une page

Du texte, un [lien vers une
page](autre.md) et des maths : $x$.

```python
import numpy as np

x = 1
```

<!--pytest-codeblocks:expected-output-->

```text
sortie affichée sur la page
```

![Une figure](figures/page/une.png)

!!! info "Un encadré"

    Son texte, dans l'encadré.

<!--pytest.mark.skip(reason="Exercice à compléter")-->

```python
y = FONCTION(x)
```

??? tf "TensorFlow"

    ```python
    y = x + 1

    print(y)
    ```

    ![La solution dessine](figures/page/deux.png)

    Une explication de la solution.

<!--pytest.mark.xfail(raises=ValueError, strict=True)-->

```python
raise ValueError("exprès")
```

<!-- un commentaire -->

Fin de la page.
"""


def test_a_page_becomes_a_colab_notebook(write_page):
    page = load_page(write_page(PAGE))
    notebook = page_notebook(page)
    nbformat.validate(notebook)
    cells = notebook.cells
    text = nbformat.writes(notebook)
    assert text == nbformat.writes(page_notebook(load_page(page.path))), "non déterministe"
    assert [cell.id for cell in cells] == [f"page-{index:03d}" for index in range(len(cells))]
    assert notebook.nbformat == 4 and notebook.nbformat_minor >= 5
    assert notebook.metadata.kernelspec.name == "python3"
    assert notebook.metadata.colab == {"provenance": [], "toc_visible": True}

    # First cells: the title, how to get a GPU in Colab, a Python check (no shell magic).
    assert cells[0].source == "# Une page"
    assert "Exécution* > *Modifier le type d'exécution*" in cells[1].source
    assert cells[2].cell_type == "code"
    assert 'tf.config.list_physical_devices("GPU")' in cells[2].source
    assert not re.search(r"^\s*[!%]", cells[2].source, re.MULTILINE)

    # Dropped: figures, expected outputs, comments; links to pages keep their text.
    for dropped in ("figures/", "sortie affichée", "<!--", "autre.md", str(page.path.parent)):
        assert dropped not in text, dropped
    markdown = "\n\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    assert "un lien vers une\npage et des maths\u00a0: $x$." in markdown
    assert "**Un encadré**\n\nSon texte, dans l'encadré." in markdown

    code = [cell for cell in cells if cell.cell_type == "code"][1:]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert [cell.source for cell in code] == [
        "import numpy as np\n\nx = 1",
        '# @title Solution : TensorFlow { display-mode: "form" }\ny = x + 1\n\nprint(y)',
        'raise ValueError("exprès")',
    ]
    plain, solution, error = code
    assert plain.metadata == {}
    # A collapsed solution: a Colab form cell, hidden in Jupyter too; its prose closed.
    assert solution.metadata == {"cellView": "form", "jupyter": {"source_hidden": True}}
    after = cells[cells.index(solution) + 1].source
    assert after.startswith("<details>\n<summary>Solution : TensorFlow</summary>")
    assert "Une explication de la solution." in after
    # The placeholder exercise: shown, not run.
    placeholder = next(cell for cell in cells if "FONCTION" in cell.source)
    assert placeholder.cell_type == "markdown"
    assert "```python\ny = FONCTION(x)\n```" in placeholder.source
    assert "Copiez-le" in placeholder.source
    # The error shown on purpose: tagged, and announced.
    assert error.metadata == {"tags": ["raises-exception"]}
    before = cells[cells.index(error) - 1]
    assert "volontairement" in before.source and "`ValueError`" in before.source
    assert cells[-1].source == "Fin de la page."


def test_a_page_that_checks_its_gpu_gets_no_second_check(write_page):
    """Colab asks once: a page whose code asks for the GPU keeps its block, the notebook
    adds no cell of its own, and its first note says where the check is."""
    page = load_page(write_page(f"# Une page\n\n```python\nimport tensorflow as tf\n\n"
                                f"print({GPU_QUERY})\n```\n"))  # fmt: skip
    cells = page_notebook(page).cells
    assert [cell.source for cell in cells if cell.cell_type == "code"] == [
        f"import tensorflow as tf\n\nprint({GPU_QUERY})"
    ]
    assert "Le code de la page vérifie" in cells[1].source
    assert "La cellule suivante" not in cells[1].source


def test_a_quiz_becomes_questions_with_their_answers_in_closed_details(write_page):
    page = load_page(write_page(
        "# Une page\n\n## Testez-vous\n\n```quiz\n? Combien vaut `k` ?\n~ 224 | 216 + 8.\n\n"
        "?? Lesquelles ?\n= *a* | Juste.\n- b | Faux.\n= c | Juste aussi.\n```\n\nFin.\n"
    ))  # fmt: skip
    cells = page_notebook(page).cells
    assert all(cell.cell_type == "markdown" for cell in cells[3:])
    text = "\n\n".join(cell.source for cell in cells[3:])
    assert "```quiz" not in text and "~ 224" not in text
    first, second = text.split("**Question 1.**")[1].split("**Question 2.**")
    assert first.startswith(" Combien vaut `k`\u202f?") and "*Répondez par un nombre.*" in first
    assert "<details>\n<summary>Réponse</summary>\n\n224 — 216 + 8.\n\n</details>" in first
    assert "<details open" not in text
    assert "- a) *a*\n- b) b\n- c) c" in second
    answer = second[second.index("<details>") :]
    assert "a) *a* — Juste.\n\nc) c — Juste aussi." in answer and "b) b" not in answer
    assert "*Plusieurs réponses possibles.*" in second and text.endswith("Fin.")


def _code_of(cell) -> str:
    return re.sub(r"^# @title .*\n", "", cell.source)


@pytest.mark.parametrize("page", course_pages(), ids=lambda page: page.name)
def test_the_notebook_runs_the_code_that_the_page_tests_run(page):
    """Its code cells are the page's blocks, verbatim and in order: the block tests
    (docs/<page>.md::ligne N) run exactly this code, in this order, in one namespace;
    and its checks' cells (« Vérifier l'exercice … »), the code the tests prove."""
    notebook = nbformat.read(COMMITTED / f"{page.name}.ipynb", as_version=4)
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    # One GPU check: the notebook's first cell, or the page's own block.
    assert sum(GPU_QUERY in cell.source for cell in cells) == 1, page.name
    cells = [cell for cell in cells if cell.source != GPU_CHECK]
    checks = [cell for cell in cells if cell.source.startswith("# @title Vérifier")]
    assert [_code_of(cell) for cell in checks] == [
        check.code.code.strip("\n") for check in page.checks
    ]
    cells = [cell for cell in cells if cell not in checks]
    runnable = [block for block in page.blocks if not block.mark("skip")]
    assert [_code_of(cell) for cell in cells] == [block.code.strip("\n") for block in runnable]
    for cell, block in zip(cells, runnable, strict=True):
        assert ("raises-exception" in cell.metadata.get("tags", [])) == bool(block.mark("xfail"))


# The harness of the tests (fast mode: stand-ins, capped fit), entered inside the kernel.
PRELUDE = """\
from pathlib import Path

from tp_cnn.running import harness

_ctx = harness.prepared("fast", Path({workdir!r}))
_ctx.__enter__()
"""
KERNEL_RUN = "convolution-pooling"  # the others run the same code through their page tests


def test_a_notebook_runs_from_top_to_bottom_in_a_jupyter_kernel(tmp_path):
    """The Colab cells as Jupyter runs them: form cells, GPU check, tagged errors."""
    notebook = nbformat.read(COMMITTED / f"{KERNEL_RUN}.ipynb", as_version=4)
    notebook.cells.insert(0, v4.new_code_cell(PRELUDE.format(workdir=str(tmp_path))))
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        startup_timeout=120,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"Le notebook {KERNEL_RUN}.ipynb échoue dans un noyau Jupyter :\n{error}")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    outputs = "".join(out.get("text", "") for cell in code for out in cell.outputs)
    assert "GPU disponible" in outputs or "Aucun GPU" in outputs
    for cell in code:
        if "raises-exception" in cell.metadata.get("tags", []):
            errors = [out for out in cell.outputs if out.output_type == "error"]
            assert errors, f"{KERNEL_RUN}.ipynb, cellule {cell.id} : elle devait lever une erreur"


def test_each_course_page_links_to_colab_and_to_its_notebook(site):
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    repo = re.search(r"^repo_url: *https://github\.com/(\S+?)/?$", config, re.MULTILINE)[1]
    branch = re.search(r"^ +notebooks_branch: *(\S+)", config, re.MULTILINE)[1]
    pages = course_pages()
    assert pages
    for page in pages:
        html = (site / page.name / "index.html").read_text(encoding="utf-8")
        assert re.search(r'</h1>\s*<p class="notebook-links">', html), page.name
        classes = {link.get("class"): link for link in PageHTML(html).anchors}
        colab = classes["colab-badge"]["href"]
        path = f"docs/notebooks/{page.name}.ipynb"
        assert colab == f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"
        assert (ROOT / path).is_file()
        download = classes["notebook-download"]
        assert "download" in download
        target = (site / page.name / download["href"]).resolve()
        assert target.read_bytes() == (ROOT / path).read_bytes(), page.name
        rendered = site / NOTEBOOKS / page.name / "index.html"
        assert "jupyter-wrapper" in rendered.read_text(encoding="utf-8"), page.name
