"""The built site: strict build, solutions collapsed, and nothing loaded from another host."""

import re
from pathlib import Path

from built_site import PageHTML

from tp_cnn.figures import manifest
from tp_cnn.paths import DOCS, ROOT
from tp_cnn.reading.pages import load_page


def _is_remote(url: str) -> bool:
    return bool(re.match(r"(https?:)?//", url))


def test_no_page_loads_anything_from_another_host(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        urls = PageHTML(page.read_text(encoding="utf-8")).resources
        assert urls, page
        assert not [url for url in urls if _is_remote(url)], page
    for sheet in site.rglob("*.css"):
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8"))
        assert not [url for url in urls if _is_remote(url)], sheet


def test_the_first_page_has_collapsed_solutions_math_and_figures(site):
    html = (site / "convolution-pooling" / "index.html").read_text(encoding="utf-8")
    solutions = re.findall(r"<details class=\"tf\"( open)?>", html)
    assert len(solutions) >= 6
    assert not any(solutions), "une solution est dépliée par défaut"
    assert r"\text{kernel\_height}" in html
    assert html.count('class="arithmatex"') >= 10
    # The figures of the page; a widget's fallback repeats one of them (without JavaScript).
    shown = re.sub(r'<div class="widget__fallback">.*?</div>', "", html)
    images = re.findall(r'<img[^>]+src="([^"]+)"', shown)
    assert len(images) == len(load_page(DOCS / "convolution-pooling.md").figures) >= 8
    for src in images:
        assert (site / "convolution-pooling" / src).resolve().is_file(), src
    assert "katex.min.js" in html


def test_generated_figures_say_where_they_come_from(site):
    records = manifest.read(ROOT / "docs" / manifest.MANIFEST)
    for path, figure in records.figures.items():
        html = (site / figure.page / "index.html").read_text(encoding="utf-8")
        html = re.sub(r'<div class="widget__fallback">.*?</div>', "", html)  # a repeated figure
        after = html[html.index(Path(path).name) :]
        caption = after[: after.index("</p>")]
        what = "Données produites" if path.endswith(".json") else "Figure produite"
        assert f"{what} par le code ci-dessus" in caption, path
        page = records.pages[figure.page]
        shortened = page.mode == "fast" or (page.mode == "mixed" and figure.data != "real")
        not_real = figure.data != "real" or (shortened and figure.epochs)
        assert ("ne montre pas un résultat réel" in caption) == bool(not_real), path


def test_the_results_page_shows_every_run_and_warns_when_not_real(site):
    records = manifest.read(ROOT / "docs" / manifest.MANIFEST)
    html = (site / "resultats" / "index.html").read_text(encoding="utf-8")
    assert "tableau-des-resultats" not in html
    rows = re.findall(r"<tr>\s*<td><a href=\"[^\"]+\"><code>(\w+)</code></a>", html)
    assert sorted(rows) == sorted(records.runs)
    not_real = any(
        run.data != "real" or (records.pages[run.page].mode == "fast" and run.epochs)
        for run in records.runs.values()
    )
    assert ("ne sont pas des résultats réels" in html) == not_real
