"""docs/figures/manifest.json: where each generated figure and result comes from.

Four sections of typed records, keyed by page name, figure path, run name and block:

- `pages`: how a page last ran (`PageRecord`: cache key, mode, device, versions, date);
- `figures`: each figure (and each widget's data, a .json), its page, the block that drew
  it and the data behind it;
- `runs`: each model that a page trained and evaluated (its line in the results table);
- `outputs`: what each block printed, keyed "<page>:<line>" (the site shows it under the
  block; a block whose output the page shows and the tests check has none).

Values are codes (`mode`: "full", "mixed" or "fast"; `data`: "real" or "stand-in"); their
French words live in `running.modes` and `website.captions`. `read` validates everything
and names the file and the field in French when something is wrong. Writers change the manifest
only inside `locked()`, which holds a lock on docs/figures/ while they read it, change
it and put it in place (`outputs.commit`: unique temporary names, then renames).
Standard library only.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from tp_cnn.figures.values import value_problem
from tp_cnn.running.modes import RECORDED

MANIFEST = "figures/manifest.json"  # relative to docs/
DATA = ("real", "stand-in")


class ManifestError(Exception):
    """The manifest cannot be trusted: the message says which file and field, and what to do."""


@dataclass(frozen=True)
class PageRecord:
    key: str  # what the page's outputs depend on (see figures.key)
    mode: str
    device: str
    tensorflow: str | None
    date: str  # ISO 8601, UTC
    seconds: float


@dataclass(frozen=True)
class FigureRecord:
    page: str
    block_line: int
    code_sha256: str
    data: str
    epochs: int | None  # of the last `fit` before the figure was drawn


@dataclass(frozen=True)
class RunRecord:
    page: str
    dataset: str | None  # as the page names it: "CIFAR-10", "Fashion-MNIST, tâche B"
    classes: int | None
    loss: float | None
    accuracy: float | None
    top5: float | None
    epochs: int | None
    train_seconds: float
    data: str


@dataclass(frozen=True)
class OutputRecord:
    """What a block printed in the page's run (shown under it on the site)."""

    page: str
    block_line: int
    code_sha256: str
    data: str
    epochs: int | None
    text: str


