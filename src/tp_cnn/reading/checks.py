"""The rules of an exercise's check, « Vérifiez votre réponse » (see `Page.checks`).

An instructor writes it after the exercise (and its skeleton), just before the solution:

    ??? check "Vérifiez votre réponse"

        Copiez ce code dans Colab, sous votre cellule, et exécutez-le.

        ```python
        ...  # prints « ✅ … » when the answer is right, « ❌ <hint> » otherwise
        ```

        ```wrong-answer
        ...  # a plausible wrong answer: the tests run it, then the check must say « ❌ »
        ```

The box is collapsed (`???`), at the top level of the page, with exactly one Python block
(no mark, no expected output: it is not run with the page, the tests run it after the
solution) that prints both verdicts, at least one ```wrong-answer block (the site and
the notebooks never show it), and it is followed by the exercise's `??? tf` solution,
whose code runs. Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable

from tp_cnn.reading.segments import WRONG_ANSWER, Admonition, Code, Figure, Segment, Widget

RIGHT, WRONG = "✅", "❌"  # how a check's verdict starts, on the page and in the tests


def validate_checks(segments: list[Segment], fail: Callable[..., Exception]) -> None:
    """Refuse, with its line, a check that breaks the rules above."""
    for index, box in enumerate(segments):
        if not (isinstance(box, Admonition) and box.is_check):
            continue
        if box.within:
            raise fail("une vérification se place hors de tout encadré.", box.lineno)
        inside = [s for s in segments if box in getattr(s, "within", ())]
        code = [s for s in inside if isinstance(s, Code) and s.syntax == "python"]
        if len(code) != 1:
            raise fail("une vérification contient exactement un bloc ```python.", box.lineno)
        (block,) = code
        if block.marks or block.expected_output is not None:
            raise fail(
                "le code d'une vérification ne porte ni marque ni sortie attendue : il "
                "s'exécute après la solution, dans les tests.",
                block.lineno,
            )
        if RIGHT not in block.code or WRONG not in block.code:
            raise fail(
                f"une vérification affiche « {RIGHT} … » pour une bonne réponse et "
                f"« {WRONG} indice » pour une mauvaise : les deux doivent être dans son code.",
                block.lineno,
            )
        if not any(isinstance(s, Code) and s.syntax == WRONG_ANSWER for s in inside):
            raise fail(
                f"une vérification a au moins un bloc ```{WRONG_ANSWER} : une réponse fausse "
                "plausible, que les tests lui font refuser (il n'est jamais affiché).",
                box.lineno,
            )
        if any(isinstance(s, Admonition) for s in inside):
            raise fail("une vérification ne contient pas d'autre encadré.", box.lineno)
        _solution_after(segments[index + 1 + len(inside) :], box, fail)


def _solution_after(rest: list[Segment], box: Admonition, fail) -> None:
    """The segments after the check: only prose, then the exercise's runnable solution."""
    for position, segment in enumerate(rest):
        if isinstance(segment, Admonition) and segment.is_solution:
            inside = [s for s in rest[position + 1 :] if segment in getattr(s, "within", ())]
            if any(
                isinstance(s, Code) and s.syntax == "python" and not s.mark("skip") for s in inside
            ):
                return
            break
        if isinstance(segment, (Admonition, Code, Figure, Widget)):
            break
    raise fail(
        "une vérification est suivie de la solution de son exercice (« ??? tf »), qui "
        "contient du code exécuté : les tests y vérifient qu'elle accepte la solution.",
        box.lineno,
    )
