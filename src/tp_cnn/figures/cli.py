"""The figure script's command line: `make figures ARGS="…"` (scripts/generate_figures.py).

Options are checked before anything runs. The pages run in reading order, each in a
process of its own (`python -m tp_cnn.figures`: a fresh TensorFlow, memory given back,
a timeout), all in one working directory (the results table passes from page to page).
A page that fails, is killed or exceeds its time is reported (page, line, error) and
summarised at the end, and its previous outputs stay. A page whose outputs are current
is not run again; a run never replaces the outputs of a more complete one (full, then
mixed, then fast) unless `--force`. `--estimate` runs every page in estimate mode and
prints how long the full run would take, page by page and model by model (`estimate`);
it writes nothing under docs/.
`--list` needs only the standard library (the GPU workflow's first job runs it).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tp_cnn.figures import manifest, needs
from tp_cnn.paths import DOCS
from tp_cnn.reading.navigation import course_pages, find_page
from tp_cnn.reading.pages import PageError
from tp_cnn.reading.segments import Page
from tp_cnn.running.modes import RECORDED, WORDS, less_complete


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        message = message.replace("unrecognized arguments", "option(s) inconnue(s)")
        message = message.replace("expected one argument", "une valeur est attendue")
        message = message.replace("argument ", "option ").replace("invalid choice", "choix inconnu")
        message = message.replace("choose from", "valeurs possibles :")
        self.exit(2, f"Erreur : {message}\n{self.format_usage()}")


def _not_empty(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("valeur vide")
    return value


def _docs(value: str) -> Path:
    path = Path(_not_empty(value))
    if not path.is_dir() or not any(path.glob("*.md")):
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un dossier de pages (.md)")
    return path.resolve()


def _minutes(value: str) -> float:
    try:
        minutes = float(value)
    except ValueError:
        minutes = 0
    if minutes <= 0:
        raise argparse.ArgumentTypeError(f"« {value} » : un nombre de minutes positif")
    return minutes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = _Parser(
        prog="generate_figures.py",
        description="Exécute les pages du cours et régénère leurs figures et leurs résultats.",
    )
    add = parser.add_argument
    add(
        "--page", type=_not_empty, help="nom d'une page (ex. convolution-pooling) ; défaut : toutes"
    )
    add(
        "--mode",
        choices=RECORDED,
        default="full",
        help="full : pages telles qu'écrites ; mixed : données réelles présentes sur cette "
        "machine à pleine charge, substituts réduits ailleurs ; fast : tout réduit",
    )
    add(
        "--estimate",
        action="store_true",
        help="estimer la durée d'une exécution complète, sans rien écrire dans docs/",
    )
    add("--force", action="store_true", help="relancer aussi les pages à jour")
    add("--docs", type=_docs, default=DOCS, help="dossier des pages (docs/ du dépôt par défaut)")
    add("--timeout", type=_minutes, default=240, help="minutes au plus par page (240)")
    add("--list", action="store_true", help="afficher le nom des pages, dans l'ordre, et quitter")
    return parser.parse_args(argv)


def rerun_command(args: argparse.Namespace, page: str) -> str:
    """The command that runs this page again with the same options."""
    options = [f"--page {page}", f"--mode {args.mode}"]
    if args.docs != DOCS:
        options.append(f"--docs {args.docs}")
    if args.force:
        options.append("--force")
    return f'make figures ARGS="{" ".join(options)}"'


def _advice(report: dict, command: str) -> str:
    if report.get("write_error"):
        return "→ Rien n'a été écrit pour cette page. Relancez ensuite : " + command
    if report.get("error") == "DataUnavailable":
        return "→ Les données manquent (voir le message ci-dessus), puis : " + command
    if report.get("error") in {"MemoryError", "ResourceExhaustedError"}:
        return f"→ Mémoire insuffisante : réduisez batch_size dans la page, puis : {command}"
    return f"→ Corrigez la page (make test montre la même erreur), puis : {command}"


def run_page(page: Page, args, workdir: Path, mode: str | None = None) -> dict:
    """Run one page in a child process (in `mode`, `args.mode` by default); its report."""
    status = workdir / f".{page.name}.status.json"
    status.unlink(missing_ok=True)
    command = [sys.executable, "-m", "tp_cnn.figures", str(page.path), mode or args.mode,
               str(args.docs), str(workdir), str(status)]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(command, env=env, start_new_session=True, preexec_fn=_die_with_parent)
    try:
        child.wait(timeout=args.timeout * 60)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        return {"ok": False, "message": f"{page.label} : plus de {args.timeout:g} min, arrêtée."}
    except KeyboardInterrupt:
        os.killpg(child.pid, signal.SIGINT)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
        raise
    if status.exists():
        return json.loads(status.read_text(encoding="utf-8"))
    return {
        "ok": False,
        "message": f"{page.label} : le processus s'est arrêté ({child.returncode})",
    }


def _die_with_parent() -> None:
    """In the child: killed if the figure script dies (Linux), never left running alone."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        pages = [find_page(args.page, args.docs)] if args.page else course_pages(args.docs)
        if args.list:
            print("\n".join(page.name for page in pages))
            return 0
        current = manifest.read(args.docs / manifest.MANIFEST, missing_ok=True)
    except (PageError, manifest.ManifestError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    if (args.mode == "full" or args.estimate) and (lacking := _lacking(pages, args, current)):
        if not args.estimate:
            print(f"Erreur : {needs.refusal(lacking)}", file=sys.stderr)
            return 2
        say("En mode complet, il manquerait ici : " + " ; ".join(
            f"{page} ({', '.join(whats)})" for page, whats in lacking.items()))  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="tp-cnn-figures-"))  # shared by the pages, in order
    try:
        if args.estimate:
            return _estimate_all(pages, args, workdir)
        return _run_all(pages, args, current, workdir)
    except KeyboardInterrupt:
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _lacking(pages: list[Page], args, current: manifest.Manifest) -> dict[str, list[str]]:
    """What the pages that would run load and this machine cannot have (`needs`)."""
    from tp_cnn.figures import key

    to_run = [page for page in pages if args.estimate or args.force
              or not key.is_current(page, args.mode, current, args.docs)]  # fmt: skip
    return needs.missing(to_run)


