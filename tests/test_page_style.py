"""The code on the pages reads without scrolling: at most 79 characters a line.

Every fenced block of every page of docs/ is held to it: the Python code, and the
outputs shown under it (` ```text `). A block inside an admonition is measured without
its indentation, as the reader sees it. A Keras message too long for the limit is
wrapped on the page and checked with `expected-output-ignore-whitespace`.
"""

import re

import pytest

from tp_cnn.paths import DOCS

MAX_WIDTH = 79
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
PAGES = sorted(DOCS.glob("*.md"))


def fenced_lines(text: str):
    """(line number, language, line without the fence's indentation) of each code line."""
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match
            continue
        if match and match["fence"] == fence["fence"] and not match["info"].strip():
            fence = None
            continue
        indent = fence["indent"]
        yield number, fence["info"].strip(), line.removeprefix(indent)


def too_long(text: str) -> list[str]:
    return [
        f"ligne {number} ({language or 'sans langage'}, {len(line)} caractères) : {line}"
        for number, language, line in fenced_lines(text)
        if len(line) > MAX_WIDTH
    ]


def test_the_pages_are_found():
    assert len(PAGES) >= 5


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_every_code_line_fits_in_79_columns(page):
    long_lines = too_long(page.read_text(encoding="utf-8"))
    assert not long_lines, f"{page.name} : lignes de code trop longues :\n" + "\n".join(long_lines)


def test_a_long_line_is_found_even_inside_an_admonition():
    text = '??? tf "TensorFlow"\n\n    ```python\n    x = ' + "1 + " * 30 + "1\n    ```\n"
    assert len(too_long(text)) == 1
    assert not too_long("```python\nx = 1\n```\n" + "a" * 200 + "\n")
