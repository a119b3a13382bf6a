"""The built site as a student sees it, in a real browser: Debian's chromium, driven by
Playwright, on the site served by a local server (tests/built_site.py).

Every page: no console error, no failed request, no request to any other host (privacy),
its images load, its math is typeset, under 2 MB transferred (printed), no serious or
critical accessibility violation (axe-core, from npm) at 1280 px, then at the widths of
a tablet and a phone (same load, the window narrowed), and on a few pages in the dark
palette (switched by the header's button). The chapters: solutions folded,
one unfolds on click (and the README's screenshot), the copy button copies a block's code.
The site: the light/dark toggle, the French search. Without the browser: no broken link
or anchor, a French description for every figure, and French spelling (hunspell).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from built_site import (
    AXE,
    CAPTURE,
    NOTHING_MOVES,
    WIDGETS_SETTLED,
    axe_violations,
    broken_links,
    html_file,
    misspelled,
    narrow_violations,
    page_id,
    pages_with,
    project_words,
    read_page,
    serious_of,
    site_pages,
)

PAGES = site_pages()
CHAPTERS = pages_with(r"^```python")  # the chapters of the TP: code, math, figures
SOLUTIONS = pages_with(r"^\s*\?\?\?\+? tf\b")  # the pages with a solution to unfold
MAX_WEIGHT = 2_000_000  # bytes transferred by one page, images included
SCREENSHOT_PAGE = "convolution-pooling/"
WIDE = {"width": 1280, "height": 800}  # the tab's (tests/conftest.py)
# The dark palette changes colors only: the rules on colors, on the home page, the two
# chapters with widgets and a notebook.
DARK_PAGES = ["", "convolution-pooling/", "cnn-cifar10/", "notebooks/convolution-pooling/"]
COLOR_RULES = ["color-contrast", "link-in-text-block"]


# ---------------------------------------------------------------------------------------
# Every page, visited once


@dataclass
class Visit:
    page: str
    status: int
    errors: list[str]
    failed: list[str]
    requests: list[str]
    sent: list[tuple[str, int, int]]  # (path, bytes transferred, bytes of the file)
    images: list[dict]
    math: dict
    violations: list[dict] | None  # None: axe-core not installed
    solution: dict | None = None  # a solution unfolded by a click (pages with solutions)
    copy: dict | None = None  # a block's copy button clicked (chapters)
    narrow: list[str] | None = None  # axe-core at a tablet's and a phone's widths
    dark: str | None = None  # axe-core's rules on colors in the dark palette (DARK_PAGES)

    @property
    def weight(self) -> int:
        return sum(sent for _, sent, _ in self.sent)

    @property
    def raw_weight(self) -> int:
        return sum(size for _, _, size in self.sent)


# A widget's fallback image (lazy, hidden once the widget runs) is tested with the widgets.
_IMAGES = """() => [...document.images].filter((img) => !img.closest(".widget__fallback"))
  .map((img) => ({
  src: img.getAttribute("src").slice(0, 80),
  loaded: img.complete && img.naturalWidth > 0,
}))"""

# Math: every arithmatex formula typeset by KaTeX, no KaTeX error, and no TeX left in the
# text (the notebooks' $…$ are typeset in the browser too).
_MATH = r"""() => {
  const article = document.querySelector("article");
  const raw = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("pre, code, script, style, .katex, .jp-CodeCell")) continue;
    const tex = node.textContent.match(/\$[^$\s][^$]*\$|\\\(|\\\[/);
    if (tex) raw.push(tex[0].slice(0, 60));
  }
  return {
    formulas: article.querySelectorAll(".katex").length,
    errors: [...document.querySelectorAll(".katex-error")].map((e) => e.textContent.slice(0, 60)),
    raw,
  };
}"""



def _visit(tab, journal, server, page: str, axe: str | None) -> Visit:
    """One load of the page: what it asked for and showed, its accessibility, then (after
    the measures) a click on a solution and on a copy button, and last its accessibility
    at narrower widths (the window narrowed: the page is not loaded again) and, for
    DARK_PAGES, in the dark palette."""
    journal.reset()
    response = tab.goto(server.url + page, wait_until="load")
    tab.wait_for_load_state("networkidle")
    tab.wait_for_function(WIDGETS_SETTLED, timeout=10_000)
    # Everything it asked for, from the browser's cache or not: as on a first visit.
    asked = dict.fromkeys(urlsplit(url).path for url in journal.requests
                          if url.startswith(server.origin + "/"))  # fmt: skip
    sent = [(path, *server.weigh(path)) for path in asked]
    record = Visit(
        page=page,
        status=response.status if response else 0,
        errors=list(journal.errors),
        failed=list(journal.failed),
        requests=list(journal.requests),
        sent=sent,
        images=tab.evaluate(_IMAGES),
        math=tab.evaluate(_MATH),
        violations=None,
    )
    if axe is not None:
        record.violations = axe_violations(tab, axe)
    if page in SOLUTIONS:
        record.solution = _unfold_a_solution(tab, capture=page == SCREENSHOT_PAGE)
    if page in CHAPTERS:
        record.copy = _copy_a_block(tab)
    if axe is not None:
        try:
            record.narrow = narrow_violations(tab, axe, page)
        finally:
            tab.set_viewport_size(WIDE)
    if axe is not None and page in DARK_PAGES:
        record.dark = _in_the_dark_palette(tab, axe)
    return record


def _in_the_dark_palette(tab, axe: str) -> str:
    """axe-core's rules on colors once the reader has switched to the dark palette (the
    header's button; Material stores the choice: it is switched back after)."""
    try:
        tab.get_by_title("Passer en mode sombre").click()
        tab.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
        tab.wait_for_function(NOTHING_MOVES)
        return serious_of(axe_violations(tab, axe, COLOR_RULES))
    finally:
        tab.get_by_title("Passer en mode clair").click()
        tab.wait_for_function("() => document.body.dataset.mdColorScheme === 'default'")


