"""Write the figures a page draws where the page declares them, with their provenance.

Nothing is written unless the whole page ran: each figure is rendered in memory first,
then every file and the manifest are replaced atomically (write aside, then rename), so
a failed or interrupted run leaves the previous figures and manifest in place.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from . import harness
from .executor import BlockResult, PageRun, describe_failure
from .pages import DOCS, FIGURES, Page, PageError, course_pages, find_page

MANIFEST = FIGURES / "manifest.json"


def _replace(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.tmp")
    aside.write_bytes(data)
    os.replace(aside, path)


def _device() -> str:
    if "tensorflow" not in sys.modules:
        return "CPU"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")


def _tensorflow_version() -> str | None:
    return sys.modules["tensorflow"].__version__ if "tensorflow" in sys.modules else None


def match_figures(page: Page, results: list[BlockResult]) -> list[tuple[str, BlockResult, object]]:
    """Pair the n-th figure drawn with the n-th figure link of the page."""
    drawn = [(result, figure) for result in results for figure in result.figures]
    if len(drawn) != len(page.figures):
        raise PageError(
            f"{page.label} : la page déclare {len(page.figures)} figure(s) "
            f"(liens ![...](figures/...)) mais son code en dessine {len(drawn)}. "
            "Placez un lien d'image après chaque bloc qui dessine, un par figure."
        )
    pairs = []
    for ref, (result, figure) in zip(page.figures, drawn, strict=True):
        if ref.lineno < result.block.lineno:
            raise PageError(
                f"{page.label}, ligne {ref.lineno} : la figure {ref.path} est placée avant "
                f"le bloc de la ligne {result.block.lineno} qui la dessine."
            )
        pairs.append((ref.path, result, figure))
    return pairs


def _render(figure, path: str) -> bytes:
    buffer = io.BytesIO()
    png = path.endswith(".png")
    figure.savefig(
        buffer,
        format=Path(path).suffix[1:],
        bbox_inches="tight",
        metadata={"Software": None} if png else None,
        pil_kwargs={"optimize": True} if png else None,
    )
    return buffer.getvalue()


def write_page_figures(
    page: Page, results: list[BlockResult], info: harness.RunInfo, seconds: float
) -> list[Path]:
    """Render every figure first, then replace the files and the manifest."""
    rendered = {
        path: (_render(figure, path), result)
        for path, result, figure in match_figures(page, results)
    }
    provenance = {
        "mode": info.mode,
        "device": _device(),
        "tensorflow": _tensorflow_version(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "page_seconds": round(seconds, 1),
    }
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else {}
    manifest = {key: entry for key, entry in manifest.items() if entry.get("page") != page.name}
    for path, (data, result) in rendered.items():
        manifest[path] = {
            "page": page.name,
            "block_line": result.block.lineno,
            "code_sha256": hashlib.sha256(result.block.code.encode()).hexdigest()[:16],
            "data": result.data,
            "epochs": result.epochs,
            **provenance,
        }
        _replace(DOCS / path, data)
    text = json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=2) + "\n"
    _replace(MANIFEST, text.encode())
    return [DOCS / path for path in rendered]


def generate(page: Page, mode: str, workdir: Path | None = None) -> list[Path]:
    """Run a page from its first block to its last, then write its figures."""
    start = time.perf_counter()
    with harness.prepared(mode, workdir) as info:
        results = PageRun(page, info).run()
        return write_page_figures(page, results, info, time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="generate_figures.py",
        description="Exécute les pages du cours et régénère les figures qu'elles déclarent.",
    )
    parser.add_argument(
        "--page", help="nom d'une page (par exemple convolution-pooling) ; par défaut, toutes"
    )
    parser.add_argument(
        "--mode",
        choices=harness.MODES,
        default="full",
        help="full : les pages telles qu'écrites ; fast : substituts et calcul réduit (CPU)",
    )
    args = parser.parse_args(argv)
    harness.quiet_tensorflow()
    try:
        pages = [find_page(args.page)] if args.page else course_pages()
    except PageError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    failures = 0
    workdir = Path(tempfile.mkdtemp(prefix="tp-cnn-figures-"))  # shared by the pages, in order
    for page in pages:
        start = time.perf_counter()
        try:
            written = generate(page, args.mode, workdir)
        except Exception as error:  # report, keep the previous figures, go on
            failures += 1
            kept = f"→ Les figures précédentes de {page.name} sont conservées."
            print(f"{describe_failure(page, error)}\n{kept}", file=sys.stderr)
            continue
        seconds = time.perf_counter() - start
        print(f"{page.name} : {len(written)} figure(s) écrite(s) en {seconds:.1f} s")
    return 1 if failures else 0
