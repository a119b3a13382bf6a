"""The cache key of a page's run: what its figures, records and notebook depend on.

A committed run is current while its key is that of the page today. The key covers:

- the page: each Python block's code and marks, its figure links and widget lines (its
  prose is not in it: the notebook is rewritten from the page at every run anyway);
- the mode of the run;
- what runs around the page's code (`HARNESS`: the modules of `running`, and the marks
  that decide whether a block runs), keyed on **behaviour, not on files**: each module-level
  function, class and constant, as code (`ast.unparse`, docstrings removed), by its name.
  Moving a definition to another module, reordering them, editing an import line, a
  comment or a docstring keep the key; changing what a definition does changes it;
- the installed versions of the packages that the pages' code runs on (`PAGE_PACKAGES`;
  TensorFlow by its version, whichever build is installed: `tensorflow-cpu` on the CPU
  machines, `tensorflow[and-cuda]` on the GPU runner, so that a page run on one is current
  on the other).

Not in it: the figure script itself, the site and its plugin (they show outputs, they do
not make them), the tests.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from importlib import metadata
from pathlib import Path

from tp_cnn.figures import manifest
from tp_cnn.paths import DOCS
from tp_cnn.reading.segments import Page
from tp_cnn.running.modes import WORDS, less_complete

HARNESS = (
    "tp_cnn.reading.marks",
    "tp_cnn.running.modes",
    "tp_cnn.running.standins",
    "tp_cnn.running.workload",
    "tp_cnn.running.harness",
    "tp_cnn.running.executor",
)
# The packages that the pages' code runs on: their installed versions are in the key
# (each name: its distributions, the first one installed counts).
PAGE_PACKAGES = {"tensorflow": ("tensorflow", "tensorflow-cpu"), "keras": ("keras",),
                 "numpy": ("numpy",), "matplotlib": ("matplotlib",), "pandas": ("pandas",),
                 "scikit-learn": ("scikit-learn",)}  # fmt: skip


def definitions(source: str) -> list[tuple[str, str]]:
    """(name, code) of each module-level function, class and constant of `source`, its
    docstrings removed; imports and the module's docstring left out."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [ast.unparse(target) for target in targets]
            if names == ["__all__"]:
                continue
        else:
            continue  # imports, the docstring, `from __future__`…
        for inner in ast.walk(node):
            body = getattr(inner, "body", None)
            if isinstance(body, list) and body and _is_docstring(body[0]):
                inner.body = body[1:] or [ast.Pass()]
        found.append((" ".join(names), ast.unparse(node)))
    return found


def _is_docstring(node: ast.AST) -> bool:
    return isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant) \
        and isinstance(node.value.value, str)  # fmt: skip


def harness_digest(sources: list[str]) -> str:
    """The behaviour of the harness modules whose sources are given, in any order."""
    digest = hashlib.sha256()
    for name, code in sorted(d for source in sources for d in definitions(source)):
        digest.update(f"{name}\0{code}\0".encode())
    return digest.hexdigest()


def _harness_sources() -> list[str]:
    return [Path(importlib.util.find_spec(name).origin).read_text(encoding="utf-8")
            for name in HARNESS]  # fmt: skip


def page_key(page: Page, mode: str) -> str:
    digest = hashlib.sha256(f"{mode}\n{harness_digest(_harness_sources())}\n".encode())
    for package, distributions in PAGE_PACKAGES.items():
        digest.update(f"{package}=={_version(distributions)}\n".encode())
    for block in page.blocks:
        digest.update("\0".join([block.code, *(mark.text for mark in block.marks)]).encode())
    digest.update("\0".join(ref.path for ref in page.figures).encode())
    digest.update("\0".join(widget.line.strip() for widget in page.widgets).encode())
    return digest.hexdigest()[:16]


def _version(distributions: tuple[str, ...]) -> str | None:
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def is_current(page: Page, mode: str, current: manifest.Manifest, docs: Path = DOCS) -> bool:
    """The page ran with this code and mode, and its figures are all there."""
    record = current.pages.get(page.name)
    return (
        record is not None
        and record.key == page_key(page, mode)
        and all((docs / ref.path).is_file() for ref in [*page.figures, *page.widgets])
    )


def kept_record(page: Page, mode: str, current: manifest.Manifest, docs: Path = DOCS):
    """The record of a more complete run of `page` that a run in `mode` must keep (it is
    still current), or None. A stale more complete run may be replaced."""
    record = current.pages.get(page.name)
    if record and less_complete(mode, than=record.mode) and is_current(
        page, record.mode, current, docs
    ):
        return record
    return None


def kept_message(page: str, record: manifest.PageRecord, mode: str) -> str:
    return (f"{page} : garde son exécution {WORDS[record.mode]} ; --force la "
            f"remplace par une exécution {WORDS[mode]}")  # fmt: skip
