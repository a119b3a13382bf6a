"""`make pdf`: the TP in one PDF (`exports.pdf`), from the site built for file:// with the
solutions of mkdocs.yml, or all shown (`--solutions`, the instructor's copy)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

from tp_cnn.course.typography import french
from tp_cnn.exports.browser import CHROMIUM_FLAGS, MISSING, find_chromium
from tp_cnn.exports.builds import BuildError, build_site
from tp_cnn.exports.pdf import PdfError, print_pdf
from tp_cnn.outputs import written_whole
from tp_cnn.paths import ROOT

PDF = ROOT / "site" / "pdf" / "tp-module-2-cnn.pdf"
PDF_WITH_SOLUTIONS = PDF.with_name("tp-module-2-cnn-enseignant.pdf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make pdf",
        description=french(
            f"Le TP en un seul PDF ({PDF.relative_to(ROOT)}), imprimé par Chromium depuis "
            "le site construit : solutions selon la politique de mkdocs.yml (extra.solutions)."
        ),
    )
    parser.add_argument(
        "--solutions",
        action="store_true",
        help=french(
            "édition de l'enseignant, toutes les solutions dépliées : "
            f"{PDF_WITH_SOLUTIONS.relative_to(ROOT)}"
        ),
    )
    args = parser.parse_args(argv)
    final = PDF_WITH_SOLUTIONS if args.solutions else PDF
    executable = find_chromium()
    if executable is None:
        print(french(MISSING), file=sys.stderr)
        return 1
    try:
        from playwright.sync_api import Error as BrowserError
        from playwright.sync_api import sync_playwright
    except ImportError:
        print(french("Playwright introuvable : `make install` l'installe."), file=sys.stderr)
        return 1
    try:
        with tempfile.TemporaryDirectory() as folder, written_whole(final) as temporary:
            config = build_site(
                Path(folder), offline=True, solutions="shown" if args.solutions else None
            )
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, args=CHROMIUM_FLAGS
                )
                print_pdf(Path(folder), temporary, browser, config)
    except (BuildError, PdfError) as error:
        print(french(str(error)), file=sys.stderr)
        return 1
    except BrowserError as error:
        reason = error.message.splitlines()[0]
        print(french(f"Chromium a échoué pendant l'impression : {reason}"), file=sys.stderr)
        return 1
    pages = len(PdfReader(final).pages)
    print(french(f"PDF : {final.relative_to(ROOT)} ({pages} pages)."))
    return 0
