"""The GitHub workflows: valid against GitHub's schema, and no finding from zizmor."""

import subprocess
import sys
from pathlib import Path

from tp_cnn.pages import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def test_the_workflows_are_there():
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "deploy.yml", "figures.yml"}


def test_the_workflows_follow_githubs_schema():
    check = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_zizmor_finds_nothing_in_the_workflows():
    audit = subprocess.run(
        [BIN / "zizmor", "--offline", "--no-progress", *WORKFLOWS], capture_output=True, text=True
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "No findings to report" in audit.stdout + audit.stderr
