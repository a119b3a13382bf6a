"""Run one course page and write what it produces: figures, records, results, notebook.

`generate(page, mode)` runs the page from its first block to its last with the harness
of the mode, in a working directory shared with the pages before it. Only if the whole
page ran does it write, all together (`outputs.commit`, under the manifest's lock):

- each figure the page declares, rendered from the n-th figure its code drew, under
  docs/figures/<page>/ (PNG for photos and grids, SVG for curves);
- the data of each widget that the page places, exported from the page's variables as
  they are right after the last block before the widget's line (`widget_data.export`):
  docs/figures/<page>/<widget>.json, recorded in the manifest like a figure;
- the page's records in docs/figures/manifest.json (see `manifest`), what its blocks
  printed included (`printed`);
- its notebook, docs/notebooks/<page>.ipynb.

A failed, interrupted or killed run leaves every previous file as it was; so does a page
whose code wrote in docs/ (`docs_guard`), and a run less complete than the page's recorded
one when that one is still current (checked under the lock: `KeptRun`, unless `force`). The figure
script (`cli`) runs each page in a process of its own (`child`: `python -m tp_cnn.figures`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import sys
import time
from pathlib import Path

from tp_cnn.exports.notebooks import NOTEBOOKS, notebook_text
from tp_cnn.figures import manifest, printed, results, widget_data
from tp_cnn.figures.docs_guard import Guard
from tp_cnn.figures.key import kept_message, kept_record, page_key
from tp_cnn.figures.manifest import FigureRecord, PageRecord, RunRecord
from tp_cnn.outputs import commit
from tp_cnn.paths import DOCS
from tp_cnn.reading.pages import PageError
from tp_cnn.reading.segments import Page
from tp_cnn.running import harness
from tp_cnn.running.executor import BlockResult, PageRun


class KeptRun(Exception):
    """The page has a more complete run, still current: nothing was written (the message
    says so). Raised under the manifest's lock: a run that ended meanwhile counts."""


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


def export_widgets(page: Page, result: BlockResult, namespace: dict) -> dict:
    """The data of the widgets placed between this block and the next one."""
    after = [block.lineno for block in page.blocks if block.lineno > result.block.lineno]
    end = after[0] if after else float("inf")
    return {
        widget.path: (widget_data.export(widget, namespace, page.label), result)
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
        device=harness.device(),
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
    for name, entry in runs.items():
        for field, value in entry.items():
            if value is not None and (problem := manifest.value_problem(field, value)):
                raise PageError(
                    f"{page.label} : le tableau des résultats ({results.RESULTS_CSV}) donne "
                    f"pour « {name} », {results.COLUMN_OF.get(field, field)} : {problem}. "
                    "Corrigez la page (précision et top-5 entre 0 et 1)."
                )
    runs = {name: RunRecord(page=page.name, **entry) for name, entry in runs.items()}
    return record, figures, runs, {path: data for path, (data, _) in rendered.items()}


def write_outputs(
    page: Page, blocks, runs: dict, info, seconds: float, docs: Path = DOCS, data=None,
    force: bool = False,
):  # fmt: skip
    """Render, then replace the page's figures, widget data, records and notebook together
    (unless, without `force`, the page has a more complete run that is current)."""
    record, figures, runs, images = _records(page, blocks, runs, info, seconds, data)
    files = {docs / path: data for path, data in images.items()}
    files[docs / NOTEBOOKS / f"{page.name}.ipynb"] = notebook_text(page).encode()
    with manifest.locked(docs) as current:
        if not force and (kept := kept_record(page, info.mode, current, docs)):
            raise KeptRun(f"{kept_message(page.name, kept, info.mode)} (exécution terminée "
                          "pendant celle-ci) : rien n'a été écrit.")  # fmt: skip
        outputs = printed.records(page, blocks)
        updated = current.with_page(page.name, record, figures, runs, outputs)
        commit({**files, docs / manifest.MANIFEST: updated.to_json().encode()})
    return [docs / path for path in images if not path.endswith(".json")]  # the figures


def generate(
    page: Page, mode: str, workdir: Path, docs: Path = DOCS, echo: bool = False,
    force: bool = False, progress: Path | None = None,
):  # fmt: skip
    """Run a page from its first block to its last, then write what it produced.

    If the page fails, the results table in `workdir` is put back as it was. The line of
    the block that starts is written to `progress` (the figure script reads it if this
    process dies). A page whose code wrote in `docs` fails (`docs_guard`).
    """
    table = Path(workdir) / results.RESULTS_CSV
    table_before = table.read_bytes() if table.exists() else None
    start = time.perf_counter()
    try:
        # The runs that the page recorded last time: it records them again if it still does.
        recorded = manifest.read(docs / manifest.MANIFEST, missing_ok=True).page_of(page.name)
        results.forget(workdir, list(recorded.runs))
        with harness.prepared(mode, workdir, with_keras=harness.uses_keras(page)) as info:
            run, tracker = PageRun(page, info, echo), results.RunTracker(workdir, info)
            blocks, data, guard = [], {}, Guard(page, docs)
            for block in page.blocks:
                if progress:
                    Path(progress).write_text(str(block.lineno), encoding="utf-8")
                blocks.append(run.run_block(block))
                tracker.after_block()
                data.update(export_widgets(page, blocks[-1], run.namespace))
            guard.check()
            seconds = time.perf_counter() - start
            return write_outputs(page, blocks, tracker.runs, info, seconds, docs, data, force)
    except BaseException:
        if table_before is None:
            table.unlink(missing_ok=True)
        else:
            table.write_bytes(table_before)
        raise
