"""Put a set of files in place together, or not at all.

One helper for every file the project writes (figures, manifest, notebooks, PDF, offline
pack): `commit({path: bytes, ...})` for a set of files, `written_whole(path)` for one file
that a tool writes itself.

`commit` first writes every file aside, under a unique temporary name in its own folder
(`.<name>.XXXXXXXX.tmp`); then renames them into place, in the given order (the manifest
last). If a write fails (read-only folder, full disk), nothing has changed; if a rename
fails, the files already replaced are put back. Either way the error is a `WriteError`
that names the file: a write error is never blamed on the page that was run. SIGINT,
SIGTERM and SIGHUP wait until the commit is over; whatever else interrupts it leaves the
files as they were and no temporary file. Only SIGKILL leaves temporary files behind:
`remove_leftovers` takes them away.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


class WriteError(Exception):
    """A file could not be written: nothing was changed (the message says which file)."""


def commit(files: dict[Path, bytes]) -> None:
    with _signals_held():
        _commit(files)


def _commit(files: dict[Path, bytes]) -> None:
    staged: dict[Path, Path] = {}
    created: list[Path] = []
    try:
        for path, data in files.items():
            created += _make_parents(path.parent)
            staged[path] = _write_aside(path, data)
    except BaseException as error:
        _discard(staged.values(), created)
        if isinstance(error, OSError):
            raise _write_error(error, path) from error
        raise
    previous = {path: path.read_bytes() if path.exists() else None for path in files}
    done: list[Path] = []
    try:
        for path, aside in staged.items():
            os.replace(aside, path)
            done.append(path)
    except BaseException as error:  # a rename failed, or a signal came through anyway
        _restore(done, previous)
        _discard([aside for path, aside in staged.items() if path not in done], created)
        if isinstance(error, OSError):
            raise _write_error(error, path) from error
        raise


HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C, `kill` and a closed terminal wait until the files are in place (or put back):
    they arrive when the block ends. Only SIGKILL can stop a commit half-way (its temporary
    files are then left: the figure script removes them at its next start)."""
    try:
        held = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    except (AttributeError, OSError, ValueError):  # no thread signal masks here
        held = None
    try:
        yield
    finally:
        if held is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _make_parents(folder: Path) -> list[Path]:
    missing = [p for p in [folder, *folder.parents] if not p.exists()][::-1]
    for path in missing:
        path.mkdir()
    return missing


def _write_aside(path: Path, data: bytes) -> Path:
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    os.chmod(name, 0o644)
    return Path(name)


def _restore(done: list[Path], previous: dict[Path, bytes | None]) -> None:
    for path in done:
        if previous[path] is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(previous[path])


def _discard(asides, created: list[Path]) -> None:
    for aside in asides:
        Path(aside).unlink(missing_ok=True)
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            pass


def remove_leftovers(folders: list[Path], older_than: float = 60) -> list[Path]:
    """Remove the temporary files that a killed commit left in `folders` (and below), those
    not touched for `older_than` seconds (a commit under way keeps its own); the removed."""
    removed = []
    for folder in folders:
        for path in sorted(Path(folder).rglob(".*.tmp")) if Path(folder).is_dir() else []:
            with contextlib.suppress(OSError):
                if path.is_file() and time.time() - path.lstat().st_mtime > older_than:
                    path.unlink()
                    removed.append(path)
    return removed


def _write_error(error: OSError, path: Path) -> WriteError:
    reason = error.strerror or str(error)
    return WriteError(
        f"Écriture impossible de {path} ({reason}). Aucun fichier n'a été modifié : "
        "libérez de la place ou donnez le droit d'écrire, puis relancez."
    )


@contextlib.contextmanager
def written_whole(final: Path) -> Iterator[Path]:
    """A temporary path, next to `final`, that takes its place in one step when the block
    succeeds, and is removed when it fails: never a half-written file at `final`."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.tmp")
    try:
        yield temporary
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