def _run_all(pages: list[Page], args, current: manifest.Manifest, workdir: Path) -> int:
    from tp_cnn.exports import notebooks
    from tp_cnn.figures import key, results

    results.write_table(workdir, current.runs)
    failures: dict[str, str] = {}
    for number, page in enumerate(pages, 1):
        say(f"[{number}/{len(pages)}] {page.name}")
        record = current.pages.get(page.name)
        if not args.force and key.is_current(page, args.mode, current, args.docs):
            say(f"{page.name} : à jour depuis sa dernière exécution (--force la relance)")
            continue
        if not args.force and record and less_complete(args.mode, than=record.mode):
            say(f"{page.name} : garde son exécution {WORDS[record.mode]} ; --force la "
                f"remplace par une exécution {WORDS[args.mode]}")  # fmt: skip
            continue
        start = time.perf_counter()
        try:
            report = run_page(page, args, workdir)
        except KeyboardInterrupt:
            say(f"Interrompu pendant {page.label} : ses figures et résultats précédents sont "
                "conservés.")  # fmt: skip
            raise
        if report["ok"]:
            say(f"{page.name} : {report['figures']} figure(s) écrite(s) en "
                f"{time.perf_counter() - start:.1f} s")  # fmt: skip
            continue
        failures[page.name] = (f"{page.name} (ligne {report.get('line') or '?'} : "
                               f"{report.get('error') or 'arrêt'})")  # fmt: skip
        say(f"{report['message']}\n{_advice(report, rerun_command(args, page.name))}\n"
            f"→ Les figures et résultats précédents de {page.name} sont conservés.")  # fmt: skip
    changed, strays = notebooks.write_notebooks(args.docs, skip=tuple(failures))
    for path in changed:
        say(f"Notebook mis à jour : {path.relative_to(args.docs)}")
    for path in strays:
        say(f"Notebook sans page (non supprimé) : {path.relative_to(args.docs)}")
    if failures:
        say(f"Pages en échec : {', '.join(failures.values())}")
    return 1 if failures else 0


def _estimate_all(pages: list[Page], args, workdir: Path) -> int:
    from tp_cnn.figures import estimate

    reports, failures = {}, []
    for number, page in enumerate(pages, 1):
        say(f"[{number}/{len(pages)}] {page.name} : estimation")
        report = run_page(page, args, workdir, mode="estimate")
        if report["ok"]:
            reports[page.name] = report
        else:
            failures.append(page.name)
            say(report["message"])
    if reports:
        print(estimate.table(reports))
    if failures:
        say(f"Pages en échec : {', '.join(failures)}")
    return 1 if failures else 0


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
