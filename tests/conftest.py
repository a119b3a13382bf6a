import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def write_page(tmp_path):
    """Write a Markdown page (dedented) under tmp_path/docs and return its path."""

    def write(text: str, name: str = "page.md") -> Path:
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
