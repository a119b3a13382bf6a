"""The figure script's command line: `make figures ARGS="…"` (scripts/generate_figures.py).

Options are checked before anything runs. The pages run in reading order, each in a
process of its own (`python -m tp_cnn.figures`: a fresh TensorFlow, memory given back,
a timeout), all in one working directory (the results table passes from page to page).
A page that fails, is killed or exceeds its time is reported (page, line, error) and
summarised at the end, and its previous outputs stay. A page whose outputs are current
is not run again; a run never replaces the outputs of a more complete one (full, then
mixed, then fast) that is still current, unless `--force`: checked at start-up, and again
under the manifest's lock when the page's outputs are written (another run may have
finished meanwhile). A page whose process dies says which block it was running (the
child writes it to a progress file). SIGTERM stops the script as Ctrl-C does, also in
the background: the working directory is removed; a killed run's temporary files in docs/
are removed at start-up. `--estimate` prints how long a full run would take (`estimate`),
writing nothing; `--list` needs only the standard library (the GPU workflow runs it).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tp_cnn.figures import manifest, needs
from tp_cnn.figures.options import parse_args, rerun_command
from tp_cnn.outputs import WriteError, remove_leftovers
from tp_cnn.reading.navigation import course_pages, find_page
from tp_cnn.reading.pages import PageError
from tp_cnn.reading.segments import Page

ADVICE = {
    "Timeout": "→ La page a dépassé sa limite de temps : si elle est simplement longue, "
    "relancez avec une limite plus grande (--timeout MINUTES, 240 par défaut) : ",
    "Killed": "→ Le processus de la page a été tué de l'extérieur ; s'il manquait de mémoire "
    "(le noyau tue alors le plus gros processus, voir `dmesg`), réduisez batch_size dans la "
    "page ou libérez de la mémoire, puis : ",
    "Died": "→ Le processus de la page s'est arrêté sans rapport : cherchez dans ce bloc ce "
    "qui arrête Python (os._exit, une extension qui plante) ou un manque de mémoire, puis : ",
}


def _advice(report: dict, command: str) -> str:
    if report.get("write_error"):
        return "→ Rien n'a été écrit pour cette page. Relancez ensuite : " + command
    if report.get("error") == "DataUnavailable":
        return "→ Les données manquent (voir le message ci-dessus), puis : " + command
    if report.get("error") in {"MemoryError", "ResourceExhaustedError"}:
        return f"→ Mémoire insuffisante : réduisez batch_size dans la page, puis : {command}"
    if report.get("error") in ADVICE:
        return ADVICE[report["error"]] + command
    return f"→ Corrigez la page (make test montre la même erreur), puis : {command}"


def _where(progress: Path) -> tuple[int | None, str]:
    """The line of the block that the page's process was running, and how to say it."""
    try:
        line = int(progress.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, "avant son premier bloc"
    return line, f"pendant le bloc de la ligne {line}"


def run_page(page: Page, args, workdir: Path, mode: str | None = None) -> dict:
    """Run one page in a child process (in `mode`, `args.mode` by default); its report."""
    status = workdir / f".{page.name}.status.json"
    progress = workdir / f".{page.name}.progress"
    status.unlink(missing_ok=True)
    progress.unlink(missing_ok=True)
    command = [sys.executable, "-m", "tp_cnn.figures", str(page.path), mode or args.mode,
               str(args.docs), str(workdir), str(status), f"--progress={progress}",
               *(["--force"] if args.force else [])]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(command, env=env, start_new_session=True, preexec_fn=_die_with_parent)
    try:
        child.wait(timeout=args.timeout * 60)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        line, where = _where(progress)
        return {"ok": False, "error": "Timeout", "line": line,
                "message": f"{page.label} : plus de {args.timeout:g} min, arrêtée {where}."}
    except KeyboardInterrupt:
        os.killpg(child.pid, signal.SIGINT)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
        raise
    if status.exists():
        return json.loads(status.read_text(encoding="utf-8"))
    line, where = _where(progress)
    code = child.returncode
    how = f"tué par le signal {_signal_name(-code)}" if code < 0 else f"code {code}"
    return {"ok": False, "error": "Killed" if code < 0 else "Died", "line": line,
            "message": f"{page.label} : le processus s'est arrêté {where} ({how})."}  # fmt: skip


def _signal_name(number: int) -> str:
    return {s.value: s.name for s in signal.Signals}.get(number, str(number))


def _die_with_parent() -> None:
    """In the child: killed if the script dies (Linux); stopped by its SIGINT, even when
    started in the background (`nohup`, `&`: SIGINT inherited as ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a CI job cancelled): stops the script as Ctrl-C does, cleanly."""


def _terminate(signum, frame):
    raise Terminated


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
    if message := needs.check(pages, args, current):
        print(message, file=sys.stderr)
        if not args.estimate:
            return 2
    previous = _on_sigterm(_terminate)  # so that every `finally` runs
    try:
        workdir = Path(tempfile.mkdtemp(prefix="tp-cnn-figures-"))  # shared by the pages
        try:
            if args.estimate:
                return _estimate_all(pages, args, workdir)
            return _run_all(pages, args, current, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    except Terminated:
        return 143
    except KeyboardInterrupt:
        return 130
    finally:
        _on_sigterm(previous)


def _on_sigterm(handler):
    """Install `handler` for SIGTERM (from the main thread only); the one it replaces."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def _skipped(page: Page, args, current: manifest.Manifest) -> str | None:
    """Why the page is not run (its outputs are current, or more complete and current)."""
    from tp_cnn.figures import key

    if args.force:
        return None
    if key.is_current(page, args.mode, current, args.docs):
        return f"{page.name} : à jour depuis sa dernière exécution (--force la relance)"
    if kept := key.kept_record(page, args.mode, current, args.docs):
        return key.kept_message(page.name, kept, args.mode)
    return None


def _remove_leftovers(docs: Path) -> None:
    from tp_cnn.exports.notebooks import NOTEBOOKS

    with manifest.locked(docs):  # no commit under way in docs/figures/
        removed = remove_leftovers([docs / "figures", docs / NOTEBOOKS])
    for path in removed:
        say(f"Fichier temporaire d'une exécution interrompue, retiré : {path.relative_to(docs)}")


def _run_all(pages: list[Page], args, current: manifest.Manifest, workdir: Path) -> int:
    from tp_cnn.exports import notebooks
    from tp_cnn.figures import results

    _remove_leftovers(args.docs)
    results.write_table(workdir, current.runs)
    failures: dict[str, str] = {}
    for number, page in enumerate(pages, 1):
        say(f"[{number}/{len(pages)}] {page.name}")
        if reason := _skipped(page, args, current):
            say(reason)
            continue
        start = time.perf_counter()
        try:
            report = run_page(page, args, workdir)
        except KeyboardInterrupt:
            say(f"Interrompu pendant {page.label} : ses figures et résultats précédents sont "
                "conservés.")  # fmt: skip
            raise
        if report["ok"]:
            say(report.get("kept") or f"{page.name} : {report['figures']} figure(s) écrite(s) "
                f"en {time.perf_counter() - start:.1f} s")  # fmt: skip
            continue
        failures[page.name] = (f"{page.name} (ligne {report.get('line') or '?'} : "
                               f"{report.get('error') or 'arrêt'})")  # fmt: skip
        say(f"{report['message']}\n{_advice(report, rerun_command(args, page.name))}\n"
            f"→ Les figures et résultats précédents de {page.name} sont conservés.")  # fmt: skip
    try:
        changed, strays = notebooks.write_notebooks(args.docs, skip=tuple(failures))
    except WriteError as error:  # a read-only docs/notebooks, a full disk
        say(f"Notebooks non mis à jour : {error}")
        return 3
    say(*(f"Notebook mis à jour : {path.relative_to(args.docs)}" for path in changed))
    say(*(f"Notebook sans page (non supprimé) : {path.relative_to(args.docs)}" for path in strays))
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


def say(*messages: str) -> None:
    for message in messages:
        print(message, file=sys.stderr, flush=True)
