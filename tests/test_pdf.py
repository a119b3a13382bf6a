"""The whole TP in one PDF (`make pdf`, src/tp_cnn/exports/pdf.py), printed once for the session
by Debian's chromium from the site built for file:// with the solutions hidden
(`offline_site`), and read back: its structure (outline, images, fonts) with pypdf, its text
with pypdfium2 (PDFium, 20 times faster than pypdf on the TP's 86 pages).

Its pages: plausibly many, each with its number; its chapters: every page of the
navigation in reading order, each title on the page that the table of contents and the
outline give; its content: the figures with their provenance, the math in KaTeX's fonts,
and not one line of a solution, since the policy hides them; what is interactive as its
static state: each quiz's questions and answers, and no control of a widget or a quiz.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tp_cnn.paths import DOCS
from tp_cnn.reading.navigation import nav_files
from tp_cnn.reading.pages import load_page
from tp_cnn.reading.segments import Code, Figure

pypdf = pytest.importorskip("pypdf", reason="pypdf introuvable : `make install` l'installe")
pdfium = pytest.importorskip(
    "pypdfium2", reason="pypdfium2 introuvable : `make install` l'installe"
)


def _flat(text: str) -> str:
    """Text with every run of spaces (no-break ones included) as one space."""
    return re.sub(r"\s+", " ", text).strip()


def _solution(segment) -> bool:
    return any(box.is_solution for box in segment.within)


@pytest.fixture(scope="session")
def chapters(offline_site):
    """The Markdown pages of the navigation, in reading order."""
    _, config = offline_site
    return [load_page(DOCS / name) for name in nav_files(config["nav"]) if name.endswith(".md")]


@pytest.fixture(scope="session")
def titles(chapters) -> list[str]:
    return [
        next(s.text[2:] for s in page.segments if getattr(s, "text", "").startswith("# "))
        for page in chapters
    ]


@pytest.fixture(scope="session")
def printed(offline_site, browser, tmp_path_factory) -> Path:
    from tp_cnn.exports.pdf import print_pdf

    site, config = offline_site
    out = tmp_path_factory.mktemp("pdf") / "tp.pdf"
    # Every box printed open: a solution left in the site would be in the PDF's text.
    return print_pdf(site, out, browser, config, open_solutions=True)


@pytest.fixture(scope="session")
def pdf(printed):
    return pypdf.PdfReader(printed)


@pytest.fixture(scope="session")
def texts(printed) -> list[str]:
    """The text of each page, spaces flattened."""
    document = pdfium.PdfDocument(printed)
    try:
        return [_flat(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def test_the_pdf_has_a_plausible_number_of_pages(pdf, chapters):
    """A printed page holds fewer than 80 lines of Markdown (text, code, figures take
    room), and the TP is not spread out a paragraph a page (more than 10 lines a page)."""
    lines = sum(len(page.path.read_text(encoding="utf-8").splitlines()) for page in chapters)
    assert lines // 80 < len(pdf.pages) < lines // 10, f"{len(pdf.pages)} pages, {lines} lignes"


def test_every_page_has_its_number(texts):
    missing = [n for n, text in enumerate(texts, 1) if f"{n} / {len(texts)}" not in text]
    assert not missing, f"pages sans leur numéro : {missing}"


def test_every_chapter_starts_on_the_page_its_table_of_contents_gives(texts, titles):
    """The table of contents (page 2) lists every chapter in reading order with the page
    where it starts, and that page starts with its title (the running header and the
    page number come last in the page's text)."""
    toc = texts[1]
    assert "Table des matières" in toc, toc
    starts = []
    for title in titles:
        found = re.search(re.escape(_flat(title)) + r" (\d+)", toc)
        assert found, f"« {title} » absent de la table des matières : {toc}"
        starts.append(int(found[1]))
        page = texts[starts[-1] - 1]
        assert page.startswith(_flat(title)), f"« {title} » ne commence pas la page : {page[:80]}"
    assert starts == sorted(starts) and len(set(starts)) == len(starts), starts


def test_the_outline_holds_the_chapters(pdf, titles):
    """The PDF's bookmarks: one per chapter, in reading order (their sections below)."""
    tops = [_flat(item.title) for item in pdf.outline if not isinstance(item, list)]
    assert len(tops) == len(titles), tops
    assert all(_flat(title) in top for title, top in zip(titles, tops, strict=True)), tops


def test_the_figures_are_printed_with_their_provenance(offline_site, pdf, texts, chapters):
    """Every PNG figure outside a solution is an image of the PDF (an SVG one is drawn),
    and every provenance caption that the site shows under a figure is in its text."""
    site, _ = offline_site
    figures = [
        f
        for page in chapters
        for f in page.segments
        if isinstance(f, Figure) and f.path.endswith(".png") and not _solution(f)
    ]
    images = sum(
        xobject.get_object()["/Subtype"] == "/Image"
        for page in pdf.pages
        for xobject in (page["/Resources"].get("/XObject") or {}).values()
    )
    assert images >= len(figures) > 0, f"{images} images pour {len(figures)} figures"
    text = re.sub(r"\s", "", "".join(texts))  # a caption may wrap anywhere
    captions = [
        re.sub(r"\s", "", re.sub(r"<[^>]+>", "", caption))
        for page in chapters
        for caption in re.findall(
            r'class="figure-provenance"[^>]*>(.*?)</span>',
            (site / f"{page.name}.html").read_text(encoding="utf-8"),
            re.DOTALL,
        )
    ]
    assert captions, "aucune provenance de figure dans le site"
    missing = [caption for caption in captions if caption not in text]
    assert not missing, f"provenances absentes du PDF : {missing[:3]}"


def test_the_math_is_typeset_in_katex_fonts(pdf):
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in pdf.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("KaTeX" in font for font in fonts), sorted(fonts)


def test_no_solution_is_printed_when_the_policy_hides_them(texts, chapters):
    """The site was built with `extra.solutions: hidden` and printed with every box open:
    no line of the solutions' code is in the PDF, while the lines of the other blocks are
    (the probe works)."""
    text = " ".join(texts)

    def probes(in_solution: bool) -> set[str]:
        lines = {
            _flat(line)
            for page in chapters
            for block in page.segments
            if isinstance(block, Code) and _solution(block) == in_solution
            for line in block.code.splitlines()
            if len(line.strip()) >= 25
        }
        return lines - (probes(not in_solution) if in_solution else set())

    solutions, others = probes(True), probes(False)
    assert solutions and others
    found = sorted(line for line in solutions if line in text)
    assert not found, f"{len(found)} lignes de solution dans le PDF, dont : {found[:3]}"
    printed = [line for line in others if line in text]
    assert len(printed) >= 0.9 * len(others), f"{len(printed)} / {len(others)} lignes de code"


# The labels of the widgets' and the quizzes' controls (docs/assets/widgets, docs/assets/quiz).
CONTROLS = ["Précédent", "Suivant", "Lecture", "Retirer", "Tout retirer", "Ajouter la couche",
            "Revenir au modèle de la page", "Vérifier", "Recommencer", "Votre réponse"]  # fmt: skip


def _bare(text: str) -> str:
    """Text without Markdown's inline marks nor any space: a line may wrap anywhere."""
    return re.sub(r"[\s`*]", "", text)


def test_no_control_of_a_widget_or_a_quiz_is_printed(texts):
    """The PDF prints the static state: a widget's figure or table, a quiz's questions;
    none of their buttons, fields or live messages (the widgets' tables are there)."""
    text = " ".join(texts)
    found = {label: text.count(label) for label in CONTROLS
             if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)}  # fmt: skip
    assert not found, f"contrôles imprimés : {found}"
    assert "Données produites par le code ci-dessus" in text  # the widgets' provenance
    assert "Forme de sortie" in text  # the calculator's static table


def test_every_quiz_is_printed_with_its_questions_and_then_its_answers(texts, chapters):
    """The site hides the solutions, not the quizzes: every question, its choices, and at
    the end of the quiz « Réponses : » with every right answer and its explanation."""
    text = _bare("".join(texts))
    quizzes = [quiz for page in chapters for quiz in page.quizzes]
    assert len(quizzes) == 4
    for quiz in quizzes:
        questions = [text.find(_bare(question.text)) for question in quiz.questions]
        assert -1 not in questions, [q.text for q in quiz.questions]
        answers = text.find("Réponses:", questions[-1])
        assert answers > questions[-1], "« Réponses : » absent après les questions"
        for question in quiz.questions:
            for answer in question.answers if question.kind != "number" else ():
                assert _bare(answer.text) in text[questions[0] : answers], answer.text
            for answer in question.right:
                assert _bare(answer.explanation) in text[answers:], answer.explanation
