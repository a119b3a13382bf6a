"""Bring in the outputs of pages run on other machines (the GPU workflow's last job).

`parts/figures-<page>/` is the artifact of the run of <page>, laid out as
`actions/upload-artifact` stores `docs/figures/manifest.json` and `docs/figures/<page>/`
(relative to their common folder) and `download-artifact` puts it back: its
`manifest.json` and its `<page>/` figures. Each part is validated, then the page's
figures and records are put in place together, under the manifest's lock.
Standard library only.
"""

from __future__ import annotations

from pathlib import Path

from tp_cnn.figures import manifest
from tp_cnn.outputs import commit
from tp_cnn.paths import DOCS


def merge(parts: Path, docs: Path = DOCS) -> list[str]:
    """Merge every `figures-<page>` folder of `parts` into `docs`; the pages merged."""
    merged = []
    for part in sorted(Path(parts).glob("figures-*")):
        page = part.name.removeprefix("figures-")
        theirs = manifest.read(part / "manifest.json").page_of(page)
        if page not in theirs.pages:
            continue
        files = {docs / path: (part / Path(path).relative_to("figures")).read_bytes()
                 for path in theirs.figures}  # fmt: skip
        with manifest.locked(docs) as current:
            updated = current.with_page(
                page, theirs.pages[page], theirs.figures, theirs.runs, theirs.outputs
            )
            commit({**files, docs / manifest.MANIFEST: updated.to_json().encode()})
        merged.append(page)
    return merged
