"""What `make test` cuts beyond the fast mode: the tests write no figure.

The pages' tests (`tp_cnn.pytest_plugin`) see `TEST_SAMPLES` samples and `TEST_EPOCHS`
epochs per `fit` and `evaluate` (`cut_further`), each model run eagerly (`eagerly`), and
`predict` on the head of its input (`on_the_head`). Not in a figure's key
(`figures.key.HARNESS`): the figure script never runs this.
"""

from __future__ import annotations

import functools

import numpy as np

from tp_cnn.running import workload

TEST_SAMPLES, TEST_EPOCHS = 32, 1  # what `fit`, `evaluate` and `predict` see in `make test`


def cut_further() -> None:
    """The fast mode of this process cut to `TEST_SAMPLES` and `TEST_EPOCHS`, every model
    run eagerly."""
    workload.FAST_SAMPLES, workload.FAST_EPOCHS = TEST_SAMPLES, TEST_EPOCHS
    for name in ("fit", "evaluate", "predict"):
        setattr(workload.Workload, name, eagerly(getattr(workload.Workload, name)))


def eagerly(call):
    """`fit`, `evaluate` or `predict` in the fast mode, the model run eagerly (as
    `compile(run_eagerly=True)` would): on `TEST_SAMPLES` samples, tracing a model into a
    graph costs more than running it (measured: the pages' blocks took 50 s of CPU, 38 s
    eagerly). The same layers, the same shapes; the figure script keeps Keras' graphs."""

    @functools.wraps(call)
    def run_eagerly(self, model, *args, **kwargs):
        if self.info.capped:
            model.run_eagerly = True
        return call(self, model, *args, **kwargs)

    return run_eagerly


def on_the_head(predict):
    """`predict` on the first `TEST_SAMPLES` inputs only, each output repeated to the
    input's length (the shapes the next blocks need, not their values: the tests' data are
    stand-ins; the figure script predicts on everything)."""

    @functools.wraps(predict)
    def predict_on_the_head(self, model, x, *args, **kwargs):
        if not (self.info.capped and isinstance(x, np.ndarray) and len(x) > TEST_SAMPLES):
            return predict(self, model, x, *args, **kwargs)
        out = predict(self, model, x[:TEST_SAMPLES], *args, **kwargs)
        parts = [out] if isinstance(out, np.ndarray) else list(out)
        grown = [np.resize(part, (len(x), *part.shape[1:])) for part in parts]
        return grown[0] if isinstance(out, np.ndarray) else type(out)(grown)

    return predict_on_the_head
