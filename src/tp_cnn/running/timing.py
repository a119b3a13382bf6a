"""Estimate mode, the timing: how long would each `fit`, `evaluate` and `predict` take?

Instead of running the call, `timed` runs its first `STEPS + 1` batches at the page's own
batch size and measures them: the first step (tracing and compilation) apart, then the
median of the others. The full run is estimated from the number of steps the page asks
for: samples / batch size per epoch, times its epochs, validation steps included.
The page goes on with what these few steps return (like the fast mode's shortened
training), so that its later calls are timed too. The `Timing`s are kept in
`RunInfo.timings`; the figure script prints them (`figures.estimate`).
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
