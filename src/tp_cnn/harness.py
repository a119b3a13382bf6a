"""Where the workload of a page is set: the environment in which its blocks run.

Two modes share the page's code unchanged:
- "full": the page as written (real data, every epoch, GPU if any);
- "fast": the same code, for tests and quick previews on a CPU. Stand-ins for data
  that cannot be had offline plug in here, and mark the run as such.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MODES = ("fast", "full")

# Width of the text that Keras' `summary()` prints, so that the outputs shown on the
# pages do not depend on the terminal.
SUMMARY_COLUMNS = "80"


@dataclass
class RunInfo:
    """What a run of a page used: recorded with every figure it draws."""

    mode: str
    data: str = "réelles"  # "substituts" once a stand-in dataset or weight is used
    epochs: int | None = None


def quiet_tensorflow() -> None:
    """Hide TensorFlow's C++ start-up logs (to be called before importing it)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@contextmanager
def prepared(mode: str = "fast") -> Iterator[RunInfo]:
    """Run a page's blocks inside this: fresh plots and Keras state, fixed width."""
    if mode not in MODES:
        raise ValueError(f"Mode inconnu : « {mode} ». Modes possibles : {', '.join(MODES)}.")
    quiet_tensorflow()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    previous_columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = SUMMARY_COLUMNS
    plt.close("all")
    if "keras" in sys.modules:  # layer names restart at "conv2d", "sequential", ...
        sys.modules["keras"].backend.clear_session()
    try:
        yield RunInfo(mode)
    finally:
        plt.close("all")
        if previous_columns is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = previous_columns
