import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tp_cnn import figures
from tp_cnn.pages import PageError, load_page

DRAW = """
```python
import matplotlib.pyplot as plt
plt.plot([1, 2, 3])
plt.show()
```

![Une courbe](figures/page/curve.png)
"""


@pytest.fixture
def docs(tmp_path):
    return tmp_path / "docs"


def manifest(docs):
    return json.loads((docs / figures.MANIFEST).read_text(encoding="utf-8"))


def test_a_page_writes_its_figures_and_their_provenance(write_page, docs):
    written = figures.generate(load_page(write_page(DRAW)), "fast", docs=docs)
    assert written == [docs / "figures/page/curve.png"]
    assert written[0].read_bytes().startswith(b"\x89PNG")
    entry = manifest(docs)["figures"]["figures/page/curve.png"]
    assert entry["page"] == "page"
    assert entry["block_line"] == 1
    assert entry["data"] == "réelles"
    page = manifest(docs)["pages"]["page"]
    assert page["mode"] == "fast"
    assert page["device"] == "CPU"
    assert not list(docs.rglob("*.tmp"))


def test_a_failed_page_keeps_the_previous_figures_and_manifest(write_page, docs):
    path = write_page(DRAW)
    figures.generate(load_page(path), "fast", docs=docs)
    before = {p: p.read_bytes() for p in (docs / "figures").rglob("*") if p.is_file()}
    path.write_text(DRAW + "\n```python\nraise MemoryError('plus de mémoire')\n```\n")
    with pytest.raises(MemoryError):
        figures.generate(load_page(path), "fast", docs=docs)
    after = {p: p.read_bytes() for p in (docs / "figures").rglob("*") if p.is_file()}
    assert len(before) == 2
    assert after == before


def test_a_figure_drawn_but_not_declared_is_refused(write_page, docs):
    path = write_page(DRAW.replace("![Une courbe](figures/page/curve.png)", ""))
    with pytest.raises(PageError, match="déclare 0 figure.*en dessine 1"):
        figures.generate(load_page(path), "fast", docs=docs)
    assert not docs.joinpath("figures").exists()


def test_the_script_names_the_known_pages_for_an_unknown_one(capsys):
    assert figures.main(["--page", "inconnue"]) == 2
    assert (
        "Page inconnue : « inconnue ». Pages disponibles : convolution-pooling"
        in capsys.readouterr().err
    )


def test_the_script_reports_a_failed_page_in_french(write_page, docs, capsys):
    write_page("```python\nimport nonexistent_module\n```\n")
    assert figures.main(["--mode", "fast", "--docs", str(docs)]) == 1
    err = capsys.readouterr().err
    assert "ModuleNotFoundError" in err
    assert "figures et résultats précédents de page sont conservés" in err


def test_every_committed_figure_has_its_provenance():
    committed = manifest(figures.DOCS)
    declared = {ref.path for page in figures.course_pages() for ref in page.figures}
    assert declared == set(committed["figures"])
    for path, entry in committed["figures"].items():
        assert (figures.DOCS / path).is_file(), path
        assert {"page", "block_line", "code_sha256", "data", "epochs"} <= set(entry)
        page = committed["pages"][entry["page"]]
        assert {"mode", "device", "tensorflow", "date", "seconds", "key"} <= set(page)


def test_every_committed_figure_comes_from_the_current_code_of_its_page():
    """A block that draws was edited without `make figures`: its figures are stale."""
    committed = manifest(figures.DOCS)["figures"]
    for page in figures.course_pages():
        for ref in page.figures:
            block = [block for block in page.blocks if block.lineno < ref.lineno][-1]
            digest = hashlib.sha256(block.code.encode()).hexdigest()[:16]
            assert committed[ref.path]["code_sha256"] == digest, (
                f"{ref.path} : le code qui la dessine a changé ; lancez "
                f'make figures ARGS="--page {page.name}"'
            )


RECORD = """
```python
import pandas as pd

comp = pd.DataFrame({"Perte": [0.5], "Précision": [0.875], "Époques": [3]},
                    index=pd.Index(["essai"], name="run"))
comp.to_csv("resultats_tp.csv")
```
"""


def test_a_run_recorded_by_a_page_goes_to_the_manifest(write_page, docs):
    figures.generate(load_page(write_page(DRAW + RECORD)), "fast", docs=docs)
    run = manifest(docs)["runs"]["essai"]
    assert (run["page"], run["loss"], run["accuracy"], run["epochs"]) == ("page", 0.5, 0.875, 3)
    assert run["top5"] is None
    assert run["data"] == "réelles"


