import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tp_cnn.pages import ROOT


@pytest.fixture
def write_page(tmp_path):
    """Write a Markdown page (dedented) under tmp_path/docs and return its path."""

    def write(text: str, name: str = "page.md") -> Path:
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site built once (mkdocs build --strict) in a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    build = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # PYTHONPATH kept: a worktree's src/ then wins over the editable install.
        env={
            "NO_MKDOCS_2_WARNING": "1",
            "PATH": "",
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        },
    )
    assert build.returncode == 0, build.stderr
    return out
