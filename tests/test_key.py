"""The cache key of a page's run (src/tp_cnn/figures/key.py): it follows what the harness
does, not where its code lives."""

from pathlib import Path

import pytest

from tp_cnn.figures.key import HARNESS, _harness_sources, harness_digest

HARNESS_A = '''"""Module A."""
import numpy as np
from tp_cnn.running.modes import MODES

FAST_SAMPLES = 128


def head(data):
    """The first samples."""
    return data[:FAST_SAMPLES]


class Workload:
    """Replacements."""

    def fit(self, x):
        # cut the data
        return head(x)
'''
HARNESS_B = '''"""Module B."""


def offline_copy(url):
    return url.rsplit("/", 1)[-1]
'''


def test_moving_a_function_or_editing_imports_comments_and_docstrings_keeps_the_key():
    before = harness_digest([HARNESS_A, HARNESS_B])
    head = HARNESS_A[HARNESS_A.index("def head") : HARNESS_A.index("class Workload")]
    moved = [HARNESS_A.replace(head, ""), HARNESS_B + "\n\n" + head]  # head() in module B
    assert harness_digest(moved) == before
    assert harness_digest([HARNESS_B, HARNESS_A]) == before  # modules in another order
    edited = (
        HARNESS_A.replace("import numpy as np\n", "import numpy\nimport os\n")
        .replace("from tp_cnn.running.modes", "from tp_cnn.running.other")
        .replace('"""The first samples."""', '"""Les premiers exemples."""')
        .replace("# cut the data", "# reduce")
        .replace('"""Module A."""', '"""Another docstring."""')
    )
    assert harness_digest([edited, HARNESS_B]) == before


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("FAST_SAMPLES = 128", "FAST_SAMPLES = 64"),  # a constant
        ("return data[:FAST_SAMPLES]", "return data[-FAST_SAMPLES:]"),  # what a function does
        ("return head(x)", "return x"),  # a method
        ("def head(data):", "def first(data):"),  # a name other code calls
    ],
)
def test_changing_what_the_harness_does_changes_the_key(old, new):
    assert harness_digest([HARNESS_A.replace(old, new), HARNESS_B]) != harness_digest(
        [HARNESS_A, HARNESS_B]
    )


def test_the_key_reads_the_modules_that_run_a_page():
    sources = _harness_sources()
    assert len(sources) == len(HARNESS)
    names = [Path(name.replace(".", "/")).name for name in HARNESS]
    assert {"harness", "workload", "standins", "executor", "marks", "modes"} <= set(names)
    assert all("def " in source for source in sources)


def test_a_page_run_on_the_gpu_runner_is_current_on_a_cpu_machine(monkeypatch):
    """The GPU runner installs tensorflow[and-cuda] (distribution `tensorflow`), the CPU
    machines tensorflow-cpu: the same version of TensorFlow, the same key."""
    from importlib import metadata

    from tp_cnn.figures import key
    from tp_cnn.reading.navigation import course_pages

    page = course_pages()[0]
    installed = {"tensorflow-cpu": "2.21.0", "keras": "3.15.0", "numpy": "2.4.6"}

    def version(name):
        if name not in installed:
            raise metadata.PackageNotFoundError(name)
        return installed[name]

    monkeypatch.setattr(key.metadata, "version", version)
    on_cpu = key.page_key(page, "full")
    installed["tensorflow"] = installed.pop("tensorflow-cpu")
    assert key.page_key(page, "full") == on_cpu
    installed["tensorflow"] = "2.22.0"
    assert key.page_key(page, "full") != on_cpu
