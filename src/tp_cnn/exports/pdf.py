"""The whole TP in one PDF (`make pdf`), printed by Chromium from the built site.

Why Chromium (through the Playwright of the tests) and not a MkDocs PDF plugin: the math
is typeset by KaTeX in the browser, which WeasyPrint-based plugins (mkdocs-to-pdf) do not
run, and mkdocs-with-pdf is unmaintained; Chromium prints the pages exactly as students
see them, and the project already installs it. pypdf (pure Python) reads the result back.

The pages of the navigation (mkdocs.yml, notebooks aside), in reading order, are opened
from disk once their math is typeset; their content is gathered into one document (a
cover, a table of contents, one chapter per page) printed twice: a draft without its
images gives each chapter's first page (where the table of contents' links lead), then
the final PDF has those numbers in its table of contents, and an outline of the headings.
The site's folded boxes are printed open, its solutions as the site shows them (the
policy of mkdocs.yml and of each page, see `course.solutions`): folded (only their title is
printed), open (`shown`, the instructor's copy) or absent (`hidden`). What is interactive
prints as its static state: a widget as its figure or table, a quiz as its questions,
with their answers at its end (under each question in the instructor's copy); no button.
"""

from __future__ import annotations

import io
import tempfile
from html import escape
from pathlib import Path

from pypdf import PdfReader

from tp_cnn.course.config import SITE_POLICY, site_config
from tp_cnn.course.solutions import policy
from tp_cnn.course.typography import french
from tp_cnn.reading.navigation import nav_files

CHAPTER_START = "chapitre"  # ids of the chapters: chapitre-1, chapitre-2…

# One page's content, its ids and links made to work in the single document.
_GATHER = """([n, chapters]) => {
  const article = document.querySelector("article.md-content__inner").cloneNode(true);
  article.querySelectorAll(".headerlink, .md-content__button, .md-source-file, script")
    .forEach((e) => e.remove());
  // What is interactive prints as its static state: a widget's figure (or table), a
  // quiz's questions and answers; its controls are left out, its images loaded now.
  article.querySelectorAll(".widget__ui, .quiz__ui").forEach((e) => e.remove());
  article.querySelectorAll(".widget--active, .quiz--active")
    .forEach((e) => e.classList.remove("widget--active", "quiz--active"));
  article.querySelectorAll("img[loading]").forEach((img) => img.removeAttribute("loading"));
  // The anchors of the code's lines: no use on paper, one link each in the PDF.
  article.querySelectorAll("a[id^=__codelineno]").forEach((a) => a.replaceWith(...a.childNodes));
  article.querySelectorAll("[id]").forEach((e) => { e.id = `c${n}-${e.id}`; });
  article.querySelectorAll("[src]").forEach((e) => e.setAttribute("src", e.src));
  article.querySelectorAll("a[href]").forEach((a) => {
    const url = new URL(a.href);
    const chapter = chapters.indexOf(url.origin + url.pathname) + 1;
    if (url.protocol !== "file:") return;  // another site: the link stays
    if (chapter === 0) a.removeAttribute("href");  // a file of the site, not in the PDF
    else if (!url.hash) a.setAttribute("href", `#chapitre-${chapter}`);
    else a.setAttribute("href", `#c${chapter}-${decodeURIComponent(url.hash.slice(1))}`);
  });
  return {
    title: article.querySelector("h1").textContent.trim(),
    html: article.innerHTML,
    styles: [...document.querySelectorAll("link[rel=stylesheet]")].map((l) => l.href),
    body: [...document.body.attributes].map((a) => [a.name, a.value]),  // Material's palette
  };
}"""

_PRINT_CSS = Path(__file__).with_name("pdf.css")  # the print styles of the document

