"""Run one course page and write what it produces: figures, records, results, notebook.

`generate(page, mode)` runs the page from its first block to its last with the harness
of the mode, in a working directory shared with the pages before it. Only if the whole
page ran does it write, all together (`outputs.commit`, under the manifest's lock):

- each figure the page declares, rendered from the n-th figure its code drew, under
  docs/figures/<page>/ (PNG for photos and grids, SVG for curves);
- the data of each widget that the page places, exported from the page's variables as
  they are right after the last block before the widget's line (`widgets.export`):
  docs/figures/<page>/<widget>.json, recorded in the manifest like a figure;
- the page's records in docs/figures/manifest.json (see `manifest`);
- its notebook, docs/notebooks/<page>.ipynb.

A failed, interrupted or killed run leaves every previous file as it was. The figure
script (`cli`) runs each page in a process of its own: `python -m tp_cnn.figures`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import sys
import time
from importlib import metadata
from pathlib import Path

from . import estimate, harness, manifest, results, widgets
from .executor import BlockResult, PageRun, describe_failure, failed_line
from .manifest import FigureRecord, PageRecord, RunRecord
from .outputs import WriteError, commit
from .pages import DOCS, Page, PageError, load_page

# What the outputs of a page depend on besides its own code (see `page_key`).
HARNESS_FILES = ("harness.py", "workload.py", "standins.py", "executor.py", "marks.py")
# The packages that the pages' code runs on: their installed versions are in the key.
PAGE_PACKAGES = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "matplotlib", "pandas",
                 "scikit-learn")  # fmt: skip


def page_key(page: Page, mode: str) -> str:
    """A page's code, figure links and widget lines, the mode, the harness and the packages'
    versions."""
    digest = hashlib.sha256(f"{mode}\n".encode())
    for name in HARNESS_FILES:
        digest.update(Path(__file__).with_name(name).read_bytes())
    for package in PAGE_PACKAGES:
        try:
            digest.update(f"{package}=={metadata.version(package)}\n".encode())
        except metadata.PackageNotFoundError:
            pass
    for block in page.blocks:
        digest.update("\0".join([block.code, *(mark.text for mark in block.marks)]).encode())
    digest.update("\0".join(ref.path for ref in page.figures).encode())
    digest.update("\0".join(widget.line.strip() for widget in page.widgets).encode())
    return digest.hexdigest()[:16]


def is_current(page: Page, mode: str, current: manifest.Manifest, docs: Path = DOCS) -> bool:
    """The page ran with this code and mode, and its figures are all there."""
    record = current.pages.get(page.name)
    return (
        record is not None
        and record.key == page_key(page, mode)
        and all((docs / ref.path).is_file() for ref in [*page.figures, *page.widgets])
    )


def match_figures(page: Page, results: list[BlockResult]) -> list[tuple[str, BlockResult, object]]:
    """Pair the n-th figure drawn with the n-th figure link of the page."""
    drawn = [(result, figure) for result in results for figure in result.figures]
    if len(drawn) != len(page.figures):
        raise PageError(
            f"{page.label} : la page déclare {len(page.figures)} figure(s) "
            f"(liens ![...](figures/...)) mais son code en dessine {len(drawn)}. "
            "Placez un lien d'image après chaque bloc qui dessine, un par figure."
        )
    for ref, (result, _) in zip(page.figures, drawn, strict=True):
        if ref.lineno < result.block.lineno:
            raise PageError(
                f"{page.label}, ligne {ref.lineno} : la figure {ref.path} est placée avant "
                f"le bloc de la ligne {result.block.lineno} qui la dessine."
            )
    return [
        (ref.path, result, figure)
        for ref, (result, figure) in zip(page.figures, drawn, strict=True)
    ]


def _render(figure, path: str) -> bytes:
    """PNG (optimised) for photos and pixel grids, SVG (text as paths) for curves."""
    import matplotlib

    buffer = io.BytesIO()
    if path.endswith(".png"):
        options = {"metadata": {"Software": None}, "pil_kwargs": {"optimize": True}}
    else:
        options = {"metadata": {"Date": None, "Creator": None}}
    # Same figure, same bytes: SVG ids are drawn from this salt, not at random.
    with matplotlib.rc_context({"svg.hashsalt": "tp-cnn"}):
        figure.savefig(buffer, format=Path(path).suffix[1:], bbox_inches="tight", **options)
    return buffer.getvalue()


def uses_keras(page: Page) -> bool:
    """Whether the page names Keras or TensorFlow (if not, its run does not import them)."""
    return any(re.search(r"keras|tensorflow", block.code) for block in page.blocks)


def device() -> str:
    if "tensorflow" not in sys.modules:
        return "CPU"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")


def export_widgets(page: Page, result: BlockResult, namespace: dict) -> dict:
    """The data of the widgets placed between this block and the next one."""
    after = [block.lineno for block in page.blocks if block.lineno > result.block.lineno]
    end = after[0] if after else float("inf")
    return {
        widget.path: (widgets.export(widget, namespace, page.label), result)
        for widget in page.widgets
        if result.block.lineno < widget.lineno < end
    }


def _records(page: Page, blocks, runs: dict, info: harness.RunInfo, seconds: float, data=None):
    pairs = match_figures(page, blocks)
    rendered = {path: (_render(figure, path), result) for path, result, figure in pairs}
    rendered.update(data or {})
    if missing := [w for w in page.widgets if w.path not in rendered]:
        raise PageError(
            f"{page.label}, ligne {missing[0].lineno} : le widget « {missing[0].name} » est "
            "placé avant le premier bloc de code : il n'a aucune variable à montrer."
        )
    record = PageRecord(
        key=page_key(page, info.mode),
        mode=info.mode,
        device=device(),
        tensorflow=sys.modules["tensorflow"].__version__ if "tensorflow" in sys.modules else None,
        date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        seconds=round(seconds, 1),
    )
    figures = {
        path: FigureRecord(
            page.name,
            result.block.lineno,
            hashlib.sha256(result.block.code.encode()).hexdigest()[:16],
            result.data,
            result.epochs,
        )
        for path, (_, result) in rendered.items()
    }
    runs = {name: RunRecord(page=page.name, **entry) for name, entry in runs.items()}
    return record, figures, runs, {path: data for path, (data, _) in rendered.items()}


def write_outputs(
    page: Page, blocks, runs: dict, info, seconds: float, docs: Path = DOCS, data=None
):
    """Render, then replace the page's figures, widget data, records and notebook together."""
    from .notebooks import NOTEBOOKS, notebook_text

    record, figures, runs, images = _records(page, blocks, runs, info, seconds, data)
    files = {docs / path: data for path, data in images.items()}
    files[docs / NOTEBOOKS / f"{page.name}.ipynb"] = notebook_text(page).encode()
    with manifest.locked(docs) as current:
        updated = current.with_page(page.name, record, figures, runs)
        commit({**files, docs / manifest.MANIFEST: updated.to_json().encode()})
    return [docs / path for path in images if not path.endswith(".json")]  # the figures


