"""A page's quiz, « Testez-vous »: a fenced block ```quiz (read by `pages`; standard library).

    ```quiz
    ? Une question à une seule bonne réponse ?
    = la bonne réponse | pourquoi elle est juste
    - une mauvaise réponse | pourquoi elle est fausse

    ?? Une question à plusieurs bonnes réponses (cases à cocher) ?
    = une bonne réponse | pourquoi
    = une autre | pourquoi
    - une mauvaise | pourquoi

    ? Une question dont la réponse est un nombre ?
    ~ 0,5 ± 0,01 | l'explication (« ± … » : l'écart accepté ; sans lui, la valeur exacte)
    ```

A line indented by two spaces or more continues the line above it (the code of a page
holds in 79 columns); blank lines separate nothing and may go anywhere. Text may hold
`code`, *italics* and **bold**, not formulas (write 3 × 3). Every answer has its
explanation, after « | ». A malformed quiz is refused with its line and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tp_cnn.reading.segments import Admonition, Answer, Question, Quiz

_LINE = re.compile(r"^(?P<sign>\?\?|\?|=|-|~) +(?P<rest>\S.*)$")
_NUMBER = re.compile(
    r"^(?P<value>[-−]?\d[\d\s]*(?:[.,]\d+)?)(?:\s*(?:±|\+-|\+/-)\s*(?P<tol>\d+(?:[.,]\d+)?))?$"
)
_MATH = re.compile(r"\$[^$]+\$|\\\(|\\\[")
SYNTAX = (
    "Une ligne de quiz commence par « ? » (une question à une réponse), « ?? » (à plusieurs "
    "réponses), « = » (une bonne réponse), « - » (une mauvaise) ou « ~ » (un nombre) ; une "
    "ligne indentée de deux espaces continue la précédente."
)


def letter(index: int) -> str:
    """How the site, the PDF and the notebooks name a choice: « a) », « b) »…"""
    return f"{'abcdefghijklmnopqrstuvwxyz'[index]})"


def number_text(answer: Answer) -> str:
    """An expected number as the page writes it, French style: « 0,5 (à 0,01 près) »."""
    value, _, tolerance = re.sub(r"\+/?-", "±", answer.text).partition("±")
    value, tolerance = value.strip().replace(".", ","), tolerance.strip().replace(".", ",")
    return f"{value} (à {tolerance} près)" if tolerance else value


def _lines(fence: list[str], first: int, fail: Callable) -> list[tuple[int, str, str]]:
    """(line number, sign, text) of each line of the block, continuations joined."""
    found: list[tuple[int, str, str]] = []
    for number, line in enumerate(fence, start=first):
        if not line.strip():
            continue
        if line.startswith("  ") and found:
            lineno, sign, text = found[-1]
            found[-1] = (lineno, sign, f"{text} {line.strip()}")
        elif match := _LINE.match(line.strip()):
            found.append((number, match["sign"], match["rest"].strip()))
        else:
            raise fail(f"ligne de quiz non reconnue : « {line.strip()[:40]} ». {SYNTAX}", number)
    return found


def _answer(lineno: int, sign: str, text: str, fail: Callable) -> Answer:
    if _MATH.search(text):
        raise fail("pas de formule dans un quiz : écrivez 3 × 3, 2⁵ ou `k - 1`.", lineno)
    answer, bar, explanation = text.partition("|")
    if not bar or not explanation.strip():
        raise fail(
            f"réponse « {answer.strip()[:40]} » sans explication : ajoutez-la après « | » "
            "(« = réponse | pourquoi »).",
            lineno,
        )
    if not answer.strip():
        raise fail("réponse vide avant « | » : écrivez la réponse, puis son explication.", lineno)
    return Answer(lineno, answer.strip(), sign in "=~", explanation.strip())


def _number(answer: Answer, fail: Callable) -> tuple[float, float]:
    match = _NUMBER.match(answer.text)
    if not match:
        raise fail(
            f"« ~ {answer.text} » : nombre illisible. Écrivez par exemple « ~ 26 », « ~ 165 514 » "
            "ou « ~ 0,5 ± 0,01 ».",
            answer.lineno,
        )

    def read(text: str) -> float:
        return float(re.sub(r"\s", "", text).replace(",", ".").replace("−", "-"))

    return read(match["value"]), read(match["tol"]) if match["tol"] else 0.0


def _question(lineno: int, sign: str, text: str, signed: list[tuple[str, Answer]],
              fail: Callable) -> Question:  # fmt: skip
    where = f"la question « {text[:40]} »"
    answers = [answer for _, answer in signed]
    if any(kind == "~" for kind, _ in signed):
        if len(answers) > 1:
            raise fail(
                f"{where} attend un nombre (« ~ ») : elle n'a pas d'autre réponse. Écrivez une "
                "seule ligne « ~ valeur | explication ».",
                lineno,
            )
        value, tolerance = _number(answers[0], fail)
        return Question(lineno, text, "number", tuple(answers), value, tolerance)
    right = [a for a in answers if a.right]
    if len(answers) < 2:
        raise fail(f"{where} propose moins de deux réponses : ajoutez des lignes « - ».", lineno)
    if not right:
        raise fail(f"{where} n'a pas de bonne réponse : marquez-la d'un « = ».", lineno)
    if sign == "?" and len(right) > 1:
        raise fail(
            f"{where} a {len(right)} bonnes réponses : écrivez « ?? » devant une question à "
            "plusieurs réponses, ou gardez un seul « = ».",
            lineno,
        )
    return Question(lineno, text, "single" if sign == "?" else "multiple", tuple(answers))


def parse_quiz(fence: list[str], lineno: int, within: tuple[Admonition, ...],
               fail: Callable) -> Quiz:  # fmt: skip
    """The quiz of a block: `fence`, its lines as written (fences included), from `lineno`."""
    indent = len(fence[0]) - len(fence[0].lstrip(" "))
    body = [line[min(indent, len(line) - len(line.lstrip(" "))) :] for line in fence[1:-1]]
    questions: list[Question] = []
    current: tuple[int, str, str] | None = None
    answers: list[tuple[str, Answer]] = []
    for number, sign, text in [*_lines(body, lineno + 1, fail), (0, "?", "")]:
        if sign in {"?", "??"}:
            if current is not None:
                questions.append(_question(*current, answers, fail))
            if number and _MATH.search(text):
                raise fail("pas de formule dans un quiz : écrivez 3 × 3, 2⁵ ou `k - 1`.", number)
            current, answers = (number, sign, text), []
        elif current is None:
            raise fail(f"réponse avant toute question : commencez par « ? question ». {SYNTAX}",
                       number)  # fmt: skip
        else:
            answers.append((sign, _answer(number, sign, text, fail)))
    if not questions:
        raise fail(f"quiz vide : écrivez au moins une question et ses réponses. {SYNTAX}", lineno)
    return Quiz(lineno, lineno + len(fence) - 1, tuple(questions), within)