def _unfold_a_solution(tab, capture: bool) -> dict:
    solutions = tab.locator("article details.tf")
    found = {
        "count": solutions.count(),
        "open": tab.evaluate("() => document.querySelectorAll('article details.tf[open]').length"),
    }
    if not found["count"]:
        return found
    solution = solutions.first
    content = solution.locator(":scope > :not(summary)").first
    found["visible before"] = content.is_visible()
    solution.locator("summary").click()
    content.wait_for(state="visible", timeout=5_000)
    found["open after"] = solution.evaluate("details => details.open")
    if capture:
        _capture(tab, solution)
    return found


def _capture(tab, solution):
    """The README's screenshot: a page with an opened solution, written only when it is
    missing or when TP_CNN_CAPTURES=1, so that a test run leaves the tree as it was."""
    if CAPTURE.exists() and os.environ.get("TP_CNN_CAPTURES") != "1":
        return
    solution.evaluate("d => window.scrollTo(0, d.getBoundingClientRect().top + scrollY - 170)")
    tab.wait_for_timeout(300)  # Material's header and table of contents follow the scroll
    CAPTURE.parent.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(CAPTURE))


def _copy_a_block(tab) -> dict:
    block = tab.locator("article div.highlight >> visible=true").first
    code = block.locator("code").inner_text()
    tab.evaluate("() => navigator.clipboard.writeText('')")
    block.hover()
    block.locator("button[data-clipboard-target]").click()
    return {"code": code, "copied": tab.evaluate("() => navigator.clipboard.readText()")}



@pytest.fixture(scope="session")
def visit(tab, journal, server):
    axe = AXE.read_text(encoding="utf-8") if AXE.is_file() else None
    visits: dict[str, Visit] = {}

    def get(page: str) -> Visit:
        if page not in visits:
            visits[page] = _visit(tab, journal, server, page, axe)
        return visits[page]

    return get


def test_every_page_of_the_built_site_is_tested(site):
    built = {path.relative_to(site) for path in site.rglob("*.html")}
    assert built == {html_file(site, page).relative_to(site) for page in PAGES}


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_the_page_loads_without_error(visit, page):
    seen = visit(page)
    assert seen.status == 200
    assert not seen.errors, "erreurs dans la console :\n" + "\n".join(seen.errors)
    assert not seen.failed, "requêtes en échec :\n" + "\n".join(seen.failed)


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_the_page_asks_nothing_of_another_host(visit, server, page):
    """Privacy: no font, CDN, analytics or API call; only the local server."""
    seen = visit(page)
    assert any(url.startswith(server.url) for url in seen.requests)
    foreign = [url for url in seen.requests if not url.startswith((server.url, "data:", "blob:"))]
    assert not foreign, "requêtes vers un autre hôte :\n" + "\n".join(foreign)


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_the_images_of_the_page_load(visit, page):
    seen = visit(page)
    broken = [image["src"] for image in seen.images if not image["loaded"]]
    assert not broken, f"images non chargées : {broken}"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_the_math_of_the_page_is_typeset(visit, page):
    math = visit(page).math
    assert not math["errors"], f"formules en erreur (KaTeX) : {math['errors']}"
    assert not math["raw"], f"formules non mises en forme : {math['raw']}"
    if page in CHAPTERS:
        assert math["formulas"] > 0


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_the_page_has_no_serious_accessibility_violation(visit, page):
    seen = visit(page)
    if seen.violations is None:
        pytest.skip("axe-core introuvable : lancez `npm ci` (`make test` le fait)")
    serious = serious_of(seen.violations)
    assert not serious, "violations (axe-core) :\n" + serious


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_the_page_passes_axe_at_the_widths_of_a_tablet_and_a_phone(visit, page):
    """With a mouse; a device without one: tests/test_browser_views.py."""
    seen = visit(page)
    if seen.narrow is None:
        pytest.skip("axe-core introuvable : lancez `npm ci` (`make test` le fait)")
    assert not seen.narrow, "violations (axe-core) :\n" + "\n".join(seen.narrow)


