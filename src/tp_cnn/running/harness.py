"""Where a page runs: fresh plots and Keras state, its own folder, the workload of a mode.

The page's code runs unchanged in every mode; the mode sets its workload (`workload`):

- "full": the page as written (real data, downloaded or read from the Keras cache,
  every epoch, GPU if any). A download that fails stops the page with a French message.
- "mixed": real data wherever this machine has it (Keras cache, offline copies), with
  the page's full workload; a dataset it lacks is replaced by a stand-in, and what is
  trained on it is cut as in fast mode. Nothing is downloaded.
- "fast": the same code, for the tests and quick previews on a CPU. Nothing is
  downloaded; missing data are stand-ins, and every `fit` and `evaluate` is cut to
  `workload.FAST_SAMPLES` samples and `workload.FAST_EPOCHS` epochs (cut further in
  `make test`, see `tp_cnn.pytest_plugin`).
- "estimate": as fast for the data, but `fit`, `evaluate` and `predict` only time a few
  steps at the page's batch size (`estimate`), to tell how long the full run would take.

In every mode a file that Keras would download is first looked for in the offline
copies of `OFFLINE_MIRRORS` (Debian's `dataset-fashion-mnist` ships the real
Fashion-MNIST archives) and read where it is, never copied into the Keras cache; and
the page runs in its own working directory, so that the files it writes (saved models,
its results table) never land in the repository.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, chdir, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from tp_cnn.reading.segments import Page
from tp_cnn.running.modes import MODES, shortened
from tp_cnn.running.workload import DataUnavailable, StandInWarning, Workload

__all__ = ["DataUnavailable", "StandInWarning", "MODES"]

# Width of the text that Keras' `summary()` prints, so that the outputs shown on the
# pages do not depend on the terminal.
SUMMARY_COLUMNS = "80"

# Offline copies of files that Keras downloads, found by file name.
OFFLINE_MIRRORS = (Path("/usr/share/datasets/fashion-mnist"),)


@dataclass
class RunInfo:
    """What a run of a page uses, as it goes: recorded with every figure it draws."""

    mode: str
    dataset: str = "real"  # the dataset loaded last: "real" or "stand-in"
    weights: str = "real"  # "stand-in" once stand-in pretrained weights are used
    epochs: int | None = None  # epochs run by the last `fit`
    fit_seconds: float = 0.0  # time spent in `fit`, all calls together
    timings: list = field(default_factory=list)  # estimate mode: `estimate.Timing`s

    @property
    def data(self) -> str:
        """What the code runs on now: "stand-in" if its dataset or its weights are."""
        return "stand-in" if "stand-in" in (self.dataset, self.weights) else "real"

    @property
    def capped(self) -> bool:
        """Whether `fit` and `evaluate` are cut to a few samples now."""
        return shortened(self.mode, self.data)


def quiet_tensorflow() -> None:
    """Hide TensorFlow's C++ start-up logs (to be called before importing it)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def uses_keras(page: Page) -> bool:
    """Whether the page names Keras or TensorFlow (if not, its run does not import them)."""
    return any(re.search(r"keras|tensorflow", block.code) for block in page.blocks)


def device() -> str:
    """What the page's code runs on: the GPU's name, or « CPU »."""
    if "tensorflow" not in sys.modules:
        return "CPU"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")


def offline_copy(url: str) -> Path | None:
    """A local copy of the file behind `url`, if this machine has one."""
    name = url.rsplit("/", 1)[-1]
    return next((path for d in OFFLINE_MIRRORS if (path := d / name).is_file()), None)


@contextmanager
def prepared(
    mode: str = "fast", workdir: Path | None = None, with_keras: bool = True
) -> Iterator[RunInfo]:
    """Run a page's blocks inside this: fresh plots and Keras state, workload of the mode.

    The blocks run in `workdir` (a fresh temporary directory if none is given): pages
    that run one after the other in the same `workdir` share the files they write.
    With `with_keras=False` (a page that never names Keras nor TensorFlow), Keras is neither
    imported nor patched: its process starts in a second instead of five.
    """
    if mode not in MODES:
        raise ValueError(f"Mode inconnu : « {mode} ». Modes possibles : {', '.join(MODES)}.")
    quiet_tensorflow()
    if with_keras and "keras" not in sys.modules:
        with _silent_stderr():
            import keras  # noqa: F401 (imported once, silently)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    info = RunInfo(mode)
    plt.close("all")
    if with_keras:
        sys.modules["keras"].backend.clear_session()  # layer names restart at "conv2d"…
    with ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tp-cnn-")))
        stack.enter_context(chdir(workdir))
        stack.enter_context(mock.patch.dict(os.environ, {"COLUMNS": SUMMARY_COLUMNS}))
        if with_keras:
            workload = Workload(sys.modules["keras"], info, offline_copy)
            for target, new in workload.patches().items():
                stack.enter_context(mock.patch(target, new))
        try:
            yield info
        finally:
            plt.close("all")


@contextmanager
def _silent_stderr() -> Iterator[None]:
    """Hide what C++ libraries write to stderr (TensorFlow's start-up messages)."""
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
