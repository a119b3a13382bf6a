"""What the pages load that a full run needs here: datasets and pretrained weights.

A full run downloads what Keras' cache lacks; on a machine without network it would
stop at the first download, maybe after half an hour of training. The figure script
checks first (`missing`): each page's code is scanned for the loaders it calls
(`NEEDS`), and each is looked for in Keras' cache ($KERAS_HOME, ~/.keras by default), in
this machine's offline copies (`running.harness.OFFLINE_MIRRORS`), then on the network
(a connection to its host, a few seconds at most). Standard library at import.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from tp_cnn.figures import manifest
from tp_cnn.reading.segments import Page


@dataclass(frozen=True)
class Need:
    what: str  # French, as messages name it
    call: str  # a regular expression over the page's code
    url: str  # one file Keras downloads for it
    cached: tuple[str, ...]  # where Keras keeps it, relative to its cache folder


NEEDS = (
    Need("CIFAR-10", r"cifar10\.load_data\(",
         "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
         ("datasets/cifar-10-batches-py-target", "datasets/cifar-10-batches-py")),
    Need("Fashion-MNIST", r"fashion_mnist\.load_data\(",
         "https://storage.googleapis.com/tensorflow/tf-keras-datasets/train-images-idx3-ubyte.gz",
         ("datasets/fashion-mnist/train-images-idx3-ubyte.gz",)),
    Need("les poids ImageNet de VGG16", r"VGG16\([^)]*weights=[\"']imagenet[\"']",
         "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"
         "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
         ("models/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",)),
)  # fmt: skip


def needed(page: Page) -> list[Need]:
    code = "\n".join(block.code for block in page.blocks if not block.mark("skip"))
    return [need for need in NEEDS if re.search(need.call, code)]


def keras_cache() -> Path:
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")


def on_this_machine(need: Need) -> bool:
    from tp_cnn.running.harness import offline_copy

    cache = keras_cache()
    return any((cache / path).exists() for path in need.cached) or bool(offline_copy(need.url))


def reachable(url: str, timeout: float = 3.0) -> bool:
    """Whether the host of `url` answers on its port (no file is downloaded)."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 443), timeout=timeout):
            return True
    except OSError:
        return False


def missing(pages: list[Page]) -> dict[str, list[str]]:
    """Page → what it loads that this machine has not and cannot download."""
    found: dict[str, list[str]] = {}
    hosts: dict[str, bool] = {}
    for page in pages:
        for need in needed(page):
            if on_this_machine(need):
                continue
            host = urlparse(need.url).hostname
            if host not in hosts:
                hosts[host] = reachable(need.url)
            if not hosts[host]:
                found.setdefault(page.name, []).append(need.what)
    return found


def refusal(found: dict[str, list[str]]) -> str:
    """The French message of a full run that cannot run here."""
    lines = [f"  {page} : {', '.join(whats)}" for page, whats in found.items()]
    return (
        "Le mode complet ne peut pas tourner ici : ces pages chargent des données absentes "
        "de cette machine (ni dans le cache de Keras, ni en copie locale) et le réseau ne "
        "répond pas :\n" + "\n".join(lines) + "\nRien n'a été exécuté. Le mode mixte prend "
        "les vraies données présentes et des substituts annoncés ailleurs : "
        'make figures ARGS="--mode mixed" ; ou remplissez le cache de Keras '
        f"({keras_cache()}) et relancez."
    )


def check(pages: list[Page], args, current: manifest.Manifest) -> str | None:
    """Before a full run (or an estimate): the French message about what the pages that
    would run (`--force`: all) need and this machine cannot have, or None."""
    from tp_cnn.figures import key

    if args.mode != "full" and not args.estimate:
        return None
    to_run = [page for page in pages if args.estimate or args.force
              or not key.is_current(page, args.mode, current, args.docs)]  # fmt: skip
    if not (found := missing(to_run)):
        return None
    if args.estimate:
        listed = " ; ".join(f"{page} ({', '.join(whats)})" for page, whats in found.items())
        return f"En mode complet, il manquerait ici : {listed}"
    return f"Erreur : {refusal(found)}"
