"""French typography: non-breaking spaces in the prose, never in code, math or attributes."""

import re

import pytest

from tp_cnn.course.typography import NBSP, NNBSP, french, french_html, html_runs

PAGES = ["", "convolution-pooling", "cnn-cifar10", "vgg16", "transfert-apprentissage", "resultats"]


def test_french_puts_the_right_space_before_each_sign():
    assert french("Oui ; non ! Pourquoi ? Voici : « ceci »") == (
        f"Oui{NNBSP}; non{NNBSP}! Pourquoi{NNBSP}? Voici{NBSP}: «{NBSP}ceci{NBSP}»"
    )


def test_french_leaves_code_math_and_signs_without_space_alone():
    text = "Le `print(a : b)` de $x : y$ et \\(p ; q\\), à 12:30 sur https://a.b?!"
    assert french(text) == text


def test_french_keeps_fenced_blocks_and_line_starts():
    text = "Titre :\n\n```python\nx = {1 : 2}\n```\n\nterme\n: définition"
    assert french(text) == f"Titre{NBSP}:\n\n```python\nx = {{1 : 2}}\n```\n\nterme\n: définition"


def test_french_is_idempotent_and_fixes_the_width_of_a_no_break_space():
    once = french("a ; b : « c »")
    assert french(once) == once
    assert french(f"a{NBSP}?") == f"a{NNBSP}?"


def test_french_html_changes_text_only():
    html = (
        '<p title="a : b">Un <code>x ; y</code> ? <a href="https://x.fr/?q=1 ;">lien</a> :'
        ' <span class="arithmatex">\\(a : b\\)</span></p>'
        '<div class="arithmatex">\\[u ; v\\]</div><pre><code>a : b</code></pre>'
        "<script>if (a ? b : c) {}</script><!-- a : b --> fin !"
    )
    assert french_html(html) == (
        '<p title="a : b">Un <code>x ; y</code>\u202f? <a href="https://x.fr/?q=1 ;">lien</a>'
        '\u00a0: <span class="arithmatex">\\(a : b\\)</span></p>'
        '<div class="arithmatex">\\[u ; v\\]</div><pre><code>a : b</code></pre>'
        "<script>if (a ? b : c) {}</script><!-- a : b --> fin\u202f!"
    )


def test_french_html_counts_entities_as_no_break_spaces():
    html = "«&nbsp;à la main&nbsp;» x&nbsp;? y&nbsp;: z"
    assert french_html(html) == f"«{NBSP}à la main{NBSP}» x{NNBSP}? y&nbsp;: z"


def test_french_html_leaves_nested_code_alone_until_it_closes():
    html = "<pre><code><span>a : b</span></code></pre><p>c : d</p>"
    assert french_html(html) == f"<pre><code><span>a : b</span></code></pre><p>c{NBSP}: d</p>"


def _prose(html: str) -> str:
    """The page's prose (menu and table of contents included), code and math replaced
    by a placeholder word."""
    text = []
    for token, prose in html_runs(html):
        if prose:
            text.append(token)
        elif not token.startswith("<"):
            text.append("x")
    return "".join(text)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page or "accueil")
def test_the_built_pages_have_french_spaces(site, page):
    html = (site / page / "index.html").read_text(encoding="utf-8")
    prose = _prose(html)
    assert "«" in prose or page == "resultats"
    spaces = "[ \t\r\n]"
    before = re.findall(rf".{{0,30}}{spaces}+[;:!?].{{0,10}}", prose)
    assert not before, f"espace ordinaire avant un signe double : {before}"
    inside = re.findall(rf"«{spaces}.{{0,30}}|.{{0,30}}{spaces}»", prose)
    inside += re.findall(r"«(?:\u00a0|&nbsp;){2}.{0,30}", prose)  # doubled
    assert not inside, f"espace ordinaire dans des guillemets : {inside}"
