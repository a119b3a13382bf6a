"""The figure script: what it writes, what it refuses, and what it never destroys."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tp_cnn.exports.notebooks import NOTEBOOKS
from tp_cnn.figures import child, cli, key, manifest
from tp_cnn.figures import generate as figures_generate
from tp_cnn.figures.merge import merge
from tp_cnn.outputs import WriteError
from tp_cnn.paths import DOCS, ROOT
from tp_cnn.reading.navigation import course_pages
from tp_cnn.reading.pages import PageError, load_page

SCRIPT = ROOT / "scripts" / "generate_figures.py"
DRAW = """
```python
import matplotlib.pyplot as plt
plt.plot([1, 2, 3])
plt.show()
```

![Une courbe](figures/page/curve.png)
"""
RECORD = """
```python
import pandas as pd

comp = pd.DataFrame({"Perte": [0.5], "Précision": [0.875], "Époques": [3]},
                    index=pd.Index(["essai"], name="run"))
comp.to_csv("resultats_tp.csv")
```
"""


@pytest.fixture
def docs(tmp_path):
    return tmp_path / "docs"


def read(docs) -> manifest.Manifest:
    return manifest.read(docs / manifest.MANIFEST)


def checksums(folder: Path) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def generate(path, docs, mode="fast"):
    return figures_generate.generate(load_page(path), mode, docs.parent, docs)


def test_a_page_writes_its_figures_records_and_notebook_together(write_page, docs):
    written = generate(write_page(DRAW), docs)
    assert written == [docs / "figures/page/curve.png"]
    assert written[0].read_bytes().startswith(b"\x89PNG")
    record = read(docs)
    assert record.figures["figures/page/curve.png"].data == "real"
    assert record.figures["figures/page/curve.png"].block_line == 1
    assert record.pages["page"].mode == "fast" and record.pages["page"].device
    assert (docs / NOTEBOOKS / "page.ipynb").is_file()
    assert not [p for p in docs.rglob("*") if p.name.endswith(".tmp")]


def test_a_failed_page_keeps_every_previous_output(write_page, docs):
    path = write_page(DRAW)
    generate(path, docs)
    before = checksums(docs / "figures") | checksums(docs / NOTEBOOKS)
    path.write_text(DRAW + "\n```python\nraise MemoryError('plus de mémoire')\n```\n")
    with pytest.raises(MemoryError):
        generate(path, docs)
    assert checksums(docs / "figures") | checksums(docs / NOTEBOOKS) == before


def test_a_figure_drawn_but_not_declared_is_refused(write_page, docs):
    path = write_page(DRAW.replace("![Une courbe](figures/page/curve.png)", ""))
    with pytest.raises(PageError, match="déclare 0 figure.*en dessine 1"):
        generate(path, docs)
    assert not docs.joinpath("figures").exists()


def test_a_write_error_is_reported_as_such_and_changes_nothing(write_page, docs, monkeypatch):
    path = write_page(DRAW)
    generate(path, docs)
    before = checksums(docs)
    path.write_text(DRAW.replace("[1, 2, 3]", "[3, 2, 1]"), encoding="utf-8")
    before[path] = checksums(docs)[path]

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    status = docs.parent / "status.json"
    args = [str(path), "fast", str(docs), str(docs.parent), str(status)]
    assert child.main(args) == 3
    assert '"write_error": true' in status.read_text()
    assert "No space left on device" in status.read_text()
    assert checksums(docs) == before


def run_script(*args, cwd=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd, **kwargs
    )


BAD_INPUTS = {
    "unknown page": (["--page", "inconnue"], "Page inconnue : « inconnue »"),
    "empty page": (["--page", ""], "option --page: valeur vide"),
    "unknown mode": (["--mode", "rapide"], "choix inconnu"),
    "unknown option": (["--vite"], "option(s) inconnue(s)"),
    "not a docs folder": (["--docs", "/nulle/part"], "n'est pas un dossier de pages"),
    "empty docs": (["--docs", ""], "valeur vide"),
    "zero timeout": (["--timeout", "0"], "nombre de minutes positif"),
    "negative timeout": (["--timeout", "-1"], "« -1 » : un nombre de minutes positif"),
    "nan timeout": (["--timeout", "nan"], "« nan » : un nombre de minutes positif (et fini)"),
    "infinite timeout": (["--timeout", "inf"], "« inf » : un nombre de minutes positif"),
    "word timeout": (["--timeout", "deux"], "« deux » : un nombre de minutes positif"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_options_are_refused_in_french_before_anything_runs(case):
    args, message = BAD_INPUTS[case]
    before = checksums(DOCS)
    done = run_script(*args)
    assert done.returncode == 2 and message in done.stderr
    assert checksums(DOCS) == before


BAD_PAGES = {
    "figure of another page": (DRAW.replace("figures/page/", "figures/autre/"), "propre dossier"),
    "figure outside the repository": (
        DRAW.replace("figures/page/", "figures/../../"), "propre dossier"),
    "solution indented by two": (
        'Texte\n\n  ??? tf "TensorFlow"\n\n      ```python\n      x = 1\n      ```\n', "indenté"),
    "sys.exit": ("```python\nimport sys\nsys.exit(0)\n```\n", "arrête Python"),
    "os._exit": ("```python\nimport os\nos._exit(0)\n```\n", "le processus s'est arrêté"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_PAGES))
def test_a_bad_page_fails_in_french_and_changes_nothing(write_page, docs, case):
    generate(write_page(DRAW.replace("figures/page/", "figures/a/"), "a.md"), docs)
    generate(write_page(DRAW), docs)
    text, message = BAD_PAGES[case]
    (docs / "page.md").write_text(text, encoding="utf-8")
    before = checksums(docs.parent)
    done = run_script("--mode", "fast", "--docs", str(docs), "--page", "page")
    assert done.returncode != 0
    assert message in done.stderr
    if done.returncode == 1:  # the page ran and failed (2: refused before anything ran)
        assert 'make figures ARGS="--page page --mode fast --docs' in done.stderr
    assert checksums(docs.parent) == before


def test_a_broken_manifest_stops_the_script_in_french(write_page, docs):
    write_page(DRAW)
    (docs / "figures").mkdir()
    (docs / manifest.MANIFEST).write_text("{", encoding="utf-8")
    done = run_script("--mode", "fast", "--docs", str(docs))
    assert done.returncode == 2 and "JSON invalide" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_script_reports_a_failed_page_and_sums_up(write_page, docs, capsys):
    write_page("```python\nimport nonexistent_module\n```\n")
    assert cli.main(["--mode", "fast", "--docs", str(docs)]) == 1
    err = capsys.readouterr().err
    assert "ModuleNotFoundError" in err and "figures et résultats précédents de page" in err
    assert "Pages en échec : page (ligne 2 : ModuleNotFoundError)" in err


def test_a_block_that_does_not_do_what_the_page_says_is_reported_with_its_line(
    write_page, docs, capsys
):
    write_page("# Titre\n\n```python\nprint(1 + 1)\n```\n\n"
               "<!--pytest-codeblocks:expected-output-->\n\n```text\n3\n```\n")  # fmt: skip
    assert cli.main(["--mode", "fast", "--docs", str(docs)]) == 1
    err = capsys.readouterr().err
    assert "page.md, bloc de la ligne 3 : la sortie affichée sur la page ne correspond" in err
    assert "Pages en échec : page (ligne 3 : BlockFailure)" in err


def test_every_committed_figure_has_its_provenance():
    committed = read(DOCS)
    declared = {ref.path for page in course_pages() for ref in [*page.figures, *page.widgets]}
    assert declared == set(committed.figures)
    assert all((DOCS / path).is_file() for path in committed.figures)


def test_every_committed_key_is_current():
    """Code, harness, versions and pins unchanged since the figures were made."""
    committed = read(DOCS)
    for page in course_pages():
        record = committed.pages[page.name]
        assert record.key == key.page_key(page, record.mode), (
            f'{page.name} : figures périmées ; lancez make figures ARGS="--page {page.name}"'
        )


def test_every_committed_figure_comes_from_the_current_code_of_its_page():
    committed = read(DOCS).figures
    for page in course_pages():
        for ref in page.figures:
            block = [block for block in page.blocks if block.lineno < ref.lineno][-1]
            assert (
                committed[ref.path].code_sha256
                == (hashlib.sha256(block.code.encode()).hexdigest()[:16])
            ), ref.path


def test_a_run_recorded_by_a_page_goes_to_the_manifest(write_page, docs):
    generate(write_page(DRAW + RECORD), docs)
    run = read(docs).runs["essai"]
    assert (run.page, run.loss, run.accuracy, run.epochs, run.top5) == ("page", 0.5, 0.875, 3, None)
    assert run.data == "real"


def test_a_later_page_sees_the_runs_of_the_pages_before(write_page, docs, capsys):
    write_page(RECORD, "a.md")
    write_page('```python\nprint(open("resultats_tp.csv").read().splitlines()[1])\n```\n', "b.md")
    assert cli.main(["--mode", "fast", "--docs", str(docs), "--page", "a"]) == 0
    assert cli.main(["--mode", "fast", "--docs", str(docs), "--page", "b"]) == 0
    assert set(read(docs).runs) == {"essai"}
    assert "b : 0 figure(s)" in capsys.readouterr().err


def test_an_unchanged_page_is_not_run_again_and_fast_never_replaces_full(write_page, docs, capsys):
    write_page(DRAW)
    args = ["--mode", "fast", "--docs", str(docs)]
    assert cli.main(args) == 0
    first = read(docs).pages["page"].date
    assert cli.main(args) == 0
    assert "page : à jour" in capsys.readouterr().err
    assert read(docs).pages["page"].date == first
    assert cli.main(["--mode", "full", "--docs", str(docs)]) == 0
    assert read(docs).pages["page"].mode == "full"
    assert cli.main(args) == 0
    assert "garde son exécution complète ; --force la remplace par une exécution rapide" in (
        capsys.readouterr().err
    )
    assert read(docs).pages["page"].mode == "full"
    assert cli.main([*args, "--force"]) == 0
    assert read(docs).pages["page"].mode == "fast"


def test_a_notebook_that_no_page_produces_is_kept_and_reported(write_page, docs, capsys):
    write_page("# Titre\n\n```python\nx = 1\n```\n")
    (docs / NOTEBOOKS).mkdir()
    (docs / NOTEBOOKS / "ancienne-page.ipynb").write_text("{}", encoding="utf-8")
    assert cli.main(["--mode", "fast", "--docs", str(docs)]) == 0
    assert sorted(p.name for p in (docs / NOTEBOOKS).iterdir()) == [
        "ancienne-page.ipynb", "page.ipynb"]  # fmt: skip
    assert "Notebook sans page (non supprimé) : notebooks/ancienne-page.ipynb" in (
        capsys.readouterr().err
    )


SLOW = """
```python
import os
import time
open(os.environ["TP_CNN_MARKER"], "w").close()
time.sleep(120)
```
"""


def _default_sigint():
    """As from a terminal, even when the tests run as a background job (SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGKILL"])
def test_killing_the_script_in_the_middle_of_a_page_keeps_every_output(
    write_page, docs, tmp_path, signal_name
):
    path = write_page(DRAW + RECORD)
    generate(path, docs)
    path.write_text(DRAW + SLOW + RECORD.replace("0.5", "0.25"), encoding="utf-8")
    before = checksums(docs)
    marker = tmp_path / "marker"
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--mode", "fast", "--docs", str(docs)],
        env={**os.environ, "TP_CNN_MARKER": str(marker)},
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert marker.exists(), process.communicate()[1]
    process.send_signal(getattr(signal, signal_name))
    _, err = process.communicate(timeout=60)
    time.sleep(0.5)  # the page's process, killed with the script, has nothing left to write
    assert checksums(docs) == before
    if signal_name == "SIGINT":
        assert process.returncode == 130
        assert "Interrompu pendant" in err and "précédents sont conservés" in err


def test_pages_run_on_separate_machines_are_merged(tmp_path):
    first, second = tmp_path / "runner1" / "docs", tmp_path / "runner2" / "docs"
    for docs, name in ((first, "a"), (second, "b")):
        docs.mkdir(parents=True)
        page = docs / f"{name}.md"
        page.write_text(DRAW.replace("figures/page/", f"figures/{name}/") + RECORD)
        figures_generate.generate(load_page(page), "fast", docs.parent, docs)
    parts = tmp_path / "artifacts"
    for docs, name in ((first, "a"), (second, "b")):
        shutil.copytree(docs / "figures", parts / f"figures-{name}")
    target = tmp_path / "docs"  # the repository: its pages, without their outputs
    target.mkdir()
    for docs, name in ((first, "a"), (second, "b")):
        shutil.copy(docs / f"{name}.md", target)
    assert merge(parts, target) == ["a", "b"]
    merged = read(target)
    assert set(merged.pages) == {"a", "b"}
    assert set(merged.figures) == {"figures/a/curve.png", "figures/b/curve.png"}
    assert merged.runs["essai"].page == "b"  # both pages record "essai": the last wins
    copied = target / "figures/b/curve.png"
    assert copied.read_bytes() == (second / "figures/b/curve.png").read_bytes()


def test_a_page_that_records_the_same_run_again_keeps_it(write_page, docs):
    write_page(RECORD)
    args = ["--mode", "fast", "--docs", str(docs), "--force"]
    assert cli.main(args) == 0
    assert cli.main(args) == 0  # same code, same numbers: the run is recorded again
    assert read(docs).runs["essai"].loss == 0.5


def test_the_estimate_times_each_model_of_each_page_and_writes_nothing(write_page, docs, capsys):
    write_page("""
        ```python
        import numpy as np
        from tensorflow import keras

        petit = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        petit.compile(optimizer="sgd", loss="mse")
        petit.fit(np.zeros((6400, 4)), np.zeros(6400), epochs=50, batch_size=64)
        ```
        """)
    before = checksums(docs)
    assert cli.main(["--estimate", "--docs", str(docs)]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.strip().startswith("petit"))
    assert row.split()[1:4] == ["fit", "64", "50"] and " 5\u202f000 " in row  # 50 × 100 steps
    assert "Total estimé du TP" in table and "mémoire max" in table
    assert checksums(docs) == before


PRINTS = """
```python
print("bonjour")
print("\\x1b[1mgras\\x1b[0m")
```

```python
print(6 * 7)
```

<!--pytest-codeblocks:expected-output-->

```text
42
```

```python
x = 1
```
"""


def test_what_a_block_prints_is_recorded_unless_the_page_shows_it(write_page, docs):
    generate(write_page(PRINTS), docs)
    outputs = read(docs).outputs
    assert list(outputs) == ["page:1"]  # the checked output and the silent block: none
    assert outputs["page:1"].text == "bonjour\ngras"
    assert outputs["page:1"].block_line == 1 and outputs["page:1"].data == "real"


def test_keras_epochs_are_one_line_each_and_a_long_output_keeps_its_ends():
    from tp_cnn.figures.printed import MAX_LINES, compact

    log = "Epoch 1/2\n7/7 - 1s - 80ms/step - loss: 0.69\nEpoch 2/2\n7/7 - 0s - loss: 0.6\n"
    assert compact(log) == "Epoch 1/2 - 1s - 80ms/step - loss: 0.69\nEpoch 2/2 - 0s - loss: 0.6"
    long = compact("\n".join(str(n) for n in range(200)))
    lines = long.split("\n")
    assert len(lines) == MAX_LINES + 1 and lines[0] == "0" and lines[-1] == "199"
    assert "140 lignes de plus" in long


def test_a_progress_bar_keeps_the_last_frame_a_terminal_shows():
    from tp_cnn.figures.printed import compact

    bar = "1/2 ━━━━━━━━━━ 0s - loss: 0.9" + "\x08" * 28 + "\r2/2 ━━━━━━━━━━ 1s - loss: 0.5\n"
    assert compact(bar + "Fin") == "2/2 ━━━━━━━━━━ 1s - loss: 0.5\nFin"
    # Frames already joined (control codes removed by an earlier version): the last one.
    assert compact(" 9/32 ━━━━ 0s 34ms/step11/32 ━━━━ 0s 33ms/step") == "11/32 ━━━━ 0s 33ms/step"
    assert compact("1/9 ━ loss: 0.43379/9 ━ loss: 0.4338") == "9/9 ━ loss: 0.4338"
    assert compact("\x1b[1m3/3\x1b[0m ━━ fini\r\n") == "3/3 ━━ fini"


CIFAR = """
```python
import keras

(X_train, y_train), _ = keras.datasets.cifar10.load_data()
```
"""


def test_a_full_run_that_lacks_its_data_refuses_at_once_and_says_what_works(
    write_page, docs, tmp_path, monkeypatch, capsys
):
    from tp_cnn.figures import needs

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "cache-vide"))
    monkeypatch.setattr(needs, "reachable", lambda url, timeout=3.0: False)
    write_page(CIFAR)
    before = checksums(docs)
    start = time.perf_counter()
    assert cli.main(["--mode", "full", "--docs", str(docs)]) == 2
    assert time.perf_counter() - start < 10  # seconds, not the half hour of a training
    err = capsys.readouterr().err
    assert "page : CIFAR-10" in err and 'make figures ARGS="--mode mixed"' in err
    assert checksums(docs) == before
    (tmp_path / "cache-vide/datasets/cifar-10-batches-py-target").mkdir(parents=True)
    assert needs.missing([load_page(docs / "page.md")]) == {}  # in Keras' cache: it runs
    assert cli.main(["--estimate", "--docs", str(docs), "--page", "nope"]) == 2  # unknown page


