"""The site to open from disk (`make offline`, src/tp_cnn/offline.py): the zip made of the
site built for file:// (`offline_site`), unzipped and opened in Debian's chromium over
file://, without any server and with every other host blocked: the navigation leads to a
chapter, its figures load, its math is typeset, and the search finds « convolution ».
"""

from __future__ import annotations

import zipfile

import pytest
from built_site import let_through

from tp_cnn.exports.offline import NAME, pack

CHAPTER = "Convolution et pooling"


@pytest.fixture(scope="session")
def unzipped(offline_site, tmp_path_factory):
    site, _ = offline_site
    folder = tmp_path_factory.mktemp("hors-ligne")
    with zipfile.ZipFile(pack(site, folder / f"{NAME}.zip")) as archive:
        names = archive.namelist()
        archive.extractall(folder)
    return folder / NAME, names


@pytest.fixture(scope="session")
def offline_tab(browser, unzipped):
    """One tab on the unzipped site; `tab.outside` lists what it asked of anything but
    the disk (blocked), `tab.errors` its console errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    outside, errors = [], []

    let_through(context, "file://", outside)
    tab = context.new_page()
    tab.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    tab.on("pageerror", lambda error: errors.append(f"exception : {error}"))
    tab.outside, tab.errors = outside, errors
    tab.goto((unzipped[0] / "index.html").as_uri(), wait_until="load")
    yield tab
    context.close()


def test_the_zip_holds_the_site_in_one_folder(unzipped):
    site, names = unzipped
    assert all(name.startswith(f"{NAME}/") for name in names), names[:5]
    assert (site / "index.html").is_file() and (site / "search" / "search_index.js").is_file()
    pages = list(site.rglob("*.html"))
    assert pages and not any("unpkg.com" in page.read_text(encoding="utf-8") for page in pages)


def test_a_chapter_opens_from_the_navigation(offline_tab):
    """Clicked in the navigation, the chapter opens as a file; its figures are loaded and
    its math typeset, and nothing was asked of another host."""
    nav = offline_tab.locator(".md-sidebar--primary").get_by_role("navigation", name="Le TP")
    nav.get_by_role("link", name=CHAPTER).click()
    offline_tab.wait_for_url("**/convolution-pooling.html")
    offline_tab.wait_for_load_state("load")
    # A widget's fallback image (lazy, hidden once the widget runs) may never load.
    images = offline_tab.evaluate(
        """() => [...document.querySelectorAll("article img:not(.widget__fallback img)")]
             .map((img) => [img.getAttribute("src"), img.complete && img.naturalWidth > 0])"""
    )
    assert images and all(loaded for _, loaded in images), images
    math = offline_tab.evaluate(
        """() => [document.querySelectorAll("article .arithmatex").length,
                  document.querySelectorAll("article .arithmatex .katex").length]"""
    )
    assert math[0] > 0 and math[1] == math[0], f"formules typographiées : {math[1]} / {math[0]}"
    assert not offline_tab.outside, offline_tab.outside
    assert not offline_tab.errors, offline_tab.errors


def test_the_search_finds_convolution(offline_tab):
    """Material's search, its index a script and its worker run by the local shim."""
    box = offline_tab.locator("input.md-search__input")
    box.click()
    box.press_sequentially("convolution", delay=20)
    results = offline_tab.locator(".md-search-result__item > a")
    results.first.wait_for(timeout=15_000)
    pages = set(results.evaluate_all("(a) => a.map((a) => new URL(a.href).pathname)"))
    assert any(page.endswith("/convolution-pooling.html") for page in pages), pages
    assert not offline_tab.outside, offline_tab.outside


def test_the_quiz_of_a_chapter_works_from_disk(offline_tab, unzipped):
    """Its script and style come with the pack; an answer is checked under file:// too."""
    offline_tab.goto((unzipped[0] / "convolution-pooling.html").as_uri(), wait_until="load")
    quiz = offline_tab.locator('[data-quiz][data-ready="ready"]')
    quiz.wait_for(timeout=10_000)
    question = quiz.locator('[data-quiz-question="number"]').first
    question.get_by_label("Votre réponse").fill("6")
    question.get_by_role("button", name="Vérifier").click()
    assert question.locator(".quiz__feedback").inner_text().startswith("Bonne réponse.")
    quiz.get_by_role("button", name="Recommencer").click()
    assert not offline_tab.outside, offline_tab.outside
    assert not offline_tab.errors, offline_tab.errors