@pytest.mark.parametrize("page", DARK_PAGES, ids=page_id)
def test_the_dark_palette_has_no_serious_accessibility_violation(visit, page):
    seen = visit(page)
    if seen.dark is None:
        pytest.skip("axe-core introuvable : lancez `npm ci` (`make test` le fait)")
    assert not seen.dark, "violations (axe-core, palette sombre) :\n" + seen.dark


def test_each_page_weighs_less_than_2_mb(visit, record_property):
    """Everything a first visit transfers: HTML, styles, scripts, fonts, images and the
    search index, compressed as GitHub Pages serves them (gzip for text). The weights are
    printed at the end of the run (tests/conftest.py)."""
    visits = [visit(page) for page in PAGES]
    lines = ["Poids de chaque page à la première visite (transféré ; fichiers décompressés) :"]
    lines += [
        f"  /{seen.page:<34} {seen.weight / 1e6:5.2f} Mo ; {seen.raw_weight / 1e6:5.2f} Mo"
        f"  ({len(seen.sent)} fichiers)"
        for seen in visits
    ]
    record_property("rapport", "\n".join(lines))
    heavy = [f"/{v.page} : {v.weight / 1e6:.2f} Mo" for v in visits if v.weight >= MAX_WEIGHT]
    assert not heavy, f"pages de plus de {MAX_WEIGHT / 1e6:g} Mo : {heavy}"


# ---------------------------------------------------------------------------------------
# The chapters, the palette, the search


@pytest.mark.parametrize("page", SOLUTIONS, ids=page_id)
def test_solutions_are_folded_and_one_unfolds_on_click(visit, page):
    solution = visit(page).solution
    assert solution["count"] > 0
    assert solution["open"] == 0, f"{solution['open']} solution(s) dépliée(s) d'emblée"
    assert not solution["visible before"]
    assert solution["open after"]


@pytest.mark.parametrize("page", CHAPTERS, ids=page_id)
def test_the_copy_button_copies_the_code_of_a_block(visit, page):
    copy = visit(page).copy
    assert copy["copied"].strip() == copy["code"].strip()
    assert copy["code"].strip()


# ---------------------------------------------------------------------------------------
# Without the browser: links, descriptions of the figures, spelling


def test_no_internal_link_or_anchor_is_broken(site):
    broken = broken_links(site)
    assert not broken, "liens cassés :\n" + "\n".join(broken)


def test_every_figure_has_a_french_description(site):
    """A content image has an alternative text, a sentence rather than a file name (its
    French is checked with the prose, below)."""
    images = 0
    for page in PAGES:
        for image in read_page(site, page).images:
            images += 1
            alt = image["alt"].strip()
            name = image["src"].rsplit("/", 1)[-1].rsplit(".", 1)[0]
            assert len(alt.split()) >= 4 and name not in alt, f"/{page} : {image}"
    assert images > 0


def _dictionaries_missing() -> str | None:
    if not shutil.which("hunspell"):
        return "hunspell introuvable"
    listing = subprocess.run(["hunspell", "-D"], input="", capture_output=True, text=True)
    found = listing.stdout + listing.stderr
    missing = [name for name in ("fr_FR", "en_US") if f"/{name}\n" not in found]
    return f"dictionnaires hunspell absents : {', '.join(missing)}" if missing else None


def test_the_prose_is_spelled_in_french(site, tmp_path):
    """hunspell's French dictionary, with tests/mots-du-projet.txt; italics (foreign words,
    by French typography) may also be English. Code, math and passages marked with
    another `lang` are not prose."""
    if reason := _dictionaries_missing():
        pytest.skip(
            f"{reason} : installez les paquets Debian hunspell hunspell-fr hunspell-en-us "
            "(`make test` les installe quand il est lancé en root)"
        )
    personal = tmp_path / "mots-du-projet.dic"
    personal.write_text("\n".join(project_words()) + "\n", encoding="utf-8")
    errors = []
    for page in PAGES:
        html = read_page(site, page)
        words = set(misspelled(html.prose, personal))
        words |= set(misspelled(html.italics, personal, "fr_FR,en_US"))
        if words:
            errors.append(f"/{page} : {', '.join(sorted(words, key=str.lower))}")
    assert not errors, (
        "mots inconnus (une faute, ou un terme à ajouter à tests/mots-du-projet.txt) :\n"
        + "\n".join(errors)
    )
