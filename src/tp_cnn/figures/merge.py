"""Bring in the outputs of pages run on other machines (the GPU workflow's last job).

`parts/figures-<page>/` is the artifact of the run of <page>, laid out as
`actions/upload-artifact` stores `docs/figures/manifest.json` and `docs/figures/<page>/`
(relative to their common folder) and `download-artifact` puts it back: its
`manifest.json` and its `<page>/` figures. Every part is validated first: its name (a
course page of docs/), no symbolic link anywhere in it, its manifest (as `manifest.read`
does), each figure of the page a plain file of `<page>/`; and, unless `force`, a less
complete run never replaces a more complete one that is current. Then the pages' figures
and records are put in place together, under the manifest's lock; a refusal (`MergeError`,
naming the part and the file) writes nothing. Standard library only.
"""

from __future__ import annotations

import os
from pathlib import Path

from tp_cnn.figures import manifest
from tp_cnn.figures.key import kept_message, kept_record
from tp_cnn.outputs import commit
from tp_cnn.paths import DOCS
from tp_cnn.reading.navigation import course_pages
from tp_cnn.reading.segments import Page


class MergeError(Exception):
    """An artifact is refused: the message names the part and the file, and what to do."""


def _refuse(part: Path, problem: str) -> MergeError:
    return MergeError(f"{part} : {problem}. Rien n'a été rassemblé : relancez la génération "
                      "de cette page (workflow des figures), ou retirez cet artefact.")  # fmt: skip


def _symlinks(part: Path) -> list[Path]:
    found = [part] if part.is_symlink() else []
    for folder, names, files in os.walk(part):  # links to folders are listed, not followed
        found += [Path(folder) / name for name in [*names, *files]
                  if (Path(folder) / name).is_symlink()]  # fmt: skip
    return found


def _read_figure(part: Path, page: str, path: str) -> bytes:
    source = part / Path(path).relative_to("figures")
    if Path(path).parent != Path("figures") / page:  # manifest.read checks it too
        raise _refuse(part, f"la figure {path} n'est pas dans figures/{page}/")
    try:
        handle = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        raise _refuse(part, f"{source} : illisible ({error.strerror})") from None
    with os.fdopen(handle, "rb") as stream:
        return stream.read()


def read_part(part: Path, pages: dict[str, Page]) -> tuple[str, manifest.Manifest, dict]:
    """The page of a part, its records, and its files ({path under docs/: bytes})."""
    page = part.name.removeprefix("figures-")
    if page not in pages:
        known = ", ".join(pages) or "aucune"
        raise _refuse(part, f"« {page} » n'est pas une page du cours (pages : {known})")
    if links := _symlinks(part):
        raise _refuse(part, f"{links[0]} est un lien symbolique (refusé, non suivi)")
    try:
        theirs = manifest.read(part / "manifest.json").page_of(page)
    except manifest.ManifestError as error:
        raise MergeError(f"{part} : {error}") from None
    files = {path: _read_figure(part, page, path) for path in theirs.figures}
    return page, theirs, files


def merge(parts: Path, docs: Path = DOCS, force: bool = False) -> list[str]:
    """Merge every `figures-<page>` folder of `parts` into `docs`; the pages merged."""
    docs = Path(docs)
    pages = {page.name: page for page in course_pages(docs)}
    read = [read_part(part, pages) for part in sorted(Path(parts).glob("figures-*"))]
    read = [(page, theirs, files) for page, theirs, files in read if page in theirs.pages]
    with manifest.locked(docs) as current:
        updated, files = current, {}
        for page, theirs, figures in read:
            record = theirs.pages[page]
            if not force and (kept := kept_record(pages[page], record.mode, current, docs)):
                raise _refuse(Path(parts) / f"figures-{page}" / "manifest.json",
                              kept_message(page, kept, record.mode) + " (merge_figures.py "
                              "--force)")  # fmt: skip
            updated = updated.with_page(page, record, theirs.figures, theirs.runs,
                                        theirs.outputs)
            files.update({docs / path: data for path, data in figures.items()})
        if read:
            commit({**files, docs / manifest.MANIFEST: updated.to_json().encode()})
    return [page for page, _, _ in read]
