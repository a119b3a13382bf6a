"""Where the workload of a page is set: the environment in which its blocks run.

Two modes run the page's code unchanged:

- "full": the page as written (real data, downloaded or read from the Keras cache,
  every epoch, GPU if any). A download that fails stops the page with a French message.
- "fast": the same code, for the tests and quick previews on a CPU. Nothing is
  downloaded: data and weights come from the Keras cache (`$KERAS_HOME`, `~/.keras` by
  default) when they are there, otherwise from stand-ins of the same shapes and dtypes,
  announced by a `StandInWarning`. `fit`, `evaluate` and `predict` see at most
  `FAST_SAMPLES` samples, and `fit` at most `FAST_EPOCHS` epochs.

In both modes a file that Keras would download is first looked for in the offline
copies of `OFFLINE_MIRRORS` (Debian's `dataset-fashion-mnist` ships the real
Fashion-MNIST archives) and read where it is, never copied into the Keras cache; and
the page runs in its own working directory, so that the files it writes (saved models,
its results table) never land in the repository. In full mode, when the output is not
a terminal (a build runner's log), `fit` prints one line per epoch (`verbose=2`).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, chdir, contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import numpy as np

from .standins import stand_in_cifar10, stand_in_fashion_mnist

MODES = ("fast", "full")
FAST_SAMPLES = 128
FAST_EPOCHS = 2

# Width of the text that Keras' `summary()` prints, so that the outputs shown on the
# pages do not depend on the terminal.
SUMMARY_COLUMNS = "80"

# Offline copies of files that Keras downloads, found by file name.
OFFLINE_MIRRORS = (Path("/usr/share/datasets/fashion-mnist"),)


class StandInWarning(UserWarning):
    """Stand-in data or weights are used in place of real ones."""


class DataUnavailable(Exception):
    """Real data or weights cannot be had (no network and not in the Keras cache)."""


@dataclass
class RunInfo:
    """What a run of a page uses, as it goes: recorded with every figure it draws."""

    mode: str
    data: str = "real"  # "stand-in" once a stand-in dataset or weight is used
    epochs: int | None = None  # epochs run by the last `fit`
    fit_seconds: float = 0.0  # time spent in `fit`, all calls together


def quiet_tensorflow() -> None:
    """Hide TensorFlow's C++ start-up logs (to be called before importing it)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


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
            for target, new in _Workload(sys.modules["keras"], info).patches().items():
                stack.enter_context(mock.patch(target, new))
        try:
            yield info
        finally:
            plt.close("all")


class _Workload:
    """The replacements of Keras' loaders and of `fit`/`evaluate`/`predict` for one run."""

    def __init__(self, keras, info: RunInfo):
        self.keras, self.info, self.fast = keras, info, info.mode == "fast"
        self.download = keras.src.utils.file_utils.urlretrieve
        self.get_file = keras.src.utils.file_utils.get_file
        model = keras.Model
        self.originals = {"fit": model.fit, "evaluate": model.evaluate, "predict": model.predict}

    def patches(self) -> dict:
        datasets, vgg16 = self.keras.datasets, self.keras.applications.VGG16

        def no_weights(*args, **kwargs):
            return vgg16(*args, **{**kwargs, "weights": None})

        loaders = [
            (datasets.cifar10.load_data, stand_in_cifar10, "CIFAR-10"),
            (datasets.fashion_mnist.load_data, stand_in_fashion_mnist, "Fashion-MNIST"),
            (vgg16, no_weights, "poids ImageNet de VGG16"),
        ]
        patches = {"keras.src.utils.file_utils.urlretrieve": self.fetch}
        patches.update(_everywhere(self.get_file, self.local_first))
        for load, stand_in, what in loaders:
            patches.update(_everywhere(load, self.real_or_stand_in(load, stand_in, what)))
        for name in self.originals:
            patches[f"keras.Model.{name}"] = _method(getattr(self, name))
        return patches

    def fetch(self, url, filename, *args, **kwargs):
        if self.fast:
            raise DataUnavailable(url)
        try:
            return self.download(url, filename, *args, **kwargs)
        except Exception as error:
            raise DataUnavailable(
                f"Téléchargement impossible de {url} ({error}). Sans réseau, remplissez le "
                "cache de Keras (dossier datasets/ ou models/ de $KERAS_HOME, ~/.keras par "
                'défaut) ou lancez le mode rapide : make figures ARGS="--mode fast".'
            ) from error

    def local_first(self, *args, **kwargs):
        """A file that this machine has a copy of is read where it is, not copied."""
        origin = kwargs.get("origin") or (args[1] if len(args) > 1 else "")
        archive = kwargs.get("extract") or kwargs.get("untar")
        if not archive and (copy := offline_copy(origin)):
            return str(copy)
        return self.get_file(*args, **kwargs)

    def real_or_stand_in(self, load, stand_in, what):
        @functools.wraps(load)
        def wrapper(*args, **kwargs):
            try:
                return load(*args, **kwargs)
            except DataUnavailable:
                if not self.fast:
                    raise
            self.info.data = "stand-in"
            warnings.warn(
                f"Pas de {what} dans le cache de Keras, et pas de téléchargement en mode "
                "rapide : données de substitution de mêmes formes et types, sans valeur réelle.",
                StandInWarning,
                stacklevel=2,
            )
            return stand_in(*args, **kwargs)

        return wrapper

    def fit(self, model, x=None, y=None, *args, epochs=1, validation_data=None, **kwargs):
        if self.fast:
            x, y = _head(x), _head(y)
            epochs = min(epochs, FAST_EPOCHS)
            if validation_data is not None:
                validation_data = tuple(_head(part) for part in validation_data)
            kwargs["verbose"] = 0
        elif not sys.stdout.isatty():
            kwargs["verbose"] = 2  # one line per epoch in a log, not a redrawn bar
        self.info.epochs = epochs
        start = time.perf_counter()
        try:
            fit = self.originals["fit"]
            return fit(model, x, y, *args, epochs=epochs, validation_data=validation_data, **kwargs)
        finally:
            self.info.fit_seconds += time.perf_counter() - start

    def evaluate(self, model, x=None, y=None, *args, **kwargs):
        if self.fast:
            x, y, kwargs["verbose"] = _head(x), _head(y), 0
        return self.originals["evaluate"](model, x, y, *args, **kwargs)

    def predict(self, model, x, *args, **kwargs):
        if self.fast:
            x, kwargs["verbose"] = _head(x), 0
        return self.originals["predict"](model, x, *args, **kwargs)


def _method(bound):
    """A plain function (so that `model.fit(...)` passes the model) calling `bound`."""

    @functools.wraps(bound)
    def method(model, *args, **kwargs):
        return bound(model, *args, **kwargs)

    return method


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


def _everywhere(original, new) -> dict:
    """Patch targets for every Keras module that exposes `original`.

    `keras.applications.VGG16`, `tf.keras.applications.VGG16` and the module that defines
    it are three names of one function: a page may use any of them.
    """
    for name in ("keras._tf_keras.keras.applications", "keras._tf_keras.keras.datasets"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    return {
        f"{module}.{original.__name__}": new
        for module, value in list(sys.modules.items())
        if module.startswith("keras") and getattr(value, original.__name__, None) is original
    }


def _head(data):
    return data[:FAST_SAMPLES] if isinstance(data, np.ndarray) else data