def test_the_needs_of_the_real_pages_are_found():
    from tp_cnn.figures import needs

    found = {page.name: [need.what for need in needs.needed(page)] for page in course_pages()}
    assert found["cnn-cifar10"] == ["CIFAR-10"] and found["vgg16"] == ["CIFAR-10"]
    assert found["transfert-apprentissage"] == [
        "CIFAR-10", "Fashion-MNIST", "les poids ImageNet de VGG16"
    ]  # fmt: skip
    assert found["convolution-pooling"] == []


WAIT = """
```python
import os
import time
open(os.environ["TP_CNN_MARKER"], "w").close()
while not os.path.exists(os.environ["TP_CNN_GO"]):
    time.sleep(0.05)
```
"""


def test_a_full_run_that_ends_first_is_kept_by_a_fast_run_started_with_it(
    write_page, docs, tmp_path, monkeypatch
):
    """Both start on a page with no record; the full run writes while the fast one runs,
    and so does a run of another page (not blamed on the fast run: docs_guard)."""
    path = write_page(WAIT + DRAW)
    other = write_page(DRAW.replace("figures/page/", "figures/a/"), "a.md")
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--mode", "fast", "--docs", str(docs), "--page", "page"],
        env={**os.environ, "TP_CNN_MARKER": str(tmp_path / "fast-started"),
             "TP_CNN_GO": str(tmp_path / "fast-go")},  # fmt: skip
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "fast-started").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    monkeypatch.setenv("TP_CNN_MARKER", str(tmp_path / "full-started"))
    monkeypatch.setenv("TP_CNN_GO", str(tmp_path / "full-go"))
    (tmp_path / "full-go").touch()
    generate(path, docs, mode="full")
    generate(other, docs)
    before = checksums(docs)
    (tmp_path / "fast-go").touch()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "page : garde son exécution complète ; --force la remplace" in err
    assert "rien n'a été écrit" in err
    assert read(docs).pages["page"].mode == "full"
    assert checksums(docs) == before


