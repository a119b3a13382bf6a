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
Fashion-MNIST archives), and the page runs in its own working directory, so that the
files it writes (saved models, its results table) never land in the repository.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import shutil
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
    data: str = "réelles"  # "substituts" once a stand-in dataset or weight is used
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
def prepared(mode: str = "fast", workdir: Path | None = None) -> Iterator[RunInfo]:
    """Run a page's blocks inside this: fresh plots and Keras state, workload of the mode.

    The blocks run in `workdir` (a fresh temporary directory if none is given): pages
    that run one after the other in the same `workdir` share the files they write.
    """
    if mode not in MODES:
        raise ValueError(f"Mode inconnu : « {mode} ». Modes possibles : {', '.join(MODES)}.")
    quiet_tensorflow()
    import keras
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    info = RunInfo(mode)
    plt.close("all")
    keras.backend.clear_session()  # layer names restart at "conv2d", "sequential", ...
    with ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tp-cnn-")))
        stack.enter_context(chdir(workdir))
        stack.enter_context(mock.patch.dict(os.environ, {"COLUMNS": SUMMARY_COLUMNS}))
        for target, new in _patches(keras, info).items():
            stack.enter_context(mock.patch(target, new))
        try:
            yield info
        finally:
            plt.close("all")


def _patches(keras, info: RunInfo) -> dict:
    download = keras.src.utils.file_utils.urlretrieve
    fit, evaluate, predict = keras.Model.fit, keras.Model.evaluate, keras.Model.predict
    vgg16 = keras.applications.VGG16
    fast = info.mode == "fast"

    def fetch(url, filename, *args, **kwargs):
        if copy := offline_copy(url):
            shutil.copyfile(copy, filename)
            return filename, None
        if fast:
            raise DataUnavailable(url)
        try:
            return download(url, filename, *args, **kwargs)
        except Exception as error:
            raise DataUnavailable(
                f"Téléchargement impossible de {url} ({error}). Sans réseau, remplissez le "
                "cache de Keras (dossier datasets/ ou models/ de $KERAS_HOME, ~/.keras par "
                'défaut) ou lancez le mode rapide : make figures ARGS="--mode fast".'
            ) from error

    def real_or_stand_in(load, stand_in, what):
        @functools.wraps(load)
        def wrapper(*args, **kwargs):
            try:
                return load(*args, **kwargs)
            except DataUnavailable:
                if not fast:
                    raise
            info.data = "substituts"
            warnings.warn(
                f"Pas de {what} dans le cache de Keras, et pas de téléchargement en mode "
                "rapide : données de substitution de mêmes formes et types, sans valeur réelle.",
                StandInWarning,
                stacklevel=2,
            )
            return stand_in(*args, **kwargs)

        return wrapper

    def capped_fit(model, x=None, y=None, *args, epochs=1, validation_data=None, **kwargs):
        if fast:
            x, y = _head(x), _head(y)
            epochs = min(epochs, FAST_EPOCHS)
            if validation_data is not None:
                validation_data = tuple(_head(part) for part in validation_data)
            kwargs["verbose"] = 0
        info.epochs = epochs
        start = time.perf_counter()
        try:
            return fit(model, x, y, *args, epochs=epochs, validation_data=validation_data, **kwargs)
        finally:
            info.fit_seconds += time.perf_counter() - start

    def capped_evaluate(model, x=None, y=None, *args, **kwargs):
        if fast:
            x, y, kwargs["verbose"] = _head(x), _head(y), 0
        return evaluate(model, x, y, *args, **kwargs)

    def capped_predict(model, x, *args, **kwargs):
        if fast:
            x, kwargs["verbose"] = _head(x), 0
        return predict(model, x, *args, **kwargs)

    def vgg16_without_weights(*args, **kwargs):
        return vgg16(*args, **{**kwargs, "weights": None})

    cifar10, fashion_mnist = keras.datasets.cifar10, keras.datasets.fashion_mnist
    return {
        "keras.src.utils.file_utils.urlretrieve": fetch,
        **_everywhere(
            cifar10.load_data, real_or_stand_in(cifar10.load_data, stand_in_cifar10, "CIFAR-10")
        ),
        **_everywhere(
            fashion_mnist.load_data,
            real_or_stand_in(fashion_mnist.load_data, stand_in_fashion_mnist, "Fashion-MNIST"),
        ),
        **_everywhere(
            vgg16,
            real_or_stand_in(vgg16, vgg16_without_weights, "poids ImageNet de VGG16"),
        ),
        "keras.Model.fit": capped_fit,
        "keras.Model.evaluate": capped_evaluate,
        "keras.Model.predict": capped_predict,
    }


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


def _images(count: int, shape: tuple, labels: np.ndarray, seed: int) -> np.ndarray:
    """uint8 images whose class shows in their coarse pattern: a CNN can learn them."""
    rng = np.random.default_rng(seed)
    height, width, channels = shape
    coarse = rng.uniform(0, 255, size=(10, 4, 4, channels)).astype(np.float32)
    templates = coarse.repeat(height // 4 + 1, axis=1).repeat(width // 4 + 1, axis=2)
    noise = rng.integers(0, 256, size=(count, height, width, channels), dtype=np.uint8)
    images = 0.7 * templates[labels, :height, :width] + np.float32(0.3) * noise
    return images.astype(np.uint8).reshape((count, *shape))


def _labels(count: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).permutation(np.arange(count) % 10).astype(np.uint8)


def _built_once(make):
    """Build a stand-in once per process; each call gets its own copy (pages modify it)."""
    cached = functools.cache(make)

    @functools.wraps(make)
    def fresh():
        return tuple(tuple(array.copy() for array in part) for part in cached())

    return fresh


@_built_once
def stand_in_cifar10():
    """Same shapes and dtypes as `cifar10.load_data()`: uint8 (N, 32, 32, 3), (N, 1)."""
    y_train, y_test = _labels(50000, 1), _labels(10000, 2)
    return (
        (_images(50000, (32, 32, 3), y_train, 3), y_train.reshape(-1, 1)),
        (_images(10000, (32, 32, 3), y_test, 4), y_test.reshape(-1, 1)),
    )


@_built_once
def stand_in_fashion_mnist():
    """Same shapes and dtypes as `fashion_mnist.load_data()`: uint8 (N, 28, 28), (N,)."""
    y_train, y_test = _labels(60000, 5), _labels(10000, 6)
    return (
        (_images(60000, (28, 28, 1), y_train, 7)[..., 0], y_train),
        (_images(10000, (28, 28, 1), y_test, 8)[..., 0], y_test),
    )
