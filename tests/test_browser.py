"""The built site as a student sees it, in a real browser: Debian's chromium, driven by
Playwright, on the site served by a local server (tests/built_site.py).

Every page: no console error, no failed request, no request to any other host (privacy),
its images load, its math is typeset, under 2 MB transferred (printed), no serious or
critical accessibility violation (axe-core, from npm). The chapters: solutions folded,
one unfolds on click (and the README's screenshot), the copy button copies a block's code.
The site: the light/dark toggle, the French search. Without the browser: no broken link
or anchor, a French description for every figure, and French spelling (hunspell).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from built_site import (
    AXE,
    CAPTURE,
    SITE_PATH,
    broken_links,
    html_file,
    let_through,
    misspelled,
    pages_with,
    project_words,
    read_page,
    site_pages,
)

PAGES = site_pages()
CHAPTERS = pages_with(r"^```python")  # the chapters of the TP: code, math, figures
SOLUTIONS = pages_with(r"^\s*\?\?\?\+? tf\b")  # the pages with a solution to unfold
MAX_WEIGHT = 2_000_000  # bytes transferred by one page, images included
SCREENSHOT_PAGE = "convolution-pooling/"


def _name(page: str) -> str:
    return page.strip("/") or "accueil"


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


# The widgets built (or failed): axe then sees them as a student does.
_WIDGETS_SETTLED = """() => [...document.querySelectorAll('[data-widget]')]
  .every((w) => ['ready', 'error'].includes(w.dataset.ready))"""


def _visit(tab, journal, server, page: str, axe: str | None) -> Visit:
    """One load of the page: what it asked for and showed, its accessibility, then (after
    the measures) a click on a solution and on a copy button."""
    journal.reset()
    server.take_sent()
    response = tab.goto(server.url + page, wait_until="load")
    tab.wait_for_load_state("networkidle")
    tab.wait_for_function(_WIDGETS_SETTLED, timeout=10_000)
    sent = server.take_sent()
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
        record.violations = _axe(tab, axe)
    if page in SOLUTIONS:
        record.solution = _unfold_a_solution(tab, capture=page == SCREENSHOT_PAGE)
    if page in CHAPTERS:
        record.copy = _copy_a_block(tab)
    return record


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


def _axe(tab, axe: str, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page shown by `tab` (only `rules`, if given)."""
    if not tab.evaluate("() => 'axe' in window"):
        tab.add_script_tag(content=axe)
    only = {"runOnly": {"type": "rule", "values": rules}} if rules else {}
    result = tab.evaluate(
        "(only) => axe.run(document, {resultTypes: ['violations'], ...only})", only
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [" ".join(map(str, node["target"])) for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]


def _serious(violations: list[dict]) -> str:
    """The serious and critical violations, one line each ('' if none)."""
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}) : {', '.join(v['targets'][:5])}"
        + (f" et {len(v['targets']) - 5} autres" if len(v["targets"]) > 5 else "")
        for v in violations
        if v["impact"] in {"serious", "critical"}
    )


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


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_the_page_loads_without_error(visit, page):
    seen = visit(page)
    assert seen.status == 200
    assert not seen.errors, "erreurs dans la console :\n" + "\n".join(seen.errors)
    assert not seen.failed, "requêtes en échec :\n" + "\n".join(seen.failed)


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_the_page_asks_nothing_of_another_host(visit, server, page):
    """Privacy: no font, CDN, analytics or API call; only the local server."""
    seen = visit(page)
    assert any(url.startswith(server.url) for url in seen.requests)
    foreign = [url for url in seen.requests if not url.startswith((server.url, "data:", "blob:"))]
    assert not foreign, "requêtes vers un autre hôte :\n" + "\n".join(foreign)


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_the_images_of_the_page_load(visit, page):
    seen = visit(page)
    broken = [image["src"] for image in seen.images if not image["loaded"]]
    assert not broken, f"images non chargées : {broken}"


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_the_math_of_the_page_is_typeset(visit, page):
    math = visit(page).math
    assert not math["errors"], f"formules en erreur (KaTeX) : {math['errors']}"
    assert not math["raw"], f"formules non mises en forme : {math['raw']}"
    if page in CHAPTERS:
        assert math["formulas"] > 0


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_the_page_has_no_serious_accessibility_violation(visit, page):
    seen = visit(page)
    if seen.violations is None:
        pytest.skip("axe-core introuvable : lancez `npm ci` (`make test` le fait)")
    serious = _serious(seen.violations)
    assert not serious, "violations (axe-core) :\n" + serious