def test_a_stale_more_complete_run_is_replaced_by_a_less_complete_one(write_page, docs, capsys):
    path = write_page(DRAW)
    assert cli.main(["--mode", "full", "--docs", str(docs)]) == 0
    path.write_text(DRAW.replace("[1, 2, 3]", "[3, 2, 1]"), encoding="utf-8")  # full is stale
    assert cli.main(["--mode", "fast", "--docs", str(docs)]) == 0
    assert "garde son exécution" not in capsys.readouterr().err
    assert read(docs).pages["page"].mode == "fast"


def test_leftovers_of_a_killed_run_are_removed_at_start_and_reported(write_page, docs, capsys):
    write_page("```python\nx = 1\n```\n")
    (docs / "figures/page").mkdir(parents=True)
    (docs / NOTEBOOKS).mkdir()
    left = [docs / "figures/page/.curve.png.x1y2z3w4.tmp", docs / NOTEBOOKS / ".page.ipynb.ab.tmp"]
    for path in left:
        path.write_bytes(b"half")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    assert cli.main(["--mode", "fast", "--docs", str(docs)]) == 0
    assert not any(path.exists() for path in left)
    err = capsys.readouterr().err
    assert "exécution interrompue, retiré : figures/page/.curve.png.x1y2z3w4.tmp" in err


