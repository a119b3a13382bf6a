"""The harness on its own: caps of the fast mode, stand-ins announced, nothing downloaded,
nothing copied into the user's Keras cache."""

import os
from pathlib import Path

import numpy as np
import pytest

from tp_cnn import harness


def tiny_model(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def test_fast_mode_caps_samples_and_epochs():
    with harness.prepared("fast") as info:
        import keras

        model, seen = tiny_model(keras), []
        callback = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(1))
        x, y = np.zeros((1000, 4), "float32"), np.zeros(1000, "int64")
        history = model.fit(x, y, epochs=20, batch_size=32, callbacks=[callback])
        predicted = model.predict(x)
    assert len(seen) == harness.FAST_EPOCHS == len(history.history["loss"]) == info.epochs
    assert predicted.shape == (1000, 2)  # one forward pass: never cut
    assert info.fit_seconds > 0


def test_full_mode_runs_the_workload_as_written():
    with harness.prepared("full") as info:
        import keras

        model = tiny_model(keras)
        history = model.fit(np.zeros((40, 4)), np.zeros(40), epochs=3, verbose=0)
    assert len(history.history["loss"]) == info.epochs == 3


def test_fast_mode_downloads_nothing_and_announces_its_stand_ins(monkeypatch):
    import keras

    def no_network(*args, **kwargs):
        pytest.fail("le mode rapide a tenté un téléchargement")

    monkeypatch.setattr(keras.src.utils.file_utils, "urlretrieve", no_network)
    with harness.prepared("fast") as info:
        with pytest.warns(harness.StandInWarning, match="CIFAR-10"):
            (x, y), (x_test, _) = keras.datasets.cifar10.load_data()
    assert (x.shape, x.dtype, y.shape, x_test.shape) == ((50000, 32, 32, 3), "uint8", (50000, 1),
                                                         (10000, 32, 32, 3))  # fmt: skip
    assert info.data == "stand-in"


@pytest.mark.skipif(
    harness.offline_copy("https://x/train-images-idx3-ubyte.gz") is None,
    reason="pas de copie locale de Fashion-MNIST (paquet Debian dataset-fashion-mnist absent)",
)
def test_real_fashion_mnist_is_read_in_place_not_copied(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    import keras

    with harness.prepared("fast") as info:
        (x, _), _ = keras.datasets.fashion_mnist.load_data()
    assert x.shape == (60000, 28, 28) and info.data == "real"
    assert not [p for p in Path(tmp_path).rglob("*") if p.is_file()]
    assert not list(Path(os.environ["HOME"]).rglob("*-ubyte.gz"))
