"""The estimate (`make figures ARGS="--estimate"`): a page run in estimate mode, and the
report of how long a full run would take, page by page and model by model."""

from __future__ import annotations

import os
import resource
import sys
import time

from tp_cnn.course.numbers import duration, number
from tp_cnn.running import harness
from tp_cnn.running.executor import PageRun
from tp_cnn.running.timing import Timing


def run_page(page, workdir) -> dict:
    """Run a page in estimate mode: its `fit`, `evaluate`, `predict` timed, nothing written.
    The report that the figure script prints (`table`)."""
    start = time.perf_counter()
    with harness.prepared("estimate", workdir, with_keras=harness.uses_keras(page)) as info:
        run = PageRun(page, info)
        for block in page.blocks:
            run.run_block(block)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    keras = sys.modules.get("keras")
    # The page's name of each model (`modelA`) rather than Keras' (`sequential_3`): the
    # first variable of that name (a clone keeps the name of its model).
    names: dict[str, str] = {}
    for name, value in run.namespace.items():
        if keras and isinstance(value, keras.Model) and not name.startswith("_"):
            names.setdefault(value.name, name)
    for timing in info.timings:
        timing.model = names.get(timing.model, timing.model)
    return {
        "timings": [timing.to_dict() for timing in info.timings],
        "device": harness.device(),
        "memory_mb": round(peak),
        "seconds": round(time.perf_counter() - start, 1),
    }


def table(reports: dict[str, dict]) -> str:
    """The estimate, page by page and model by model, in French, and the total."""
    devices = sorted({report["device"] for report in reports.values()}) or ["?"]
    lines = [
        "Durée estimée d'une exécution complète (make figures, mode full), sur "
        f"{', '.join(devices)} ({os.cpu_count()} cœurs de CPU) :",
        "",
        f"{'page / modèle':<28} {'appel':<9} {'lot':>4} {'époques':>7} {'pas':>9} "
        f"{'ms/pas':>8} {'durée':>13}",
    ]
    total = measured = 0.0
    for page, report in reports.items():
        timings = [Timing(**timing) for timing in report["timings"]]
        page_total = sum(timing.seconds for timing in timings)
        total, measured = total + page_total, measured + report["seconds"]
        lines.append(page)
        for t in timings:
            lines.append(
                f"  {t.model:<26} {t.call:<9} {t.batch_size:>4} {t.epochs:>7} "
                f"{number(t.steps):>9} {number(1000 * t.step_seconds, 1):>8} "
                f"{duration(t.seconds):>13}"
            )
        if not timings:
            lines.append("  (aucun entraînement ni évaluation)")
        memory = number(report["memory_mb"] / 1024, 1)
        lines.append(
            f"  {'total de la page':<62} {duration(page_total):>13}   mémoire max : {memory} Go"
        )
    lines += [
        "",
        f"Total estimé du TP : {duration(total)} (estimation faite en {duration(measured)} ; "
        "calculs réels ou substituts de mêmes formes, même durée)",
    ]
    return "\n".join(lines)
