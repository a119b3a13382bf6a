import hashlib
import json

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
def docs(tmp_path, monkeypatch):
    monkeypatch.setattr(figures, "DOCS", tmp_path / "docs")
    monkeypatch.setattr(figures, "MANIFEST", tmp_path / "docs" / "figures" / "manifest.json")
    return tmp_path / "docs"


def test_a_page_writes_its_figures_and_their_provenance(write_page, docs):
    written = figures.generate(load_page(write_page(DRAW)), "fast")
    assert written == [docs / "figures/page/curve.png"]
    assert written[0].read_bytes().startswith(b"\x89PNG")
    entry = json.loads((docs / "figures/manifest.json").read_text())["figures/page/curve.png"]
    assert entry["page"] == "page"
    assert entry["block_line"] == 1
    assert entry["mode"] == "fast"
    assert entry["data"] == "réelles"
    assert entry["device"] == "CPU"
    assert not list(docs.rglob("*.tmp"))


def test_a_failed_page_keeps_the_previous_figures_and_manifest(write_page, docs):
    path = write_page(DRAW)
    figures.generate(load_page(path), "fast")
    before = {p: p.read_bytes() for p in (docs / "figures").rglob("*") if p.is_file()}
    path.write_text(DRAW + "\n```python\nraise MemoryError('plus de mémoire')\n```\n")
    with pytest.raises(MemoryError):
        figures.generate(load_page(path), "fast")
    after = {p: p.read_bytes() for p in (docs / "figures").rglob("*") if p.is_file()}
    assert len(before) == 2
    assert after == before


def test_a_figure_drawn_but_not_declared_is_refused(write_page, docs):
    path = write_page(DRAW.replace("![Une courbe](figures/page/curve.png)", ""))
    with pytest.raises(PageError, match="déclare 0 figure.*en dessine 1"):
        figures.generate(load_page(path), "fast")
    assert not docs.joinpath("figures").exists()


def test_the_script_names_the_known_pages_for_an_unknown_one(capsys):
    assert figures.main(["--page", "inconnue"]) == 2
    assert (
        "Page inconnue : « inconnue ». Pages disponibles : convolution-pooling"
        in capsys.readouterr().err
    )


def test_the_script_reports_a_failed_page_in_french(write_page, docs, monkeypatch, capsys):
    path = write_page("```python\nimport nonexistent_module\n```\n")
    monkeypatch.setattr(figures, "course_pages", lambda: [load_page(path)])
    assert figures.main(["--mode", "fast"]) == 1
    err = capsys.readouterr().err
    assert "ModuleNotFoundError" in err
    assert "figures précédentes de page sont conservées" in err


def test_every_committed_figure_has_its_provenance():
    manifest = json.loads(figures.MANIFEST.read_text(encoding="utf-8"))
    declared = {ref.path for page in figures.course_pages() for ref in page.figures}
    assert declared == set(manifest)
    for path, entry in manifest.items():
        assert (figures.DOCS / path).is_file(), path
        assert {"page", "block_line", "code_sha256", "mode", "data", "device", "date"} <= set(entry)


def test_every_committed_figure_comes_from_the_current_code_of_its_page():
    """A block that draws was edited without `make figures`: its figures are stale."""
    manifest = json.loads(figures.MANIFEST.read_text(encoding="utf-8"))
    for page in figures.course_pages():
        for ref in page.figures:
            block = [block for block in page.blocks if block.lineno < ref.lineno][-1]
            digest = hashlib.sha256(block.code.encode()).hexdigest()[:16]
            assert manifest[ref.path]["code_sha256"] == digest, (
                f"{ref.path} : le code qui la dessine a changé ; lancez "
                f'make figures ARGS="--page {page.name}"'
            )
