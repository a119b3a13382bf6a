"""« Vérifiez votre réponse »: the checks of the exercises, read, proven, shown and exported.

That each check of the course accepts its solution and refuses its wrong answers is
proven by `make test` itself, on every page (« docs/<page>.md::vérification ligne N »,
`running.checks`); here: the rules, the proof's own failures, and where checks appear.
"""

import html
import re
import textwrap

import pytest

from tp_cnn.course.config import Course
from tp_cnn.course.solutions import exercises
from tp_cnn.exports.notebooks import page_notebook
from tp_cnn.reading.navigation import course_pages
from tp_cnn.reading.pages import PageError, load_page
from tp_cnn.running.checks import CheckFailure, prove

CHECK = """\
    ??? check "Vérifiez votre réponse"

        ```python
        print("✅ Bien." if answer == 2 else "❌ Comptez encore.")
        ```

        ```wrong-answer
        answer = 3
        ```

    ??? tf "TensorFlow"

        ```python
        answer = 2
        ```
    """


def page_with(check: str, write_page):
    return load_page(write_page(textwrap.dedent(check)))


def test_a_check_is_read_apart_from_the_blocks_that_run(write_page):
    page = page_with(CHECK, write_page)
    assert [block.code for block in page.blocks] == ["answer = 2\n"]
    (check,) = page.checks
    assert check.code.code.startswith('print("✅')
    assert [wrong.code for wrong in check.wrong] == ["answer = 3\n"]
    assert check.solution.is_solution and check.solution.lineno == 11


BAD = {
    "no wrong answer": (CHECK.replace("wrong-answer", "text"), "ligne 1 : une vérification a"),
    "two blocks": (CHECK.replace("```wrong-answer", "```python"), "exactement un bloc"),
    "open": (CHECK.replace("??? check", "!!! check"), "une vérification doit être repliée"),
    "capitals": (CHECK.replace("??? check", "??? Check"), "« ??? check » (en minuscules)"),
    "no verdict": (CHECK.replace("✅", "OK"), "ligne 3 : une vérification affiche"),
    "mark": (CHECK.replace("        ```python\n        print",
                           '        <!--pytest.mark.skip(reason="r")-->\n\n'
                           "        ```python\n        print", 1), "ni marque ni sortie attendue"),
    "no solution": (CHECK.split("??? tf")[0], "ligne 1 : une vérification est suivie de"),
    "skipped solution": (CHECK.replace("        ```python\n        answer = 2",
                                       '        <!--pytest.mark.skip(reason="r")-->\n\n'
                                       "        ```python\n        answer = 2"), "code exécuté"),
    "code before the solution": (CHECK.replace('??? tf "TensorFlow"', '```python\n    x = 1\n'
                                               '    ```\n\n    ??? tf "TensorFlow"'),
                                 "suivie de la solution"),
    "wrong answer alone": ("```wrong-answer\nx = 1\n```\n", "se place dans une vérification"),
    "nested": ('??? info "I"\n\n' + textwrap.indent(textwrap.dedent(CHECK), "    "),
               "hors de tout encadré"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_malformed_check_is_refused_with_its_line(write_page, case):
    text, message = BAD[case]
    with pytest.raises(PageError, match="page.md, ligne") as excinfo:
        page_with(text, write_page)
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    ("namespace", "code", "message"),
    [
        ({"answer": 2}, None, None),
        ({"answer": 3}, None, "elle doit accepter la solution"),
        ({"answer": 2}, 'print("✅ Bien.")  # jamais ❌', "doit afficher « ❌ » suivi d'un"),
        ({"answer": 2}, 'print("✅" if answer == 2 else "❌")', "suivi d'un indice"),
        ({}, 'print("✅" if answer == 2 else "❌ Encore.")', "NameError : name 'answer'"),
        ({"answer": 2, "biases": [0.1]}, 'biases = 8; print("✅" if answer == 2 else "❌ Non.")',
         "elle remplace biases, de la page"),
    ],
)
def test_a_check_is_proven_on_the_solution_and_on_its_wrong_answers(
    write_page, namespace, code, message
):
    page = page_with(CHECK if code is None else CHECK.replace(
        CHECK.splitlines()[3].strip(), code), write_page)  # fmt: skip
    (check,) = page.checks
    if message is None:
        prove(page, check, namespace)
        assert namespace == {"answer": 2}, "la page continue comme avant la vérification"
        return
    with pytest.raises(CheckFailure, match="page.md, vérification de la ligne 3") as excinfo:
        prove(page, check, namespace)
    assert message in str(excinfo.value)


@pytest.mark.parametrize("page", course_pages(), ids=lambda page: page.name)
def test_every_numbered_exercise_has_one_check_before_its_solution(page):
    rules = Course.from_config(None).page_rules(page)
    starts = sorted(exercises(page, rules.chapter or 1).items())
    ends = [start for start, _ in starts[1:]] + [10**9]
    for (start, (number, _)), end in zip(starts, ends, strict=True):
        inside = [c for c in page.checks if start < c.box.lineno < end]
        assert len(inside) == 1, f"{page.name} : exercice {number}, {len(inside)} vérification(s)"


@pytest.mark.parametrize("page", course_pages(), ids=lambda page: page.name)
def test_a_check_is_a_form_cell_before_the_solution_and_its_wrong_answers_are_dropped(page):
    rules = Course.from_config(None).page_rules(page)
    cells = page_notebook(page, rules).cells
    titles = [re.match(r"# @title (.*?) \{", c.source) for c in cells if c.cell_type == "code"]
    checks = [m[1] for m in titles if m and m[1].startswith("Vérifier")]
    numbers = [number for number, _ in exercises(page, rules.chapter).values()]
    assert checks == [f"Vérifier l'exercice {n}" for n in numbers][: len(checks)]
    assert len(checks) == len(page.checks)
    text = "\n".join(cell.source for cell in cells)
    for wrong in (block for check in page.checks for block in check.wrong):
        assert wrong.code.strip() not in text


@pytest.mark.parametrize("variant", ["site", "hidden_site"])
def test_the_site_shows_each_check_even_without_solutions_and_never_a_wrong_answer(
    request, variant
):
    site = request.getfixturevalue(variant)
    for page in course_pages():
        raw = (site / page.name / "index.html").read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", raw))
        lines = {line.strip() for line in text.splitlines()}
        wrong = [w.code.splitlines()[0].strip() for c in page.checks for w in c.wrong]
        assert not [line for line in wrong if line in lines], f"{page.name} : réponse fausse"
        assert raw.count('<details class="check">') == len(page.checks), page.name