_FOOTER = (
    '<div style="width:100%;font:8px sans-serif;color:#555;text-align:center">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)
_HEADER = (
    '<div style="width:100%;font:8px sans-serif;color:#555;padding:0 16mm">'
    '<span class="title"></span></div>'
)

_EDITION = {
    "collapsed": "Les solutions sont repliées : seul leur titre figure ici.",
    "hidden": "",
    "shown": "Toutes les solutions sont dépliées.",
}
_COVER = ("site_name", "site_description")


class PdfError(Exception):
    """A PDF that could not be made: the message, in French, says why."""


def chapter_files(site: Path, config: dict) -> list[Path]:
    """The built pages of the navigation's Markdown pages, in reading order."""
    markdown = [src for src in nav_files(config["nav"]) if src.endswith(".md")]
    pages = [site / Path(md).with_suffix(".html") for md in markdown]
    missing = [page.name for page in pages if not page.is_file()]
    if missing:
        raise PdfError(
            f"Pages introuvables dans le site construit : {', '.join(missing)} "
            "(construisez-le avec le greffon offline : OFFLINE=true)."
        )
    return pages


def print_pdf(
    site: Path, out: Path, browser, config: dict | None = None, open_solutions: bool = False
) -> Path:
    """Print the site built for file:// (offline plugin) in `site` into the PDF `out`,
    with `browser` (Playwright's Chromium). `config`: the configuration it was built
    with (mkdocs.yml when not given), for its navigation and its solution policy. The
    solutions are printed as the site shows them (folded, open or absent), or all open
    with `open_solutions`."""
    config = config or site_config()
    chapters = chapter_files(site, config)
    urls = [page.as_uri() for page in chapters]
    tab = browser.new_page(locale="fr-FR")
    try:
        gathered = []
        for n, url in enumerate(urls, start=1):
            tab.goto(url, wait_until="load")
            gathered.append(tab.evaluate(_GATHER, [n, urls]))
        with tempfile.TemporaryDirectory() as folder:
            document = Path(folder) / "tp.html"
            document.write_text(_document(config, gathered), encoding="utf-8")
            tab.goto(document.as_uri(), wait_until="load")
            first_pages = _chapter_pages(_print(tab, open_solutions, []), len(chapters))
            pdf = _print(tab, open_solutions, [n + 1 for n in first_pages])
        if _chapter_pages(pdf, len(chapters)) != first_pages:
            raise PdfError("Les numéros de la table des matières ont changé la pagination.")
    finally:
        tab.close()
    out.write_bytes(pdf)
    return out


# The folded boxes opened (solutions too, or not), the table of contents' page numbers
# (none: a draft).
_PREPARE = """([solutions, numbers]) => {
  document.querySelectorAll("details").forEach((box) => {
    if (solutions || !box.classList.contains("tf")) box.open = true;
  });
  document.querySelectorAll(".toc .page").forEach((span, i) => {
    span.textContent = numbers[i] ?? "";
  });
  document.body.classList.toggle("draft", numbers.length === 0);
}"""


def _document(config: dict, gathered: list[dict]) -> str:
    first = gathered[0]
    sheets = dict.fromkeys(url for page in gathered for url in page["styles"])  # the widgets' too
    styles = "".join(f'<link rel="stylesheet" href="{escape(url)}">' for url in sheets)
    body = "".join(f' {name}="{escape(value)}"' for name, value in first["body"])
    toc = "".join(
        f'<li><a href="#{CHAPTER_START}-{n}">{escape(page["title"])}</a>'
        '<span class="dots"></span><span class="page"></span></li>'
        for n, page in enumerate(gathered, start=1)
    )
    chapters = "".join(
        f'<section class="chapter" id="{CHAPTER_START}-{n}">{page["html"]}</section>'
        for n, page in enumerate(gathered, start=1)
    )
    name, description = (escape(french(config.get(key, ""))) for key in _COVER)
    solutions, _ = policy(config.get("extra") or {}, SITE_POLICY)  # for today
    edition = escape(french(_EDITION[solutions]))
    css = _PRINT_CSS.read_text(encoding="utf-8")
    return (
        f'<!doctype html><html lang="fr" dir="ltr"><head><meta charset="utf-8">'
        f"<title>{name}</title>{styles}<style>{css}</style></head>"
        f'<body{body}><div class="md-typeset">'
        f'<section class="cover"><p class="title">{name}</p>'
        f"<p>{description}</p><p>{edition}</p></section>"
        f'<nav class="toc"><p class="toc-title">Table des matières</p><ol>{toc}</ol></nav>'
        f"{chapters}</div></body></html>"
    )


def _print(tab, solutions: bool, numbers: list[int]) -> bytes:
    """The document printed; a draft (no page numbers yet), only for its pagination, leaves
    out the images (they keep their room) and the outline: twice as fast."""
    tab.evaluate(_PREPARE, [solutions, numbers])
    draft = not numbers
    return tab.pdf(
        format="A4",
        print_background=True,
        display_header_footer=True,
        header_template=_HEADER,
        footer_template=_FOOTER,
        margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"},
        outline=not draft,
        tagged=not draft,  # an accessible PDF, and the outline needs it
    )


def _chapter_pages(pdf: bytes, count: int) -> list[int]:
    """The first page (from 0) of each chapter: where the table of contents' links lead
    (Chromium names the destination of a link after its target's id)."""
    reader = PdfReader(io.BytesIO(pdf))
    names = [f"/{CHAPTER_START}-{n}" for n in range(1, count + 1)]
    missing = [name for name in names if name not in reader.named_destinations]
    if missing:
        raise PdfError(f"Chapitres introuvables dans le PDF imprimé : {', '.join(missing)}.")
    return [reader.get_destination_page_number(reader.named_destinations[n]) for n in names]
