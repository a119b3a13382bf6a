"""Make every Python block of every page of docs/ a pytest test.

One test per block ("docs/<page>.md::ligne N"), run in page order in one namespace per
page, as in a notebook, in the harness's fast mode. A block after a failed one is
skipped, with the reason. Pages run in reading order (the site's navigation), all in
one temporary working directory, as a student running them one after the other would;
with `pytest -n` (pytest-xdist), all of them in one process.

The tests write nothing outside their temporary folders: `HOME` and `KERAS_HOME` point
to a fresh folder (Jupyter kernels started by the tests inherit them), so that the user's
Keras cache is neither read nor filled.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tp_cnn.paths import DOCS
from tp_cnn.reading.navigation import read_nav, reading_order
from tp_cnn.reading.pages import PageError, load_page
from tp_cnn.running import harness
from tp_cnn.running.executor import PageRun, describe_failure

WORKDIR = pytest.StashKey[Path]()
HOME = pytest.StashKey[Path]()


def pytest_configure(config):
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
    """The pages' blocks in reading order, where the blocks were (stable: a page's blocks
    keep their order)."""
    slots = [i for i, item in enumerate(items) if isinstance(item, CodeBlockItem)]
    nav = read_nav()
    blocks = sorted(
        (items[i] for i in slots), key=lambda item: reading_order(item.path.relative_to(DOCS), nav)
    )
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
        for block in self.page.blocks:
            yield CodeBlockItem.from_parent(self, name=f"ligne {block.lineno}", block=block)

    def setup(self):
        self._environment = harness.prepared("fast", self.config.stash[WORKDIR])
        self.run = PageRun(self.page, self._environment.__enter__())

    def teardown(self):
        self._environment.__exit__(None, None, None)


class CodeBlockItem(pytest.Item):
    def __init__(self, *, block, **kwargs):
        super().__init__(**kwargs)
        self.block = block

    def runtest(self):
        run = self.parent.run
        if run.failed is not None:
            pytest.skip(f"non exécuté : le bloc de la ligne {run.failed.lineno} a échoué avant lui")
        result = run.run_block(self.block)
        if result.skipped:
            pytest.skip(result.skipped)

    def repr_failure(self, excinfo):
        return describe_failure(self.parent.page, excinfo.value)

    def reportinfo(self):
        return self.path, self.block.lineno - 1, f"bloc de la ligne {self.block.lineno}"
