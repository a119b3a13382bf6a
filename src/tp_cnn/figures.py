"""Run the course pages and write what they produce: figures, provenance, results.

`python scripts/generate_figures.py` runs the pages in reading order, in one working
directory, with the harness of the chosen mode. For each page that ran to its end it
writes the figures that the page declares and its entries of docs/figures/manifest.json:

- "pages": how the page ran (mode, device, TensorFlow version, date, duration, cache key);
- "figures": for each figure, its page, the block that drew it, the hash of that block's
  code, the data (real or stand-ins) and the epochs of the last training;
- "runs": the runs that the page put in the TP's comparison table (see `results`).

Nothing is written unless the whole page ran: each figure is rendered in memory first,
then every file and the manifest are replaced atomically (written aside, then renamed), so
a failed or interrupted run leaves the previous figures, results and manifest in place.
A page whose code has not changed since it last ran in the same mode is not run again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import harness, notebooks, results
from .executor import BlockResult, PageRun, describe_failure
from .pages import DOCS, Page, PageError, course_pages, find_page

MANIFEST = "figures/manifest.json"  # relative to docs/


def _replace(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.tmp")
    aside.write_bytes(data)
    os.replace(aside, path)


def load_manifest(docs: Path = DOCS, path: Path | None = None) -> dict:
    path = path or docs / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {section: manifest.get(section, {}) for section in ("pages", "figures", "runs")}


def _write_manifest(docs: Path, manifest: dict) -> None:
    manifest = {section: dict(sorted(entries.items())) for section, entries in manifest.items()}
    _replace(docs / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode())


def _without_page(manifest: dict, page: str) -> dict:
    return {
        "pages": {name: entry for name, entry in manifest["pages"].items() if name != page},
        "figures": {k: e for k, e in manifest["figures"].items() if e["page"] != page},
        "runs": {k: e for k, e in manifest["runs"].items() if e["page"] != page},
    }


def page_key(page: Page, mode: str) -> str:
    """What a page's outputs depend on: its code, its figures, the mode and the harness."""
    digest = hashlib.sha256(f"{mode}\n".encode())
    digest.update(Path(harness.__file__).read_bytes())
    for block in page.blocks:
        digest.update("\0".join([block.code, *block.marks]).encode())
    digest.update("\0".join(ref.path for ref in page.figures).encode())
    return digest.hexdigest()[:16]


def is_current(page: Page, mode: str, docs: Path = DOCS) -> bool:
    """The page ran with this code and mode, and its figures are all there."""
    manifest = load_manifest(docs)
    entry = manifest["pages"].get(page.name, {})
    return entry.get("key") == page_key(page, mode) and all(
        (docs / ref.path).is_file() for ref in page.figures
    )


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
    """PNG (optimised) for photos and pixel grids, SVG (text as paths) for curves."""
    buffer = io.BytesIO()
    if path.endswith(".png"):
        options = {"metadata": {"Software": None}, "pil_kwargs": {"optimize": True}}
    else:
        options = {"metadata": {"Date": None, "Creator": None}}
    import matplotlib

    # Same figure, same bytes: SVG ids are drawn from this salt, not at random.
    with matplotlib.rc_context({"svg.hashsalt": "tp-cnn"}):
        figure.savefig(buffer, format=Path(path).suffix[1:], bbox_inches="tight", **options)
    return buffer.getvalue()


