"""Offline stand-ins: data of the same shapes and dtypes as the real datasets.

Used by the harness in fast mode when the real data cannot be had (no network and not in
the Keras cache). Their values mean nothing: a figure or a number drawn from them is
never a result, and says so. Each is built once per process (a page may modify its copy).
"""

from __future__ import annotations

import functools

import numpy as np


def _images(count: int, shape: tuple, labels: np.ndarray, seed: int) -> np.ndarray:
    """uint8 images whose class shows in their coarse pattern: a CNN can learn them."""
    rng = np.random.default_rng(seed)
    height, width, channels = shape
    coarse = rng.uniform(0, 255, size=(10, 4, 4, channels)).astype(np.float32)
    templates = coarse.repeat(height // 4 + 1, axis=1).repeat(width // 4 + 1, axis=2)
    templates = (0.7 * templates[:, :height, :width]).astype(np.uint8)
    images = rng.integers(0, 77, size=(count, height, width, channels), dtype=np.uint8)
    images += templates[labels]  # 0.7 * template + 0.3 * noise, in place (memory)
    return images.reshape((count, *shape))


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
