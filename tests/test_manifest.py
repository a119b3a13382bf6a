"""The manifest (validated read, locked updates) and the all-or-nothing writes."""

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from tp_cnn import outputs
from tp_cnn.figures import manifest
from tp_cnn.figures.manifest import FigureRecord, Manifest, ManifestError, PageRecord, RunRecord
from tp_cnn.paths import DOCS

PAGE = PageRecord("0123", "fast", "CPU", "2.21.0", "2026-11-29T12:00:00+00:00", 3.5)
FIGURE = FigureRecord("page", 12, "abcd", "stand-in", 2)
RUN = RunRecord("page", "CIFAR-10", 10, 0.5, 0.875, None, 2, 1.5, "real")


def sample() -> Manifest:
    return Manifest({"page": PAGE}, {"figures/page/a.png": FIGURE}, {"essai": RUN})


def test_a_manifest_reads_back_what_was_written():
    assert manifest.parse(sample().to_json(), "m.json") == sample()


def test_the_committed_manifest_is_valid():
    committed = manifest.read(DOCS / manifest.MANIFEST)
    assert committed.pages and committed.figures


BROKEN = {
    "not json": ("{", "JSON invalide (ligne 1"),
    "missing section": ('{"pages": {}, "figures": {}}', "exactement les sections"),
    "section of another type": ('{"pages": [], "figures": {}, "runs": {}}', "pages doit être"),
    "display string for a code": (
        lambda data: data["figures"]["figures/page/a.png"].update(data="substituts"),
        "figures.figures/page/a.png.data : « substituts » au lieu de « real » ou « stand-in »",
    ),
    "unknown mode": (lambda data: data["pages"]["page"].update(mode="rapide"), "pages.page.mode"),
    "missing field": (lambda data: data["runs"]["essai"].pop("loss"), "runs.essai.loss manque"),
    "wrong type": (lambda data: data["runs"]["essai"].update(epochs="2"), "runs.essai.epochs"),
    "unknown field": (lambda data: data["pages"]["page"].update(x=1), "champ inconnu « x »"),
    "figure of no page": (lambda data: data["pages"].clear(), "page « page » absente de pages"),
    "figure outside its folder": (
        lambda data: data["figures"].update({"figures/autre/a.png": FIGURE.__dict__}),
        "chemin hors de figures/page/",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_manifest_is_refused_naming_file_and_field(case):
    change, message = BROKEN[case]
    if callable(change):
        data = json.loads(sample().to_json())
        change(data)
        text = json.dumps(data)
    else:
        text = change
    with pytest.raises(ManifestError) as excinfo:
        manifest.parse(text, "docs/figures/manifest.json")
    assert str(excinfo.value).startswith("docs/figures/manifest.json : ")
    assert message in str(excinfo.value)
    assert "ne le modifiez pas à la main" in str(excinfo.value)


def test_a_missing_manifest_is_an_error_unless_allowed(tmp_path):
    with pytest.raises(ManifestError, match="est absent"):
        manifest.read(tmp_path / "manifest.json")
    assert manifest.read(tmp_path / "manifest.json", missing_ok=True) == Manifest()


def _add_pages(docs: str, prefix: str, count: int) -> None:
    for number in range(count):
        name = f"{prefix}{number}"
        with manifest.locked(Path(docs)) as current:
            updated = current.with_page(name, PAGE, {}, {})
            outputs.commit({Path(docs) / manifest.MANIFEST: updated.to_json().encode()})


def test_two_runs_at_once_lose_nothing(tmp_path):
    """Each process reads, changes and writes the manifest 25 times, at the same time."""
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_add_pages, args=(str(tmp_path), p, 25)) for p in "ab"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0]
    pages = manifest.read(tmp_path / manifest.MANIFEST).pages
    assert len(pages) == 50
    assert not [p for p in (tmp_path / "figures").iterdir() if p.name != "manifest.json"]


def test_a_write_error_changes_nothing(tmp_path, monkeypatch):
    old = {tmp_path / "a": b"ancien a", tmp_path / "b": b"ancien b"}
    for path, data in old.items():
        path.write_bytes(data)
    real_replace, calls = os.replace, []

    def replace_then_fail(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_then_fail)
    new = {tmp_path / "a": b"nouveau", tmp_path / "sub/c": b"c", tmp_path / "b": b"nouveau"}
    with pytest.raises(outputs.WriteError, match="Écriture impossible de .*No space left"):
        outputs.commit(new)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]
    assert {path: path.read_bytes() for path in old} == old


def test_a_file_that_cannot_be_written_aside_changes_nothing(tmp_path):
    (tmp_path / "a").write_bytes(b"ancien")
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_bytes(b"")
    with pytest.raises(outputs.WriteError, match="Aucun fichier n'a été modifié"):
        outputs.commit({tmp_path / "a": b"nouveau", blocker / "x.png": b"x"})
    assert (tmp_path / "a").read_bytes() == b"ancien"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "pas-un-dossier"]
