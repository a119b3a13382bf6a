"""The replacements that set a page's workload: Keras' loaders, `fit`, `evaluate`, `predict`.

`Workload(keras, info).patches()` maps patch targets to replacements (applied by
`harness.prepared`):

- files that Keras downloads are read from an offline copy when this machine has one
  (`harness.offline_copy`), never copied into the Keras cache;
- in full mode a download that fails stops the page (`DataUnavailable`, in French); in the
  other modes nothing is downloaded and a missing dataset or weight file is replaced by a
  stand-in of the same shapes and dtypes, announced by a `StandInWarning`;
- `info.dataset` follows the dataset loaded last, `info.weights` the pretrained weights:
  the data behind a `fit` is what was loaded before it (`RunInfo.data`);
- when `info.capped` (fast mode, or mixed mode on stand-in data), `fit` and `evaluate`
  see at most `FAST_SAMPLES` samples and `fit` at most `FAST_EPOCHS` epochs (`predict`,
  one forward pass, sees everything: a page compares its predictions with its labels);
  in estimate mode they only time their first steps (`timing`); otherwise the page's
  workload runs as written.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import sys
import time
import warnings

import numpy as np

from tp_cnn.running import timing
from tp_cnn.running.standins import stand_in_cifar10, stand_in_fashion_mnist

FAST_SAMPLES = 128
FAST_EPOCHS = 2


class StandInWarning(UserWarning):
    """Stand-in data or weights are used in place of real ones."""


class DataUnavailable(Exception):
    """Real data or weights cannot be had (no network and not in the Keras cache)."""


class Workload:
    """The replacements of Keras' loaders and of `fit`/`evaluate`/`predict` for one run."""

    def __init__(self, keras, info, offline_copy):
        self.keras, self.info, self.offline_copy = keras, info, offline_copy
        self.download = keras.src.utils.file_utils.urlretrieve
        self.get_file = keras.src.utils.file_utils.get_file
        model = keras.Model
        self.originals = {"fit": model.fit, "evaluate": model.evaluate, "predict": model.predict}

    def patches(self) -> dict:
        datasets, vgg16 = self.keras.datasets, self.keras.applications.VGG16

        def no_weights(*args, **kwargs):
            return vgg16(*args, **{**kwargs, "weights": None})

        loaders = [
            (datasets.cifar10.load_data, stand_in_cifar10, "CIFAR-10", "dataset"),
            (datasets.fashion_mnist.load_data, stand_in_fashion_mnist, "Fashion-MNIST", "dataset"),
            (vgg16, no_weights, "poids ImageNet de VGG16", "weights"),
        ]
        patches = {"keras.src.utils.file_utils.urlretrieve": self.fetch}
        patches.update(_everywhere(self.get_file, self.local_first))
        for load, stand_in, what, kind in loaders:
            patches.update(_everywhere(load, self.real_or_stand_in(load, stand_in, what, kind)))
        for name in self.originals:
            patches[f"keras.Model.{name}"] = _method(getattr(self, name))
        return patches

    def fetch(self, url, filename, *args, **kwargs):
        if self.info.mode != "full":
            raise DataUnavailable(url)
        try:
            return self.download(url, filename, *args, **kwargs)
        except Exception as error:
            raise DataUnavailable(
                f"Téléchargement impossible de {url} ({error}). Sans réseau, remplissez le "
                "cache de Keras (dossier datasets/ ou models/ de $KERAS_HOME, ~/.keras par "
                'défaut) ou lancez le mode mixte : make figures ARGS="--mode mixed".'
            ) from error

    def local_first(self, *args, **kwargs):
        """A file that this machine has a copy of is read where it is, not copied."""
        origin = kwargs.get("origin") or (args[1] if len(args) > 1 else "")
        archive = kwargs.get("extract") or kwargs.get("untar")
        if not archive and (copy := self.offline_copy(origin)):
            return str(copy)
        return self.get_file(*args, **kwargs)

    def real_or_stand_in(self, load, stand_in, what, kind):
        @functools.wraps(load)
        def wrapper(*args, **kwargs):
            try:
                loaded = load(*args, **kwargs)
            except DataUnavailable:
                if self.info.mode == "full":
                    raise
            else:
                setattr(self.info, kind, "real")
                return loaded
            setattr(self.info, kind, "stand-in")
            warnings.warn(
                f"Pas de {what} sur cette machine (ni dans le cache de Keras, ni en copie "
                "locale), et pas de téléchargement dans ce mode : données de substitution de "
                "mêmes formes et types, sans valeur réelle.",
                StandInWarning,
                stacklevel=2,
            )
            return stand_in(*args, **kwargs)

        return wrapper

    def fit(self, model, x=None, y=None, *args, epochs=1, validation_data=None, **kwargs):
        if self.info.mode == "estimate":
            return timing.fit(self.originals["fit"], self.keras, self.info, model, x, y,
                                *args, epochs=epochs, validation_data=validation_data,
                                **kwargs)  # fmt: skip
        if self.info.capped:
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
        if self.info.mode == "estimate":
            original = self.originals["evaluate"]
            return timing.evaluate(original, self.keras, self.info, model, x, y, *args, **kwargs)
        if self.info.capped:
            x, y, kwargs["verbose"] = _head(x), _head(y), 0
        return self.originals["evaluate"](model, x, y, *args, **kwargs)

    def predict(self, model, x, *args, **kwargs):
        if self.info.mode == "estimate":
            original = self.originals["predict"]
            return timing.predict(original, self.keras, self.info, model, x, *args, **kwargs)
        if self.info.capped:
            kwargs["verbose"] = 0
        return self.originals["predict"](model, x, *args, **kwargs)


def _method(bound):
    """A plain function (so that `model.fit(...)` passes the model) calling `bound`."""

    @functools.wraps(bound)
    def method(model, *args, **kwargs):
        return bound(model, *args, **kwargs)

    return method


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
