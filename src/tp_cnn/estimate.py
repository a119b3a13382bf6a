"""Estimate mode: how long would each `fit`, `evaluate` and `predict` of a page take?

Instead of running the call, `timed` runs its first `STEPS + 1` batches at the page's own
batch size and measures them: the first step (tracing and compilation) apart, then the
median of the others. The full run is estimated from the number of steps the page asks
for: samples / batch size per epoch, times its epochs, validation steps included.
The page goes on with what these few steps return (like the fast mode's shortened
training), so that its later calls are timed too. The `Timing`s are kept in
`RunInfo.timings`; the figure script (`cli --estimate`) prints them.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import asdict, dataclass

STEPS = 5  # timed steps after the first one
DEFAULT_BATCH = 32  # Keras' default batch size


@dataclass
class Timing:
    model: str  # the model's name
    call: str  # "fit", "evaluate" or "predict"
    batch_size: int
    epochs: int
    steps: int  # steps of the whole call as the page writes it (validation included)
    step_seconds: float  # median time of one step (training steps for `fit`)
    first_seconds: float  # the first step: tracing and compilation
    seconds: float  # estimated duration of the whole call

    def to_dict(self) -> dict:
        return asdict(self)


class _Clock:
    """Times the batches of one Keras call: `ends[kind]` = when each batch ended."""

    def __init__(self, keras):
        self.start = time.perf_counter()
        self.ends: dict[str, list[float]] = {"train": [], "test": [], "predict": []}
        self.callback = keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda *_, **__: self.ends["train"].append(time.perf_counter()),
            on_test_batch_end=lambda *_, **__: self.ends["test"].append(time.perf_counter()),
            on_predict_batch_end=lambda *_, **__: self.ends["predict"].append(time.perf_counter()),
        )

    def first(self, kind: str) -> float:
        return self.ends[kind][0] - self.start if self.ends[kind] else 0.0

    def median(self, kind: str) -> float:
        ends = self.ends[kind]
        gaps = [later - earlier for earlier, later in zip(ends, ends[1:], strict=False)]
        return statistics.median(gaps) if gaps else self.first(kind)


def _steps(data, batch_size: int) -> int:
    return math.ceil(len(data) / batch_size) if hasattr(data, "__len__") else 1


def _head(data, batch_size: int):
    return data[: (STEPS + 1) * batch_size] if hasattr(data, "__getitem__") else data


def fit(original, keras, info, model, x=None, y=None, *args, epochs=1, batch_size=None,
        validation_data=None, **kwargs):  # fmt: skip
    batch = batch_size or DEFAULT_BATCH
    clock = _Clock(keras)
    kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), clock.callback]
    short_validation = None
    if validation_data is not None:
        short_validation = tuple(_head(part, batch) for part in validation_data)
    history = original(model, _head(x, batch), _head(y, batch), *args, epochs=1,
                       batch_size=batch, validation_data=short_validation,
                       **{**kwargs, "verbose": 0})  # fmt: skip
    train_steps = _steps(x, batch) * epochs
    valid_steps = _steps(validation_data[0], batch) * epochs if validation_data else 0
    train, valid = clock.median("train"), clock.median("test")
    info.epochs = 1
    info.timings.append(Timing(
        model.name, "fit", batch, epochs, train_steps + valid_steps, train,
        clock.first("train"), clock.first("train") + train * train_steps + valid * valid_steps,
    ))  # fmt: skip
    return history


def evaluate(original, keras, info, model, x=None, y=None, *args, **kwargs):
    if kwargs.get("_use_cached_eval_dataset"):  # the validation inside `fit`
        return original(model, x, y, *args, **kwargs)
    return _timed(original, keras, info, "evaluate", model, (x, y, *args), kwargs)


def predict(original, keras, info, model, x, *args, **kwargs):
    """Run whole, as in every mode (one forward pass; the page compares the predictions
    with its labels), and timed."""
    return _timed(original, keras, info, "predict", model, (x, *args), kwargs, whole=True)


def _timed(original, keras, info, call, model, data: tuple, kwargs: dict, whole=False):
    """Run the first batches of `evaluate` (`predict`: all of them); data = (x, y…) as the
    page gave them."""
    batch = kwargs.pop("batch_size", None) or DEFAULT_BATCH
    clock = _Clock(keras)
    kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), clock.callback]
    kwargs["verbose"] = 0
    x, *rest = data
    if not whole:
        x, rest = _head(x, batch), [_head(part, batch) for part in rest[:1]] + rest[1:]
    returned = original(model, x, *rest, batch_size=batch, **kwargs)
    kind = "test" if call == "evaluate" else "predict"
    steps, step, first = _steps(data[0], batch), clock.median(kind), clock.first(kind)
    info.timings.append(
        Timing(model.name, call, batch, 1, steps, step, first, first + step * (steps - 1))
    )
    return returned


def run_page(page, workdir) -> dict:
    """Run a page in estimate mode: its `fit`, `evaluate`, `predict` timed, nothing written.
    The report that the figure script prints (`table`)."""
    import resource
    import sys

    from . import harness
    from .executor import PageRun
    from .figures import device, uses_keras

    start = time.perf_counter()
    with harness.prepared("estimate", workdir, with_keras=uses_keras(page)) as info:
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
        "device": device(),
        "memory_mb": round(peak),
        "seconds": round(time.perf_counter() - start, 1),
    }


def duration(seconds: float) -> str:
    """« 1 h 02 min », « 23 min 30 s », « 12 s »."""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _number(value: float, digits: int = 0) -> str:
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return text


def table(reports: dict[str, dict]) -> str:
    """The estimate, page by page and model by model, in French, and the total."""
    import os

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
                f"{_number(t.steps):>9} {_number(1000 * t.step_seconds, 1):>8} "
                f"{duration(t.seconds):>13}"
            )
        if not timings:
            lines.append("  (aucun entraînement ni évaluation)")
        memory = _number(report["memory_mb"] / 1024, 1)
        lines.append(
            f"  {'total de la page':<62} {duration(page_total):>13}   mémoire max : {memory} Go"
        )
    lines += [
        "",
        f"Total estimé du TP : {duration(total)} (estimation faite en {duration(measured)} ; "
        "calculs réels ou substituts de mêmes formes, même durée)",
    ]
    return "\n".join(lines)