def _forget_the_palette(tab, server):
    """Material stores the palette a page shows, even the system's, and stores it again
    when the page is left: forget it from a page of the site without Material."""
    tab.goto(server.url + "sitemap.xml")
    tab.evaluate("() => localStorage.clear()")


# The dark palette changes colors only: the rules on colors, on the home page, the two
# chapters with widgets and a notebook.
DARK_PAGES = ["", "convolution-pooling/", "cnn-cifar10/", "notebooks/convolution-pooling/"]
COLOR_RULES = ["color-contrast", "link-in-text-block"]


@pytest.mark.parametrize("page", DARK_PAGES, ids=_name)
def test_the_dark_palette_has_no_serious_accessibility_violation(tab, server, page):
    """The same check in the dark palette, for a reader whose system prefers it."""
    if not AXE.is_file():
        pytest.skip("axe-core introuvable : lancez `npm ci` (`make test` le fait)")
    _forget_the_palette(tab, server)  # no palette chosen before: the system's
    tab.emulate_media(color_scheme="dark")
    try:
        tab.goto(server.url + page, wait_until="load")
        tab.wait_for_function(_WIDGETS_SETTLED, timeout=10_000)
        assert tab.evaluate("() => document.body.dataset.mdColorScheme") == "slate"
        serious = _serious(_axe(tab, AXE.read_text(encoding="utf-8"), COLOR_RULES))
    finally:
        _forget_the_palette(tab, server)
        tab.emulate_media(color_scheme="light")
    assert not serious, "violations (axe-core, palette sombre) :\n" + serious


# Widths of a phone and a tablet; 1280 px is the tab's (above). Phones and tablets have no
# mouse: Material then leaves its code blocks out of the keyboard's reach (no hover), which
# is what defilement.js fixes. Only the rules that depend on the layout run again here;
# the others are checked at 1280 px (those on colors in both palettes), and on the home
# page at every width: what only narrow screens show (the menu's button and drawer) is
# the same on every page.
NARROW_WIDTHS = (800, 375)
LAYOUT_RULES = ["scrollable-region-focusable", "target-size"]
_SCROLL = """async () => { const step = innerHeight * 2;
  for (let y = 0; y < document.body.scrollHeight; y += step) {
    scrollTo(0, y); await new Promise(r => requestAnimationFrame(r)); }
  scrollTo(0, 0); await new Promise(r => setTimeout(r, 300)); }"""
_TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def test_every_page_passes_axe_at_the_widths_of_a_phone_and_a_tablet(browser, server):
    if not AXE.is_file():
        pytest.skip("axe-core introuvable : lancez `npm ci` (`make test` le fait)")
    context = browser.new_context(
        viewport={"width": NARROW_WIDTHS[0], "height": 800}, locale="fr-FR", has_touch=True
    )
    let_through(context, server.url)
    tab, axe, found = context.new_page(), AXE.read_text(encoding="utf-8"), []
    try:
        for page in PAGES:
            tab.goto(server.url + page, wait_until="load")
            # A notebook page has its chapter's blocks: at the phone's width only (time).
            widths = NARROW_WIDTHS[-1:] if page.startswith("notebooks/") else NARROW_WIDTHS
            for width in widths:
                tab.set_viewport_size({"width": width, "height": 800})
                if width == widths[0]:
                    tab.evaluate(_SCROLL)  # once: what loads on scrolling is then loaded
                else:  # the page's `resize` handlers run at the next frame
                    tab.evaluate(_TWO_FRAMES)
                rules = None if page == "" else LAYOUT_RULES
                if serious := _serious(_axe(tab, axe, rules)):
                    found.append(f"/{page} à {width} px : {serious}")
    finally:
        context.close()
    assert not found, "violations (axe-core) :\n" + "\n".join(found)


def test_a_block_shown_after_the_page_gets_the_keyboard_when_it_scrolls(tab, server):
    """Blocks come after the page is shown (Material wraps its tables, the widgets draw):
    defilement.js makes them focusable too, as soon as they scroll sideways."""
    tab.goto(server.url, wait_until="load")
    tab.evaluate("""() => { const wrap = document.createElement("div");
      wrap.className = "md-typeset__scrollwrap"; wrap.id = "bloc-ajoute";
      wrap.style.overflowX = "auto"; wrap.innerHTML = '<div style="width: 5000px">.</div>';
      document.querySelector(".md-content").append(wrap); }""")
    tab.evaluate(_TWO_FRAMES)
    assert tab.locator("#bloc-ajoute").get_attribute("tabindex") == "0"


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