WRITES_DOCS = {
    "creates a file": ('open("docs/intrus.txt", "w").write("x")',
                       "créé(s), retiré(s) : intrus.txt"),
    "creates a folder": ('import os\nos.makedirs("docs/sous/dossier")\n'
                         'open("docs/sous/dossier/f.txt", "w").write("x")', "sous/dossier/f.txt"),
    "changes a file": ('open("docs/donnees.csv", "a").write("ajout")',
                       "modifié(s) ou supprimé(s) : donnees.csv ; restaurez-les : git checkout -- "
                       "docs/donnees.csv"),
    "removes a file": ('import os\nos.remove("docs/donnees.csv")',
                       "git checkout -- docs/donnees.csv"),
    "writes a figure of another page": (
        'open("docs/figures/a/curve.png", "wb").write(b"x")', "figures/a/curve.png"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(WRITES_DOCS))
def test_a_page_whose_code_writes_in_docs_fails_and_keeps_its_outputs(write_page, docs, case):
    generate(write_page(DRAW.replace("figures/page/", "figures/a/"), "a.md"), docs)
    path = write_page(DRAW)
    (docs / "donnees.csv").write_text("a,b\n", encoding="utf-8")
    generate(path, docs)
    code, message = WRITES_DOCS[case]
    path.write_text(DRAW + f"\n```python\n{code}\n```\n", encoding="utf-8")
    before = checksums(docs)
    with pytest.raises(PageError, match="son code a écrit dans") as excinfo:
        generate(path, docs)
    assert message in str(excinfo.value)
    assert "figures et résultats précédents sont conservés" in str(excinfo.value)
    after = checksums(docs)
    assert {p: h for p, h in after.items() if p.name not in ("donnees.csv", "curve.png")} == {
        p: h for p, h in before.items() if p.name not in ("donnees.csv", "curve.png")}  # fmt: skip
    assert after.get(docs / "figures/page/curve.png") == before[docs / "figures/page/curve.png"]
    assert not (docs / "intrus.txt").exists() and not (docs / "sous").exists()


def test_pages_an_instructor_edits_during_a_run_are_never_blamed_nor_removed(write_page, docs):
    path = write_page(DRAW)
    edit = 'open("docs/autre.md", "a").write("ajout")\nopen("docs/nouvelle.md", "w").write("x")'
    write_page("# Autre page\n", "autre.md")
    path.write_text(DRAW + f"\n```python\n{edit}\n```\n", encoding="utf-8")
    generate(path, docs)  # as if the instructor had edited and created pages meanwhile
    assert (docs / "nouvelle.md").exists() and "ajout" in (docs / "autre.md").read_text()


def test_a_page_that_records_an_accuracy_in_percent_fails_and_keeps_the_manifest(
    write_page, docs
):
    path = write_page(RECORD)
    generate(path, docs)
    before = checksums(docs)
    path.write_text(RECORD.replace("0.875", "87.5"), encoding="utf-8")
    with pytest.raises(PageError, match="« essai », Précision : valeur 87.5 hors de"):
        generate(path, docs)
    assert checksums(docs) == {**before, path: checksums(docs)[path]}


DIES = {
    "exceeds its time": ("import time\ntime.sleep(120)", ["--timeout", "0.03"],
                         "plus de 0.03 min, arrêtée pendant le bloc de la ligne 7",
                         "--timeout MINUTES", "ligne 7 : Timeout"),
    "is killed": ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", [],
                  "s'est arrêté pendant le bloc de la ligne 7 (tué par le signal SIGKILL)",
                  "manquait de mémoire", "ligne 7 : Killed"),
    "exits without a word": ("import os\nos._exit(3)", [],
                             "s'est arrêté pendant le bloc de la ligne 7 (code 3)",
                             "os._exit", "ligne 7 : Died"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(DIES))
def test_a_page_whose_process_dies_says_which_block_and_what_to_do(write_page, docs, case):
    code, options, message, advice, summary = DIES[case]
    write_page(f"```python\nx = 1\n```\n\nTexte.\n\n```python\n{code}\n```\n")
    done = run_script("--mode", "fast", "--docs", str(docs), *options)
    assert done.returncode == 1
    assert message in done.stderr and advice in done.stderr and summary in done.stderr
    assert "make test" not in done.stderr


@pytest.mark.parametrize("sigint", ["SIG_DFL", "SIG_IGN"], ids=["terminal", "background"])
def test_sigterm_stops_the_script_and_removes_its_working_directory(
    write_page, docs, tmp_path, sigint
):
    """Also in the background (`nohup`, `&`), where SIGINT is inherited as ignored: the
    page's process still stops on the SIGINT the script sends it, not killed 30 s later."""
    path = write_page(DRAW + RECORD)
    generate(path, docs)
    path.write_text(DRAW + SLOW + RECORD.replace("0.5", "0.25"), encoding="utf-8")
    before = checksums(docs)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    marker = tmp_path / "marker"
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--mode", "fast", "--docs", str(docs)],
        env={**os.environ, "TP_CNN_MARKER": str(marker), "TMPDIR": str(temporary)},
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, getattr(signal, sigint)),
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert [p.name for p in temporary.iterdir() if p.name.startswith("tp-cnn-figures-")]
    process.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert time.monotonic() - sent < 20, "la page n'a pas reçu SIGINT : tuée au bout de 30 s"
    assert "Interrompu pendant" in err
    assert not [p for p in temporary.iterdir() if p.name.startswith("tp-cnn-figures-")]
    assert checksums(docs) == before


