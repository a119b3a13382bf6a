"""Make every Python block of every page of docs/ a pytest test.

One test per block ("docs/<page>.md::ligne N"), run in page order in one namespace per
page, as in a notebook, in the harness's fast mode cut further (`running.make_test`: the
tests write no figure); one per exercise's check, run after its solution
("…::vérification ligne N", `running.checks`). A block after a failed one is skipped,
with the reason. Pages run in reading order (the site's navigation), all in one
temporary working directory, as a student running them one after the other would; with
`pytest -n` (pytest-xdist), all of them in one process.

Each block has a time limit (ini option `tp_cnn_block_timeout`, in seconds: 600 by
default, 0 for none): a block that runs longer fails, naming its page and line, and the
page's next blocks are skipped as after any failure.

The tests write nothing outside their temporary folders: `HOME` and `KERAS_HOME` point
to a fresh folder (Jupyter kernels started by the tests inherit them), so that the user's
Keras cache is neither read nor filled.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tp_cnn.paths import DOCS
from tp_cnn.reading.navigation import read_nav, reading_order
from tp_cnn.reading.pages import PageError, load_page
from tp_cnn.running import checks, harness, make_test, workload
from tp_cnn.running.executor import PageRun, describe_failure

WORKDIR = pytest.StashKey[Path]()
HOME = pytest.StashKey[Path]()
BLOCK_TIMEOUT = "tp_cnn_block_timeout"


class BlockTimeout(BaseException):  # not an Exception: the page's `except Exception` lets it by
    """A block ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float, message: str) -> Iterator[None]:
    """Raise `BlockTimeout(message)` in the block if it lasts more than `seconds` (0: no
    limit). SIGALRM: only in the main thread (elsewhere, no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise BlockTimeout(message)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def block_timeout(config) -> float:
    value = config.getini(BLOCK_TIMEOUT)
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1
    if not math.isfinite(seconds) or seconds < 0:
        raise pytest.UsageError(
            f"{BLOCK_TIMEOUT} = « {value} » : un nombre de secondes positif est attendu "
            "(0 : sans limite). Corrigez-le dans pyproject.toml ([tool.pytest.ini_options])."
        )
    return seconds


def pytest_addoption(parser):
    parser.addini(BLOCK_TIMEOUT, "secondes au plus par bloc de code des pages (0 : sans limite)",
                  default="600")  # fmt: skip


def pytest_configure(config):
    block_timeout(config)  # refused at once if it is not a number
    make_test.cut_further()  # the tests write no figure
    home = config.stash[HOME] = Path(tempfile.mkdtemp(prefix="tp-cnn-home-"))
    os.environ.update({"HOME": str(home), "KERAS_HOME": str(home / ".keras")})
    harness.quiet_tensorflow()
    config.addinivalue_line(
        "markers", "real_data_output: the output shown depends on the real data (see executor)"
    )
    config.stash[WORKDIR] = Path(tempfile.mkdtemp(prefix="tp-cnn-pages-"))


def pytest_unconfigure(config):
    shutil.rmtree(config.stash.get(WORKDIR, ""), ignore_errors=True)
    shutil.rmtree(config.stash.get(HOME, ""), ignore_errors=True)


def pytest_collection_modifyitems(items):
    """The pages' blocks (and checks) in reading order, where the blocks were (stable: a
    page's blocks keep their order)."""
    slots = [i for i, item in enumerate(items) if isinstance(item, (CodeBlockItem, CheckItem))]
    nav = read_nav()

    def order(item):
        path = item.path.relative_to(DOCS) if item.path.is_relative_to(DOCS) else item.path.name
        return reading_order(path, nav)

    blocks = sorted((items[i] for i in slots), key=order)
    for i, block in zip(slots, blocks, strict=True):
        items[i] = block


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist
def pytest_xdist_make_scheduler(config, log):
    """`pytest -n`: a test file runs whole in one process, and so do all the pages, one
    after the other (a page's blocks share one namespace), whatever `--dist` asks but
    `each` (pyproject.toml asks `loadfile`)."""
    if config.getoption("dist") == "each":
        return None
    from xdist.scheduler import LoadFileScheduling

    class PagesTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = super()._split_scope(nodeid)
            return "pages" if file.endswith(".md") else file

    return PagesTogether(config, log)


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".md" and file_path.parent == DOCS:
        return CoursePage.from_parent(parent, path=file_path)


class CoursePage(pytest.File):
    def collect(self):
        try:
            self.page = load_page(self.path)
        except PageError as error:
            raise self.CollectError(str(error)) from error
        last = {}  # the last block of each check's solution → the check, run after it
        for check in self.page.checks:
            inside = [b for b in self.page.blocks if check.solution in b.within]
            last[inside[-1].lineno] = check
        for block in self.page.blocks:
            yield CodeBlockItem.from_parent(self, name=f"ligne {block.lineno}", block=block)
            if check := last.get(block.lineno):
                name = f"vérification ligne {check.code.lineno}"
                yield CheckItem.from_parent(self, name=name, check=check)

    def setup(self):
        self._predict = workload.Workload.predict
        workload.Workload.predict = make_test.on_the_head(self._predict)  # the pages' runs only
        self._environment = harness.prepared(
            "fast", self.config.stash[WORKDIR], with_keras=harness.uses_keras(self.page)
        )  # as the figure script runs it: a page without Keras does not import it
        self.run = PageRun(self.page, self._environment.__enter__())

    def teardown(self):
        self._environment.__exit__(None, None, None)
        workload.Workload.predict = self._predict


class CodeBlockItem(pytest.Item):
    def __init__(self, *, block, **kwargs):
        super().__init__(**kwargs)
        self.block = block

    def runtest(self):
        run = self.parent.run
        if run.failed is not None:
            pytest.skip(f"non exécuté : le bloc de la ligne {run.failed.lineno} a échoué avant lui")
        seconds = block_timeout(self.config)
        message = (f"{self.parent.page.label}, bloc de la ligne {self.block.lineno} : plus de "
                   f"{seconds:g} s : ce bloc a dépassé la limite de make test. Réduisez son "
                   f"calcul en mode rapide, ou changez {BLOCK_TIMEOUT} dans pyproject.toml "
                   "(0 : sans limite).")  # fmt: skip
        with time_limit(seconds, message):
            result = run.run_block(self.block)
        if result.skipped:
            pytest.skip(result.skipped)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, BlockTimeout):
            return str(excinfo.value)
        return describe_failure(self.parent.page, excinfo.value)

    def reportinfo(self):
        return self.path, self.block.lineno - 1, f"bloc de la ligne {self.block.lineno}"


class CheckItem(pytest.Item):
    """An exercise's check, proven on its solution and on its wrong answers (`checks`)."""

    def __init__(self, *, check, **kwargs):
        super().__init__(**kwargs)
        self.check = check

    def runtest(self):
        run = self.parent.run
        if run.failed is not None:
            pytest.skip(f"non exécuté : le bloc de la ligne {run.failed.lineno} a échoué avant lui")
        checks.prove(self.parent.page, self.check, run.namespace)

    def repr_failure(self, excinfo):
        return str(excinfo.value)

    def reportinfo(self):
        lineno = self.check.code.lineno
        return self.path, lineno - 1, f"vérification de la ligne {lineno}"