@pytest.mark.parametrize("page", SOLUTIONS, ids=_name)
def test_solutions_are_folded_and_one_unfolds_on_click(visit, page):
    solution = visit(page).solution
    assert solution["count"] > 0
    assert solution["open"] == 0, f"{solution['open']} solution(s) dépliée(s) d'emblée"
    assert not solution["visible before"]
    assert solution["open after"]


@pytest.mark.parametrize("page", CHAPTERS, ids=_name)
def test_the_copy_button_copies_the_code_of_a_block(visit, page):
    copy = visit(page).copy
    assert copy["copied"].strip() == copy["code"].strip()
    assert copy["code"].strip()


def test_the_light_dark_toggle_switches_the_palette(tab, server):
    _forget_the_palette(tab, server)  # no palette chosen before
    tab.goto(server.url + CHAPTERS[0])

    def palette():
        return tab.evaluate(
            "() => [document.body.dataset.mdColorScheme,"
            " getComputedStyle(document.body).backgroundColor]"
        )

    try:
        scheme, light = palette()
        assert scheme == "default"
        tab.get_by_title("Passer en mode sombre").click()
        tab.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
        scheme, dark = palette()
        assert dark != light
        tab.get_by_title("Passer en mode clair").click()
        tab.wait_for_function("() => document.body.dataset.mdColorScheme === 'default'")
        assert palette()[1] == light
    finally:
        _forget_the_palette(tab, server)  # the next pages in the system's palette


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("pooling", ["convolution-pooling/"]),
        ("rétropropagation", ["transfert-apprentissage/", ""]),
        ("padding", ["cnn-cifar10/"]),
    ],
)
def test_the_french_search_finds_the_right_pages(tab, server, word, expected):
    """Material's search box: the first page found (notebooks aside) is the expected one,
    and every expected page is among the results."""
    found = _search(tab, server, word)
    chapters = [page for page in found if not page.startswith("notebooks/")]
    assert chapters, f"« {word} » : aucune page trouvée"
    assert chapters[0] == expected[0], f"« {word} » : {found}"
    assert set(expected) <= set(found), f"« {word} » : {found}"


@pytest.mark.parametrize(
    ("plain", "accented"),
    [
        ("reseau", "réseau"),
        ("epoque", "époque"),
        ("retropropagation", "rétropropagation"),
        ("reglage fin", "réglage fin"),
    ],
)
def test_the_search_ignores_accents(tab, server, plain, accented):
    """A student who types without accents finds the same pages, in the same order."""
    found = _search(tab, server, accented)
    assert found, f"« {accented} » : aucune page trouvée"
    assert _search(tab, server, plain) == found


def _search(tab, server, words: str) -> list[str]:
    """The pages (paths under the site) that the search box lists for `words`, in order."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if tab.url != server.url:
        tab.goto(server.url)
    box = tab.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press_sequentially(words, delay=20)
    # Results for the whole words, not for their first letters: their links carry
    # ?h=<words>, as the search reads them (without accents).
    try:
        tab.wait_for_function(
            """(words) => [...document.querySelectorAll('.md-search-result__item > a')]
                 .some((a) => new URL(a.href).searchParams.get('h')
                      === words.normalize('NFD').replace(/[\\u0300-\\u036f]/g, ''))""",
            arg=words,
            timeout=15_000,
        )
    except PlaywrightTimeout:
        meta = tab.locator(".md-search-result__meta").inner_text()
        pytest.fail(f"« {words} » : aucun résultat pour le mot entier ({meta})")
    found = tab.evaluate(
        """() => [...document.querySelectorAll('.md-search-result__item > a')]
             .map((a) => new URL(a.href).pathname)"""
    )
    tab.keyboard.press("Escape")
    return [path.removeprefix(SITE_PATH) for path in found]


def test_a_missing_page_at_any_depth_shows_the_404_page_with_its_styles(tab, server, journal):
    """GitHub Pages answers every missing address with 404.html: its links are absolute,
    from site_url, so that its styles and its way home load at any depth."""
    missing = server.url + "un/chapitre/introuvable/"
    journal.reset()
    response = tab.goto(missing, wait_until="load")
    assert response.status == 404
    assert tab.locator("article h1").inner_text() == "Page introuvable"
    failed = [failure for failure in journal.failed if not failure.startswith(missing)]
    assert not failed, failed
    header = "() => getComputedStyle(document.querySelector('.md-header')).position"
    assert tab.evaluate(header) == "sticky", "le 404 s'affiche sans les styles du site"
    tab.get_by_role("link", name="accueil du TP").click()
    tab.wait_for_url(server.url)


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