def generate(page: Page, mode: str, workdir: Path, docs: Path = DOCS, echo: bool = False):
    """Run a page from its first block to its last, then write what it produced.

    If the page fails, the results table in `workdir` is put back as it was.
    """
    table = Path(workdir) / results.RESULTS_CSV
    table_before = table.read_bytes() if table.exists() else None
    start = time.perf_counter()
    try:
        # The runs that the page recorded last time: it records them again if it still does.
        recorded = manifest.read(docs / manifest.MANIFEST, missing_ok=True).page_of(page.name)
        results.forget(workdir, list(recorded.runs))
        with harness.prepared(mode, workdir, with_keras=uses_keras(page)) as info:
            run, tracker = PageRun(page, info, echo), results.RunTracker(workdir, info)
            blocks, data = [], {}
            for block in page.blocks:
                blocks.append(run.run_block(block))
                tracker.after_block()
                data.update(export_widgets(page, blocks[-1], run.namespace))
            seconds = time.perf_counter() - start
            return write_outputs(page, blocks, tracker.runs, info, seconds, docs, data)
    except BaseException:
        if table_before is None:
            table.unlink(missing_ok=True)
        else:
            table.write_bytes(table_before)
        raise


def main(argv: list[str]) -> int:
    """`python -m tp_cnn.figures PAGE MODE DOCS WORKDIR STATUS`: one page, in this process.

    Writes to STATUS a JSON report for the figure script: the figures written, or the
    line and the error of the failure. Exit code 0 (written), 1 (page failed), 3 (write
    error), 130 (interrupted).
    """
    path, mode, docs, workdir, status = argv
    try:
        page = load_page(Path(path))
        harness.quiet_tensorflow()
        if mode == "estimate":
            report, code = {"ok": True, **estimate.run_page(page, Path(workdir))}, 0
        else:
            written = generate(page, mode, Path(workdir), Path(docs), echo=mode != "fast")
            report, code = {"ok": True, "figures": len(written)}, 0
    except KeyboardInterrupt:
        report, code = {"ok": False, "message": "interrompu"}, 130
    except WriteError as error:
        report, code = {"ok": False, "write_error": True, "message": str(error)}, 3
    except (PageError, widgets.WidgetError) as error:
        report, code = {"ok": False, "message": str(error), "error": type(error).__name__}, 1
    except Exception as error:
        report = {
            "ok": False,
            "message": describe_failure(page, error),
            "line": failed_line(page, error),
            "error": type(error).__name__,
        }
        code = 1
    Path(status).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
