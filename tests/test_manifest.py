"""The manifest (validated read, locked updates) and the all-or-nothing writes."""

import json
import math
import multiprocessing
import os
import signal
import subprocess
import sys
import time
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
    "NaN loss": (lambda data: data["runs"]["essai"].update(loss=math.nan),
                 "runs.essai.loss : valeur nan au lieu d'un nombre fini"),
    "infinite seconds": (lambda data: data["pages"]["page"].update(seconds=math.inf),
                         "pages.page.seconds : valeur inf"),
    "negative infinite train time": (
        lambda data: data["runs"]["essai"].update(train_seconds=-math.inf),
        "runs.essai.train_seconds : valeur -inf"),
    "accuracy as a percentage": (lambda data: data["runs"]["essai"].update(accuracy=87.5),
                                 "runs.essai.accuracy : valeur 87.5 hors de [0, 1]"),
    "negative top-5": (lambda data: data["runs"]["essai"].update(top5=-0.1),
                       "runs.essai.top5 : valeur -0.1 hors de [0, 1]"),
    "negative epochs": (lambda data: data["runs"]["essai"].update(epochs=-1),
                        "runs.essai.epochs : valeur -1 négative"),
    "negative figure epochs": (
        lambda data: data["figures"]["figures/page/a.png"].update(epochs=-2),
        "figures.figures/page/a.png.epochs : valeur -2 négative"),
    "line 0": (lambda data: data["figures"]["figures/page/a.png"].update(block_line=0),
               "block_line : valeur 0 au lieu d'un numéro de ligne"),
    "not a date": (lambda data: data["pages"]["page"].update(date="hier"),
                   "pages.page.date : « hier » n'est pas une date ISO 8601"),
    "empty key": (lambda data: data["pages"]["page"].update(key=""),
                  "pages.page.key : valeur vide"),
    "blank device": (lambda data: data["pages"]["page"].update(device="  "),
                     "pages.page.device : valeur vide"),
}  # fmt: skip


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


def _second_replace_raises(tmp_path, monkeypatch, error: BaseException) -> dict:
    """Two old files `a` and `b`; the commit's second rename raises `error`."""
    old = {tmp_path / "a": b"ancien a", tmp_path / "b": b"ancien b"}
    for path, data in old.items():
        path.write_bytes(data)
    real_replace, calls = os.replace, []

    def replace_then_raise(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise error
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_then_raise)
    return old


def test_a_write_error_changes_nothing(tmp_path, monkeypatch):
    old = _second_replace_raises(tmp_path, monkeypatch, OSError(28, "No space left on device"))
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


def test_the_json_constants_nan_and_infinity_are_refused():
    text = sample().to_json().replace('"seconds": 3.5', '"seconds": NaN')
    with pytest.raises(ManifestError, match="pages.page.seconds : valeur nan"):
        manifest.parse(text, "m.json")
    text = sample().to_json().replace('"loss": 0.5', '"loss": Infinity')
    with pytest.raises(ManifestError, match="runs.essai.loss : valeur inf"):
        manifest.parse(text, "m.json")


def test_an_exception_in_the_middle_of_a_commit_puts_everything_back(tmp_path, monkeypatch):
    old = _second_replace_raises(tmp_path, monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        outputs.commit({tmp_path / "a": b"nouveau", tmp_path / "b": b"nouveau"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]  # no .tmp left
    assert {path: path.read_bytes() for path in old} == old


SLOW_COMMIT = """
import os, sys, time
from pathlib import Path
from tp_cnn import outputs

folder, marker = Path(sys.argv[1]), Path(sys.argv[2])
real_replace = os.replace

def slow_replace(source, target):
    real_replace(source, target)
    marker.touch()  # one file is in place: the test sends its signal now
    time.sleep(0.5)

os.replace = slow_replace
outputs.commit({folder / name: b"nouveau" for name in "abc"})
"""


def _default_signals():
    """The signals' default actions, whatever the test inherited (`nohup` ignores SIGHUP,
    a shell in the background SIGINT)."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_in_the_middle_of_a_commit_waits_for_its_end(tmp_path, signal_name):
    folder, marker = tmp_path / "out", tmp_path / "marker"
    folder.mkdir()
    for name in "abc":
        (folder / name).write_bytes(b"ancien")
    process = subprocess.Popen([sys.executable, "-c", SLOW_COMMIT, str(folder), str(marker)],
                               stderr=subprocess.PIPE, preexec_fn=_default_signals)  # fmt: skip
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    assert marker.exists(), process.communicate()[1]
    process.send_signal(getattr(signal, signal_name))
    process.communicate(timeout=30)
    assert process.returncode != 0  # the signal did arrive, once the files were in place
    assert sorted(p.name for p in folder.iterdir()) == ["a", "b", "c"]  # no .tmp left
    assert {(folder / name).read_bytes() for name in "abc"} == {b"nouveau"}


def test_leftovers_of_a_killed_commit_are_removed_but_not_those_of_one_under_way(tmp_path):
    (tmp_path / "page").mkdir()
    old = tmp_path / "page" / ".curve.png.k3j2h1g0.tmp"
    fresh = tmp_path / ".manifest.json.a1b2c3d4.tmp"
    for path in (old, fresh):
        path.write_bytes(b"")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert outputs.remove_leftovers([tmp_path]) == [old]
    assert not old.exists() and fresh.exists()
