"""A page's quiz as Markdown (the notebooks): each question, its choices lettered a), b)…,
then its answer and explanation in a `<details>` element, closed until the student opens it."""

from __future__ import annotations

from tp_cnn.reading.quizzes import letter, number_text
from tp_cnn.reading.segments import Quiz

HINTS = {"multiple": "*Plusieurs réponses possibles.*", "number": "*Répondez par un nombre.*"}


def quiz_markdown(quiz: Quiz) -> list[str]:
    """The lines of the quiz's Markdown."""
    lines: list[str] = []
    for number, question in enumerate(quiz.questions, start=1):
        lines += ["", f"**Question {number}.** {question.text}", ""]
        if question.kind in HINTS:
            lines += [HINTS[question.kind], ""]
        if question.kind == "number":
            answer = question.answers[0]
            answers = [f"{number_text(answer)} — {answer.explanation}"]
        else:
            lines += [f"- {letter(i)} {a.text}" for i, a in enumerate(question.answers)] + [""]
            answers = [
                f"{letter(i)} {a.text} — {a.explanation}"
                for i, a in enumerate(question.answers)
                if a.right
            ]
        lines += ["<details>", "<summary>Réponse</summary>", ""]
        lines += [line for answer in answers for line in (answer, "")] + ["</details>"]
    return lines
