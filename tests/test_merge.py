"""scripts/merge_figures.py: the artifacts of the GPU runners, validated before anything is
written; a refusal names the part and the file, and leaves docs/ as it was."""

import json
import shutil
import subprocess
import sys

import pytest
from test_figures import DRAW, RECORD, checksums

from tp_cnn.figures import generate as figures_generate
from tp_cnn.figures import manifest
from tp_cnn.figures.merge import MergeError, merge
from tp_cnn.paths import ROOT
from tp_cnn.reading.pages import load_page

SCRIPT = ROOT / "scripts" / "merge_figures.py"


def run_page(docs, name, mode="fast", text=None):
    docs.mkdir(parents=True, exist_ok=True)
    page = docs / f"{name}.md"
    page.write_text(text or DRAW.replace("figures/page/", f"figures/{name}/") + RECORD)
    figures_generate.generate(load_page(page), mode, docs.parent, docs)


@pytest.fixture
def target(tmp_path):
    """The repository that merges: its pages a and b, and a's committed outputs (full)."""
    docs = tmp_path / "repo" / "docs"
    run_page(docs, "a", mode="full")
    shutil.copy(docs / "a.md", docs / "b.md")
    (docs / "b.md").write_text((docs / "a.md").read_text().replace("figures/a/", "figures/b/"))
    return docs


def part_of(tmp_path, name, mode="fast") -> tuple:
    """The artifact figures-<name> of a run of page `name` on another machine."""
    runner = tmp_path / f"runner-{name}-{mode}" / "docs"
    run_page(runner, name, mode)
    parts = tmp_path / f"artifacts-{name}-{mode}"
    shutil.copytree(runner / "figures", parts / f"figures-{name}")
    return parts, parts / f"figures-{name}"


def refused(parts, target, message, **kwargs):
    before = checksums(target)
    with pytest.raises(MergeError, match=message) as excinfo:
        merge(parts, target, **kwargs)
    assert "Rien n'a été rassemblé" in str(excinfo.value) or "restaurez" in str(excinfo.value)
    assert checksums(target) == before
    return str(excinfo.value)


def test_a_part_of_a_page_that_the_course_does_not_have_is_refused(tmp_path, target):
    parts, part = part_of(tmp_path, "b")
    part.rename(parts / "figures-inconnue")
    refused(parts, target, "figures-inconnue : « inconnue » n'est pas une page du cours")


def test_a_symbolic_link_in_a_part_is_refused_not_followed(tmp_path, target):
    parts, part = part_of(tmp_path, "b")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"pas une figure")
    (part / "b" / "curve.png").unlink()
    (part / "b" / "curve.png").symlink_to(secret)
    message = refused(parts, target, "curve.png est un lien symbolique")
    assert str(part) in message
    assert b"pas une figure" not in b"".join(p.read_bytes() for p in target.rglob("*.png"))


def test_a_part_that_is_itself_a_link_is_refused(tmp_path, target):
    parts, part = part_of(tmp_path, "b")
    elsewhere = part.rename(tmp_path / "ailleurs")
    (parts / "figures-b").symlink_to(elsewhere)
    refused(parts, target, "figures-b est un lien symbolique")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda data: "{", "manifest.json : JSON invalide"),
        (lambda data: json.dumps({**data, "pages": {**data["pages"], "b": {
            **data["pages"]["b"], "seconds": float("nan")}}}), "pages.b.seconds : valeur nan"),
        (lambda data: json.dumps({**data, "figures": {"figures/b/../../../x.png": {
            **data["figures"]["figures/b/curve.png"]}}}), "chemin hors de figures/b/"),
    ],
    ids=["not json", "NaN", "path outside"],
)
def test_a_part_whose_manifest_is_broken_is_refused(tmp_path, target, change, message):
    parts, part = part_of(tmp_path, "b")
    data = json.loads((part / "manifest.json").read_text())
    (part / "manifest.json").write_text(change(data))
    assert str(part) in refused(parts, target, message)


def test_a_figure_missing_from_its_part_is_refused_and_nothing_is_merged(tmp_path, target):
    parts, part = part_of(tmp_path, "b")
    _, other = part_of(tmp_path, "a", mode="full")
    shutil.move(other, parts / "figures-a")  # a valid part, merged only if all are
    (part / "b" / "curve.png").unlink()
    refused(parts, target, r"figures-b : .*curve\.png : illisible")


def test_a_less_complete_run_never_replaces_a_current_more_complete_one(tmp_path, target):
    parts, _ = part_of(tmp_path, "a", mode="fast")
    refused(parts, target, "a : garde son exécution complète ; --force la remplace")
    assert manifest.read(target / manifest.MANIFEST).pages["a"].mode == "full"
    assert merge(parts, target, force=True) == ["a"]
    assert manifest.read(target / manifest.MANIFEST).pages["a"].mode == "fast"


def test_a_stale_more_complete_run_may_be_replaced(tmp_path, target):
    page = target / "a.md"
    page.write_text(page.read_text().replace("[1, 2, 3]", "[3, 2, 1]"))  # its key changes
    parts, _ = part_of(tmp_path, "a", mode="fast")
    assert merge(parts, target) == ["a"]
    assert manifest.read(target / manifest.MANIFEST).pages["a"].mode == "fast"


def test_the_script_refuses_a_missing_folder_in_french():
    done = subprocess.run([sys.executable, str(SCRIPT), "/nulle/part"], capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 2 and "« /nulle/part » n'est pas un dossier" in done.stderr
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert done.returncode == 2 and "Erreur : il manque : DOSSIER" in done.stderr
    done = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True)
    assert "--force" in done.stdout and "plus complète" in done.stdout
