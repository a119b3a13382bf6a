"""The harness on its own: caps of the fast mode, stand-ins announced, nothing downloaded,
nothing copied into the user's Keras cache."""

import os
from pathlib import Path

import numpy as np
import pytest

from tp_cnn.running import harness, workload


def tiny_model(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def test_fast_mode_caps_samples_and_epochs():
    with harness.prepared("fast") as info:
        import keras

        model, seen = tiny_model(keras), []
        callback = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(1))
        x = np.random.default_rng(0).normal(size=(1000, 4)).astype("float32")
        y = np.zeros(1000, "int64")
        history = model.fit(x, y, epochs=20, batch_size=32, callbacks=[callback])
        predicted, whole = model.predict(x), model(x).numpy()
    assert len(seen) == workload.FAST_EPOCHS == len(history.history["loss"]) == info.epochs
    np.testing.assert_allclose(predicted, whole, rtol=1e-5)  # one forward pass: never cut
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


def test_mixed_mode_runs_real_data_in_full_and_cuts_what_runs_on_stand_ins(monkeypatch):
    import keras

    monkeypatch.setattr(keras.src.utils.file_utils, "urlretrieve", no_download)
    x, y = np.zeros((1000, 4), "float32"), np.zeros(1000, "int64")
    with harness.prepared("mixed") as info:
        model = tiny_model(keras)
        assert len(model.fit(x, y, epochs=3, verbose=0).history["loss"]) == 3
        assert info.data == "real" and info.epochs == 3
        with pytest.warns(harness.StandInWarning, match="CIFAR-10"):
            keras.datasets.cifar10.load_data()
        history = model.fit(x, y, epochs=20, verbose=0)
    assert len(history.history["loss"]) == workload.FAST_EPOCHS == info.epochs
    assert info.data == "stand-in"


def no_download(*args, **kwargs):
    pytest.fail("un téléchargement a été tenté hors du mode complet")


@pytest.mark.skipif(
    harness.offline_copy("https://x/train-images-idx3-ubyte.gz") is None,
    reason="pas de copie locale de Fashion-MNIST (paquet Debian dataset-fashion-mnist absent)",
)
def test_the_data_behind_a_fit_is_the_dataset_loaded_last(monkeypatch):
    import keras

    monkeypatch.setattr(keras.src.utils.file_utils, "urlretrieve", no_download)
    with harness.prepared("mixed") as info:
        with pytest.warns(harness.StandInWarning):
            keras.datasets.cifar10.load_data()
        assert info.data == "stand-in" and info.capped
        keras.datasets.fashion_mnist.load_data()
        assert info.data == "real" and not info.capped


def test_estimate_mode_times_a_few_steps_and_estimates_the_whole_call():
    import keras

    x, y = np.zeros((3200, 4), "float32"), np.zeros(3200, "int64")
    with harness.prepared("estimate") as info:
        model = tiny_model(keras)
        history = model.fit(x, y, epochs=10, batch_size=32, validation_data=(x[:640], y[:640]))
        model.evaluate(x, y, batch_size=64)
        predicted = model.predict(x[:300])  # more than the few batches timed
    fit, evaluate, predict = info.timings
    assert (fit.call, fit.batch_size, fit.epochs, fit.steps) == ("fit", 32, 10, 10 * (100 + 20))
    assert len(history.history["loss"]) == 1  # a few steps, not the 10 epochs
    assert (evaluate.call, evaluate.batch_size, evaluate.steps) == ("evaluate", 64, 50)
    assert (predict.call, predict.steps, len(predicted)) == ("predict", 10, 300)  # whole
    for timing in info.timings:
        assert 0 < timing.step_seconds and timing.first_seconds <= timing.seconds
    assert fit.seconds >= fit.first_seconds + 1000 * fit.step_seconds


def test_the_pages_tests_predict_on_the_head_with_the_shape_of_the_whole():
    """In `make test` only (tp_cnn.pytest_plugin, around each page's run), `predict` sees
    `TEST_SAMPLES` inputs; each output keeps the length of the input, its rows repeated."""
    from tp_cnn.running.make_test import TEST_SAMPLES, on_the_head

    seen = []

    def predict(self, model, x, *args, **kwargs):  # a model with two outputs
        seen.append(len(x))
        return [2 * x[:, :2], x[:, :1]]

    capped, whole = (type("W", (), {"info": type("I", (), {"capped": c})()})() for c in (1, 0))
    x = np.arange(400.0).reshape(100, 4)
    two, one = on_the_head(predict)(capped, None, x)
    assert seen == [TEST_SAMPLES] and two.shape == (100, 2) and one.shape == (100, 1)
    np.testing.assert_array_equal(two[TEST_SAMPLES:2 * TEST_SAMPLES], 2 * x[:TEST_SAMPLES, :2])
    on_the_head(predict)(whole, None, x)  # a run that is not capped: every input
    on_the_head(predict)(capped, None, x[:TEST_SAMPLES])  # no more than the head: as is
    assert seen[1:] == [100, TEST_SAMPLES]
