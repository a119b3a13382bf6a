"""The built site in the other views a student may have, in the browser (see
test_browser.py, which visits every page once, at every width, in both palettes): the
system's dark palette, a device without a mouse at the widths of a phone and a tablet,
the keyboard on blocks shown late, the light/dark toggle, the French search without
accents, the 404 page at any depth. Its own file, so that `pytest -n` runs it beside
the visits."""

from __future__ import annotations

import pytest
from built_site import (
    AXE,
    NARROW_WIDTHS,
    SITE_PATH,
    TWO_FRAMES,
    WIDGETS_SETTLED,
    narrow_violations,
    page_id,
)


def _forget_the_palette(tab, server):
    """Material stores the palette a page shows, even the system's, and stores it again
    when the page is left: forget it from a page of the site without Material."""
    tab.goto(server.url + "sitemap.xml")
    tab.evaluate("() => localStorage.clear()")


def test_a_reader_whose_system_prefers_dark_gets_the_dark_palette(tab, server):
    """Material follows the system's preference while no palette is chosen (the rules on
    colors in the dark palette: tests/test_browser.py, in the visits)."""
    _forget_the_palette(tab, server)  # no palette chosen before: the system's
    tab.emulate_media(color_scheme="dark")
    try:
        tab.goto(server.url, wait_until="load")
        assert tab.evaluate("() => document.body.dataset.mdColorScheme") == "slate"
    finally:
        _forget_the_palette(tab, server)
        tab.emulate_media(color_scheme="light")


# A phone or a tablet has no mouse: Material then leaves its code blocks out of the
# keyboard's reach (no hover), which is what defilement.js fixes. The narrow widths are
# checked on every page with a mouse (tests/test_browser.py, in the visit); without one,
# on a page of each template: the chapter with the most widgets and blocks, and a
# notebook (the same scripts run on every page of a template).
TOUCH_PAGES = ["convolution-pooling/", "notebooks/convolution-pooling/"]


@pytest.mark.parametrize("page", TOUCH_PAGES, ids=page_id)
def test_a_page_on_a_device_without_mouse_passes_axe_at_narrow_widths(browser, server, page):
    if not AXE.is_file():
        pytest.skip("axe-core introuvable : lancez `npm ci` (`make test` le fait)")
    context = browser.new_context(
        viewport={"width": NARROW_WIDTHS[0], "height": 800}, locale="fr-FR", has_touch=True
    )
    tab = context.new_page()
    try:
        tab.goto(server.url + page, wait_until="load")
        tab.wait_for_function(WIDGETS_SETTLED, timeout=10_000)
        assert not tab.evaluate("() => matchMedia('(hover)').matches")  # no mouse
        found = narrow_violations(tab, AXE.read_text(encoding="utf-8"), page)
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
    tab.evaluate(TWO_FRAMES)
    assert tab.locator("#bloc-ajoute").get_attribute("tabindex") == "0"


def test_the_light_dark_toggle_switches_the_palette(tab, server):
    _forget_the_palette(tab, server)  # no palette chosen before
    tab.goto(server.url)  # the toggle is in the header, the same on every page

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