@dataclass(frozen=True)
class Manifest:
    pages: dict[str, PageRecord] = field(default_factory=dict)
    figures: dict[str, FigureRecord] = field(default_factory=dict)
    runs: dict[str, RunRecord] = field(default_factory=dict)
    outputs: dict[str, OutputRecord] = field(default_factory=dict)  # "<page>:<line>"

    def _select(self, keep) -> Manifest:
        """The records of every section for which `keep(page)` is true."""
        pages = {name: r for name, r in self.pages.items() if keep(name)}
        return Manifest(pages, *({k: r for k, r in getattr(self, section).items()
                                  if keep(r.page)} for section in _PER_PAGE))  # fmt: skip

    def without(self, page: str) -> Manifest:
        return self._select(lambda name: name != page)

    def page_of(self, name: str) -> Manifest:
        """Only what belongs to page `name`."""
        return self._select(lambda page: page == name)

    def with_page(self, name: str, record: PageRecord, figures: dict, runs: dict,
                  outputs: dict | None = None) -> Manifest:  # fmt: skip
        """This manifest with everything of page `name` replaced."""
        rest = self.without(name)
        return Manifest(
            {**rest.pages, name: record},
            {**rest.figures, **figures},
            {**rest.runs, **runs},
            {**rest.outputs, **(outputs or {})},
        )

    def to_json(self) -> str:
        data = {
            section: {key: asdict(record) for key, record in sorted(getattr(self, section).items())}
            for section in _SECTIONS
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


_SECTIONS = {"pages": PageRecord, "figures": FigureRecord, "runs": RunRecord,
             "outputs": OutputRecord}  # fmt: skip
_PER_PAGE = ("figures", "runs", "outputs")
_CHOICES = {"mode": RECORDED, "data": DATA}
_TYPES = {"str": (str,), "int": (int,), "float": (int, float)}


def parse(text: str, label: str) -> Manifest:
    """The manifest in `text` (the content of file `label`), or a `ManifestError`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _error(
            label, f"JSON invalide (ligne {error.lineno}, colonne {error.colno})"
        ) from None
    if isinstance(data, dict):
        data.setdefault("outputs", {})  # a manifest written before outputs were recorded
    if not isinstance(data, dict) or set(data) != set(_SECTIONS):
        raise _error(
            label, "il doit contenir exactement les sections pages, figures, runs et outputs"
        )
    sections = {}
    for name, record in _SECTIONS.items():
        if not isinstance(data[name], dict):
            raise _error(label, f"la section {name} doit être un objet JSON")
        sections[name] = {
            key: _record(record, value, label, f"{name}.{key}") for key, value in data[name].items()
        }
    manifest = Manifest(**sections)
    _check_links(manifest, label)
    return manifest


def _record(cls, value, label: str, where: str):
    if not isinstance(value, dict):
        raise _error(label, f"{where} doit être un objet JSON")
    names = [f.name for f in fields(cls)]
    if unknown := sorted(set(value) - set(names)):
        raise _error(label, f"{where} : champ inconnu « {unknown[0]} »")
    for f in fields(cls):
        if f.name not in value:
            raise _error(label, f"{where}.{f.name} manque")
        item, kinds = value[f.name], f.type.split(" | ")
        optional = "None" in kinds
        if item is None and optional:
            continue
        allowed = tuple(t for kind in kinds for t in _TYPES.get(kind, ()))
        if isinstance(item, bool) or not isinstance(item, allowed):
            raise _error(label, f"{where}.{f.name} : valeur {item!r} d'un type inattendu")
        if f.name in _CHOICES and item not in _CHOICES[f.name]:
            choices = " ou ".join(f"« {c} »" for c in _CHOICES[f.name])
            raise _error(label, f"{where}.{f.name} : « {item} » au lieu de {choices}")
        if problem := value_problem(f.name, item):
            raise _error(label, f"{where}.{f.name} : {problem}")
    return cls(**value)


def _check_links(manifest: Manifest, label: str) -> None:
    for section in _PER_PAGE:
        for key, record in getattr(manifest, section).items():
            if record.page not in manifest.pages:
                raise _error(
                    label, f"{section}.{key}.page : page « {record.page} » absente de pages"
                )
    for path, record in manifest.figures.items():
        if not re.fullmatch(rf"figures/{re.escape(record.page)}/[\w-]+\.(png|svg|json)", path):
            raise _error(label, f"figures.{path} : chemin hors de figures/{record.page}/")


def _error(label: str, problem: str) -> ManifestError:
    return ManifestError(
        f"{label} : {problem}. Ce fichier est généré : ne le modifiez pas à la main ; "
        f"restaurez-le (git checkout -- {label}) ou régénérez-le (make figures)."
    )


def read(path: Path, missing_ok: bool = False) -> Manifest:
    """The manifest at `path`; an empty one if it is missing and `missing_ok`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return Manifest()
        raise ManifestError(
            f"{path} est absent : sans lui, le site ne peut pas dire d'où viennent ses figures. "
            "Restaurez-le (git checkout -- docs/figures/manifest.json) ou régénérez-le "
            "(make figures)."
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(f"{path} : lecture impossible ({error}).") from error
    return parse(text, str(path))


@contextmanager
def locked(docs: Path) -> Iterator[Manifest]:
    """The current manifest of `docs`, with docs/figures/ locked until the block ends.

    Two figure runs on the same docs/ take turns: each reads the manifest that the other
    has written, so that no page's records are lost.
    """
    folder = Path(docs) / Path(MANIFEST).parent
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield read(Path(docs) / MANIFEST, missing_ok=True)
    finally:
        os.close(handle)  # releases the lock