BLOCK_TIMEOUT_PAGE = """
```python
x = 1
```

```python
while True:
    pass
```

```python
y = 2
```
"""
BLOCK_CONFTEST = """
from tp_cnn.pytest_plugin import CoursePage


def pytest_collect_file(file_path, parent):  # a course page outside docs/, for this test
    if file_path.suffix == ".md":
        return CoursePage.from_parent(parent, path=file_path)
"""


def test_a_block_past_its_time_limit_fails_in_make_test_and_the_next_ones_are_skipped(tmp_path):
    limit = "0.5"
    (tmp_path / "boucle.md").write_text(BLOCK_TIMEOUT_PAGE, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(BLOCK_CONFTEST, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text(f"[pytest]\ntp_cnn_block_timeout = {limit}\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tp_cnn.pytest_plugin", "-p", "no:cacheprovider",
         "-rs", "boucle.md"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 1 passed, 1 skipped" in done.stdout
    assert f"boucle.md, bloc de la ligne 6 : plus de {limit} s : " in done.stdout
    assert "non exécuté : le bloc de la ligne 6 a échoué avant lui" in done.stdout


def test_a_block_time_limit_that_is_not_a_number_is_refused_in_french(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\ntp_cnn_block_timeout = dix\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "tp_cnn.pytest_plugin"],
                          cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert done.returncode != 0
    assert "tp_cnn_block_timeout = « dix » : un nombre de secondes positif" in done.stderr


def test_unwritable_notebooks_are_reported_in_french_without_a_traceback(
    write_page, docs, capsys, monkeypatch
):
    from tp_cnn.exports import notebooks

    write_page(DRAW)
    assert cli.main(["--mode", "fast", "--docs", str(docs)]) == 0
    (docs / "page.md").write_text(DRAW + "\nUne phrase de plus.\n", encoding="utf-8")

    def read_only(files):
        raise WriteError("Écriture impossible de docs/notebooks/page.ipynb (Permission denied).")

    monkeypatch.setattr(notebooks, "commit", read_only)
    assert cli.main(["--mode", "fast", "--docs", str(docs)]) == 3
    err = capsys.readouterr().err
    assert "Notebooks non mis à jour : Écriture impossible" in err and "Traceback" not in err