def write_outputs(
    page: Page,
    blocks: list[BlockResult],
    runs: dict[str, dict],
    info: harness.RunInfo,
    seconds: float,
    docs: Path = DOCS,
) -> list[Path]:
    """Render every figure first, then replace the files and the manifest."""
    rendered = {
        path: (_render(figure, path), result)
        for path, result, figure in match_figures(page, blocks)
    }
    manifest = _without_page(load_manifest(docs), page.name)
    manifest["pages"][page.name] = {
        "key": page_key(page, info.mode),
        "mode": info.mode,
        "device": _device(),
        "tensorflow": _tensorflow_version(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
    }
    for path, (_, result) in rendered.items():
        manifest["figures"][path] = {
            "page": page.name,
            "block_line": result.block.lineno,
            "code_sha256": hashlib.sha256(result.block.code.encode()).hexdigest()[:16],
            "data": result.data,
            "epochs": result.epochs,
        }
    for run, entry in runs.items():
        manifest["runs"][run] = {"page": page.name, **entry}
    for path, (data, _) in rendered.items():
        _replace(docs / path, data)
    _write_manifest(docs, manifest)
    return [docs / path for path in rendered]


def merge(parts: Path, docs: Path = DOCS) -> list[str]:
    """Bring in the outputs of pages run on other machines, then return their names.

    `parts/figures-<page>/` holds what the run of <page> wrote under docs/figures/: its
    manifest.json and its figures (the GPU workflow spreads pages over several runners).
    """
    manifest, merged = load_manifest(docs), []
    for part in sorted(Path(parts).glob("figures-*")):
        page = part.name.removeprefix("figures-")
        theirs = load_manifest(path=part / "manifest.json")
        if page not in theirs["pages"]:
            continue
        manifest = _without_page(manifest, page)
        for section in manifest:
            manifest[section].update(
                (key, entry)
                for key, entry in theirs[section].items()
                if (key if section == "pages" else entry["page"]) == page
            )
        for path in theirs["figures"]:
            if theirs["figures"][path]["page"] == page:
                _replace(docs / path, (part / Path(path).relative_to("figures")).read_bytes())
        merged.append(page)
    _write_manifest(docs, manifest)
    return merged


def generate(
    page: Page, mode: str, workdir: Path | None = None, docs: Path = DOCS, echo: bool = False
) -> list[Path]:
    """Run a page from its first block to its last, then write what it produced.

    If the page fails, the table of results in `workdir` is put back as it was.
    """
    with tempfile.TemporaryDirectory(prefix="tp-cnn-") as scratch:
        workdir = Path(workdir or scratch)
        table = workdir / results.RESULTS_CSV
        table_before = table.read_bytes() if table.exists() else None
        start = time.perf_counter()
        try:
            # The runs that the page recorded last time: it records them again if it still does.
            runs = load_manifest(docs)["runs"]
            results.forget(workdir, [run for run in runs if runs[run]["page"] == page.name])
            with harness.prepared(mode, workdir) as info:
                run, tracker = PageRun(page, info, echo), results.RunTracker(workdir, info)
                blocks = []
                for block in page.blocks:
                    blocks.append(run.run_block(block))
                    tracker.after_block()
                seconds = time.perf_counter() - start
                return write_outputs(page, blocks, tracker.runs, info, seconds, docs)
        except BaseException:
            if table_before is None:
                table.unlink(missing_ok=True)
            else:
                table.write_bytes(table_before)
            raise


def _advice(page: Page, error: BaseException) -> str:
    rerun = f'make figures ARGS="--page {page.name}"'
    if isinstance(error, harness.DataUnavailable):
        return "→ Les données manquent : voir le message ci-dessus."
    if isinstance(error, MemoryError) or "ResourceExhausted" in type(error).__name__:
        return (
            "→ Mémoire insuffisante : fermez les autres programmes qui utilisent le GPU ou "
            f"réduisez batch_size dans la page, puis relancez : {rerun}"
        )
    return f"→ Corrigez la page (make test montre la même erreur), puis relancez : {rerun}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="generate_figures.py",
        description="Exécute les pages du cours et régénère leurs figures et leurs résultats.",
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
    parser.add_argument(
        "--force", action="store_true", help="relancer aussi les pages dont le code n'a pas changé"
    )
    parser.add_argument(
        "--docs", type=Path, default=DOCS, help="dossier des pages (docs/ du dépôt par défaut)"
    )
    parser.add_argument(
        "--list", action="store_true", help="afficher le nom des pages, dans l'ordre, et quitter"
    )
    args = parser.parse_args(argv)
    harness.quiet_tensorflow()
    try:
        pages = [find_page(args.page, args.docs)] if args.page else course_pages(args.docs)
    except PageError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    if args.list:
        print("\n".join(page.name for page in pages))
        return 0
    from tqdm import tqdm

    def say(message: str) -> None:
        tqdm.write(message, file=sys.stderr)

    failures = 0
    workdir = Path(tempfile.mkdtemp(prefix="tp-cnn-figures-"))  # shared by the pages, in order
    results.write_table(workdir, load_manifest(args.docs)["runs"])
    bar = tqdm(pages, desc="Pages", unit="page", file=sys.stderr)
    try:
        for page in bar:
            bar.set_postfix_str(page.name)
            if not args.force and is_current(page, args.mode, args.docs):
                say(f"{page.name} : inchangée depuis sa dernière exécution (--force la relance)")
                continue
            start = time.perf_counter()
            try:
                written = generate(page, args.mode, workdir, args.docs, echo=args.mode == "full")
            except KeyboardInterrupt:
                say(
                    f"Interrompu pendant {page.label} : ses figures et résultats précédents sont "
                    "conservés."
                )
                return 130
            except Exception as error:  # report, keep the previous outputs, go on
                failures += 1
                say(
                    f"{describe_failure(page, error)}\n{_advice(page, error)}\n"
                    f"→ Les figures et résultats précédents de {page.name} sont conservés."
                )
                continue
            seconds = time.perf_counter() - start
            say(f"{page.name} : {len(written)} figure(s) écrite(s) en {seconds:.1f} s")
    finally:
        bar.close()
        shutil.rmtree(workdir, ignore_errors=True)
    # The notebooks of the pages (Colab): cheap, from the pages' text; not if interrupted.
    for path in notebooks.write_notebooks(args.docs):
        print(f"Notebook mis à jour : {path.relative_to(args.docs)}", file=sys.stderr)
    return 1 if failures else 0
