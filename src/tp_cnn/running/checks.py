"""Prove an exercise's check (`reading.checks`) both ways, in the namespace of its page.

`make test` runs each check right after the last block of its exercise's solution: on
the solution it must print « ✅ … » and no « ❌ »; after each of its wrong answers (run in
a copy of the namespace, so that the page goes on unchanged) it must print « ❌ » with a
hint, and no « ✅ ». A check never raises: a student's missing name or wrong type gets a
hint too. Nor does it replace a name of the page (in Colab it runs in the student's
namespace, before the solution's print and the rest of the page). Checks are not part
of a page's run (the figure script never runs them), so this module is not in the
figures' key (`figures.key`).
"""

from __future__ import annotations

import contextlib
import copy
import io
from collections.abc import Iterator

from tp_cnn.reading.checks import RIGHT, WRONG
from tp_cnn.reading.segments import Check, Code, Page


class CheckFailure(Exception):
    """A check accepts a wrong answer, refuses the solution, or raises."""


def prove(page: Page, check: Check, namespace: dict) -> None:
    with _keras_names_kept():
        _prove(page, check, namespace)


def _prove(page: Page, check: Check, namespace: dict) -> None:
    where = f"{page.label}, vérification de la ligne {check.code.lineno}"
    trial = dict(namespace)
    said = _run(page, check.code, trial, where)
    if replaced := sorted(
        name for name, value in namespace.items() if trial.get(name, value) is not value
    ):
        raise CheckFailure(
            f"{where} : elle remplace {', '.join(replaced)}, de la page ; donnez à ses "
            "variables des noms que la page n'emploie pas."
        )
    if not _lines(said, RIGHT) or _lines(said, WRONG):
        raise CheckFailure(f"{where} : elle doit accepter la solution, elle affiche :\n{said}")
    for wrong in check.wrong:
        trial = dict(namespace)
        _run(page, wrong, trial, f"{page.label}, réponse fausse de la ligne {wrong.lineno}")
        said = _run(page, check.code, trial, where)
        hints = [line.removeprefix(WRONG).strip() for line in _lines(said, WRONG)]
        if _lines(said, RIGHT) or not any(hints):
            raise CheckFailure(
                f"{where} : après la réponse fausse de la ligne {wrong.lineno}, elle doit "
                f"afficher « {WRONG} » suivi d'un indice ; elle affiche :\n{said}"
            )


@contextlib.contextmanager
def _keras_names_kept() -> Iterator[None]:
    """The layers that a check or a wrong answer builds do not shift the names Keras gives
    to the page's next layers (« conv2d_27 »…, in summaries that the tests check)."""
    try:
        from keras.src.backend.common import global_state
    except ImportError:  # a page without Keras
        yield
        return
    saved = copy.deepcopy(global_state.get_global_attribute("object_name_uids"))
    try:
        yield
    finally:
        global_state.set_global_attribute("object_name_uids", saved)


def _lines(text: str, mark: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith(mark)]


def _run(page: Page, block: Code, namespace: dict, where: str) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    code = compile("\n" * block.lineno + block.code, str(page.path), "exec")
    try:
        with contextlib.redirect_stdout(buffer):
            exec(code, namespace)
    except Exception as error:
        raise CheckFailure(f"{where} : {type(error).__name__} : {error}") from error
    finally:
        plt.close("all")
    return buffer.getvalue()