def test_a_later_page_sees_the_runs_of_the_pages_before(write_page, docs, capsys):
    write_page(RECORD, "a.md")
    write_page('```python\nprint(open("resultats_tp.csv").read().splitlines()[1])\n```\n', "b.md")
    assert figures.main(["--mode", "fast", "--docs", str(docs), "--page", "a"]) == 0
    # b runs alone, in a new working directory: the runs recorded before are put back there.
    before = set(manifest(docs)["runs"])
    page = load_page(docs / "b.md")
    assert figures.main(["--mode", "fast", "--docs", str(docs), "--page", "b"]) == 0
    assert before == {"essai"} and set(manifest(docs)["runs"]) == {"essai"}
    assert "b : 0 figure(s)" in capsys.readouterr().err
    assert page.blocks


def test_an_unchanged_page_is_not_run_again_unless_forced(write_page, docs, capsys):
    write_page(DRAW)
    args = ["--mode", "fast", "--docs", str(docs)]
    assert figures.main(args) == 0
    first = manifest(docs)["pages"]["page"]["date"]
    assert figures.main(args) == 0
    assert "page : inchangée" in capsys.readouterr().err
    assert manifest(docs)["pages"]["page"]["date"] == first
    assert figures.main([*args, "--force"]) == 0
    assert "page : 1 figure(s) écrite(s)" in capsys.readouterr().err
    assert figures.main(["--mode", "full", "--docs", str(docs)]) == 0
    assert manifest(docs)["pages"]["page"]["mode"] == "full"


SLOW = """
```python
import os
import time
open(os.environ["TP_CNN_MARKER"], "w").close()
time.sleep(120)
```
"""


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGKILL"])
def test_killing_the_script_in_the_middle_of_a_page_keeps_every_output(
    write_page, docs, tmp_path, signal_name
):
    path = write_page(DRAW + RECORD)
    figures.generate(load_page(path), "fast", docs=docs)
    before = {p: p.read_bytes() for p in docs.rglob("*") if p.is_file() and p != path}
    path.write_text(DRAW + SLOW + RECORD.replace("0.5", "0.25"), encoding="utf-8")
    marker = tmp_path / "marker"
    script = figures.DOCS.parent / "scripts" / "generate_figures.py"
    process = subprocess.Popen(
        [sys.executable, str(script), "--mode", "fast", "--docs", str(docs)],
        env={**os.environ, "TP_CNN_MARKER": str(marker)},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert marker.exists(), process.communicate()[1]
    process.send_signal(getattr(signal, signal_name))
    _, err = process.communicate(timeout=60)
    after = {p: p.read_bytes() for p in docs.rglob("*") if p.is_file() and p != path}
    assert after == before
    if signal_name == "SIGINT":
        assert process.returncode == 130
        assert "Interrompu pendant" in err and "précédents sont conservés" in err


def test_pages_run_on_separate_machines_are_merged(write_page, tmp_path):
    # Two runners, each with its own copy of docs/, each running one page.
    first, second = tmp_path / "runner1" / "docs", tmp_path / "runner2" / "docs"
    for docs, name in ((first, "a"), (second, "b")):
        docs.mkdir(parents=True)
        page = docs / f"{name}.md"
        page.write_text(DRAW.replace("figures/page/", f"figures/{name}/") + RECORD)
        figures.generate(load_page(page), "fast", docs=docs)
    parts = tmp_path / "artifacts"
    for docs, name in ((first, "a"), (second, "b")):
        shutil.copytree(docs / "figures", parts / f"figures-{name}")
    target = tmp_path / "docs"
    assert figures.merge(parts, target) == ["a", "b"]
    merged = manifest(target)
    assert set(merged["pages"]) == {"a", "b"}
    assert set(merged["figures"]) == {"figures/a/curve.png", "figures/b/curve.png"}
    assert merged["runs"]["essai"]["page"] == "b"  # both pages record "essai": the last wins
    copied = target / "figures/b/curve.png"
    assert copied.read_bytes() == (second / "figures/b/curve.png").read_bytes()


def test_a_page_that_records_the_same_run_again_keeps_it(write_page, docs):
    write_page(RECORD)
    args = ["--mode", "fast", "--docs", str(docs), "--force"]
    assert figures.main(args) == 0
    assert figures.main(args) == 0  # same code, same numbers: the run is recorded again
    assert manifest(docs)["runs"]["essai"]["loss"] == 0.5
