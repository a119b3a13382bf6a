"""A page's code writes in its working directory, never in docs/: the check of it.

`snapshot(docs)` notes each file of docs/ (size, modification time) before the page's
blocks run; `check` compares after they ran, before anything is written. A file that
the code created is removed, a file that it changed is named (git restores it), and the
run fails (`PageError`): the page's previous outputs stay.

What figure runs write is not blamed on the page: its own figures and widget data, the
manifest, the notebooks, the temporary files of a commit under way, and the figures of
the pages that another run recorded meanwhile. Nor is what an instructor may edit
during a long run: the pages (`*.md`) and docs/assets/ are never blamed, never removed.
"""

from __future__ import annotations

import os
from pathlib import Path

from tp_cnn.figures import manifest
from tp_cnn.reading.pages import PageError
from tp_cnn.reading.segments import Page

Snapshot = dict[str, tuple[int, int]]  # relative path -> (size, mtime_ns); folders: (-1, 0)


def snapshot(docs: Path) -> Snapshot:
    found: Snapshot = {}
    for folder, names, files in os.walk(docs):  # symbolic links to folders not followed
        here = Path(folder)
        for name in names:
            found[(here / name).relative_to(docs).as_posix() + "/"] = (-1, 0)
        for name in files:
            try:
                stat = (here / name).lstat()
            except OSError:  # removed meanwhile
                continue
            found[(here / name).relative_to(docs).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def _records(docs: Path) -> manifest.Manifest:
    try:
        return manifest.read(docs / manifest.MANIFEST, missing_ok=True)
    except manifest.ManifestError:
        return manifest.Manifest()


def _ignored(path: str, outputs: set[str]) -> bool:
    parts = path.rstrip("/").split("/")
    return (
        path.endswith(".md")  # the pages: an instructor may edit them during a run
        or parts[0] == "assets"
        or (parts[-1].startswith(".") and parts[-1].endswith(".tmp"))
        or path in (manifest.MANIFEST, "figures/", "notebooks/")
        or (parts[0] == "notebooks" and len(parts) == 2 and path.endswith(".ipynb"))
        or path in outputs
        or (path.endswith("/") and any(output.startswith(path) for output in outputs))
    )


class Guard:
    """What docs/ holds before a page runs; `check()` after its blocks ran."""

    def __init__(self, page: Page, docs: Path):
        self.page, self.docs = page, Path(docs)
        self.before, self.records = snapshot(self.docs), _records(self.docs)

    def check(self) -> None:
        after, now, then = snapshot(self.docs), _records(self.docs), self.records
        moved = {n for n in {*now.pages, *then.pages} if now.pages.get(n) != then.pages.get(n)}
        outputs = {ref.path for ref in [*self.page.figures, *self.page.widgets]} | {
            path for m in (now, then) for path, figure in m.figures.items() if figure.page in moved
        }  # the page's own, and those that another run wrote meanwhile
        created = sorted(p for p in after if p not in self.before and not _ignored(p, outputs))
        changed = sorted(p for p, seen in self.before.items()
                         if after.get(p) != seen and not _ignored(p, outputs))  # fmt: skip
        if not created and not changed:
            return
        for path in sorted(created, reverse=True):  # files first, then their new folders
            target = self.docs / path
            try:
                target.rmdir() if path.endswith("/") else target.unlink()
            except OSError:
                pass
        raise PageError(self._message(created, changed))

    def _message(self, created: list[str], changed: list[str]) -> str:
        where = self.docs.name
        lines = [f"{self.page.label} : son code a écrit dans {self.docs}, où seul le script "
                 "des figures écrit (une page écrit dans son dossier de travail, chemins "
                 "relatifs)."]  # fmt: skip
        if files := [p for p in created if not p.endswith("/")]:
            lines.append(f"Fichier(s) créé(s), retiré(s) : {', '.join(files)}.")
        if changed:
            restore = " ".join(f"{where}/{p}" for p in changed)
            lines.append(f"Fichier(s) modifié(s) ou supprimé(s) : {', '.join(changed)} ; "
                         f"restaurez-les : git checkout -- {restore}")  # fmt: skip
        lines.append("Corrigez la page ; ses figures et résultats précédents sont conservés.")
        return "\n".join(lines)
