"""A page's quiz in the built page (its ```quiz block, read by `reading.quizzes`).

The plugin replaces the block by one element, `<div class="quiz" data-quiz="<page>">`,
which readers without JavaScript and print see as it is: the questions as a list (each
a `data-quiz-question`), their choices lettered a), b)…, and the answers with their
explanations at the end (« Réponses : »), or under each question in the instructor's copy
(policy `shown`). docs/assets/quiz/quiz.js builds from it the form of each question
(native radio buttons, check boxes or a text field, a « Vérifier » button, a live
region) and hides the static parts on screen only; quiz.css prints the static state.

Every text is escaped: only `code`, *italics* and **bold** become HTML.
"""

from __future__ import annotations

import html
import re

from tp_cnn.reading.quizzes import letter, number_text
from tp_cnn.reading.segments import Question, Quiz

ASSETS = "assets/quiz"  # relative to docs/: quiz.css and quiz.js
_INLINE = re.compile(
    r"(?P<ticks>`+)(?P<code>.+?)(?P=ticks)|\*\*(?P<bold>.+?)\*\*|\*(?P<em>[^*]+)\*"
)
_HINTS = {"multiple": "Plusieurs réponses possibles.", "number": "Répondez par un nombre."}


def inline(text: str) -> str:
    """`text` as HTML: its `code`, *italics* and **bold**, everything else escaped."""
    parts, start = [], 0
    for match in _INLINE.finditer(text):
        parts.append(html.escape(text[start : match.start()]))
        if match["ticks"]:
            parts.append(f"<code>{html.escape(match['code'].strip())}</code>")
        elif match["bold"] is not None:
            parts.append(f"<strong>{inline(match['bold'])}</strong>")
        else:
            parts.append(f"<em>{inline(match['em'])}</em>")
        start = match.end()
    parts.append(html.escape(text[start:]))
    return "".join(parts)


def solution(question: Question) -> str:
    """The right answer(s) of a question, each with its explanation."""
    if question.kind == "number":
        answer = question.answers[0]
        return f"<p>{html.escape(number_text(answer))} — {inline(answer.explanation)}</p>"
    return "".join(
        f"<p>{letter(index)} {inline(answer.text)} — {inline(answer.explanation)}</p>"
        for index, answer in enumerate(question.answers)
        if answer.right
    )


def _question(question: Question, shown: bool) -> str:
    attrs = f' data-quiz-question="{question.kind}"'
    hint = _HINTS.get(question.kind)
    parts = [f'<p class="quiz__prompt quiz__static">{inline(question.text)}</p>']
    if hint:
        parts.append(f'<p class="quiz__hint quiz__static">{hint}</p>')
    if question.kind == "number":
        attrs += f' data-value="{question.value!r}" data-tolerance="{question.tolerance!r}"'
        parts.append(f'<p class="quiz__why">{inline(question.answers[0].explanation)}</p>')
    else:
        choices = "".join(
            f'<li data-quiz-choice data-right="{str(answer.right).lower()}">'
            f'<span class="quiz__letter">{letter(index)}</span> '
            f'<span class="quiz__text">{inline(answer.text)}</span>'
            f'<span class="quiz__why">{inline(answer.explanation)}</span></li>'
            for index, answer in enumerate(question.answers)
        )
        parts.append(f'<ul class="quiz__choices quiz__static">{choices}</ul>')
    if shown:
        parts.append(
            '<div class="quiz__answer quiz__static"><p class="quiz__answers-title">'
            f"<strong>Réponse :</strong></p>{solution(question)}</div>"
        )
    return f'<li class="quiz__question"{attrs}>{"".join(parts)}</li>'


def quiz_html(quiz: Quiz, page: str, shown: bool) -> str:
    """The quiz's element, on one line; with `shown` (the instructor's copy), each answer
    under its question rather than all at the end."""
    questions = "".join(_question(question, shown) for question in quiz.questions)
    answers = "" if shown else (
        '<div class="quiz__answers quiz__static"><p class="quiz__answers-title">'
        "<strong>Réponses :</strong></p><ol>"
        + "".join(f"<li>{solution(question)}</li>" for question in quiz.questions)
        + "</ol></div>"
    )  # fmt: skip
    return (
        f'<div class="quiz" data-quiz="{html.escape(page)}">'
        f'<ol class="quiz__questions">{questions}</ol>{answers}</div>'
    )


def assets(url) -> list[str]:
    """The tags that load the quiz's style and script (`url`: relative to the page)."""
    return [
        f'<link rel="stylesheet" href="{html.escape(url(f"{ASSETS}/quiz.css"))}">',
        f'<script src="{html.escape(url(f"{ASSETS}/quiz.js"))}"></script>',
    ]
