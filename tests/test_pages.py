"""The one reader of a page (tp_cnn.reading.pages): segments, true lines, and refusals in French."""

import pytest
from pytest_codeblocks import extract_from_file

from tp_cnn.paths import DOCS
from tp_cnn.reading.navigation import course_pages, find_page
from tp_cnn.reading.pages import Admonition, Code, Comment, PageError, Prose, Quiz, load_page

PAGE = """
# Titre

```python
x = 1
```

??? tf "Solution"

    ```python
    y = x + 1

    print(y)
    ```

    <!--pytest-codeblocks:expected-output-->

    ```text
    2
    ```

    ![Une figure](figures/page/one.png "Un titre"){ width="300" }

<!-- tableau-des-resultats -->

```text
pas du Python
```
"""


def test_a_page_is_one_ordered_list_of_segments(write_page):
    page = load_page(write_page(PAGE))
    kinds = [type(segment).__name__ for segment in page.segments if not isinstance(
        segment, Prose) or segment.text]  # fmt: skip
    assert kinds == ["Prose", "Code", "Admonition", "Code", "Figure", "Comment", "Code"]
    solution = page.blocks[1]
    assert isinstance(solution.within[0], Admonition) and solution.within[0].collapsed
    assert solution.code == "y = x + 1\n\nprint(y)\n"  # verbatim: the blank line is kept
    assert solution.expected_output == "2\n"
    assert [block.lineno for block in page.blocks] == [3, 9]
    figure = page.figures[0]
    assert (figure.lineno, figure.path, figure.alt) == (21, "figures/page/one.png", "Une figure")
    assert [s.text for s in page.segments if isinstance(s, Comment)] == ["tableau-des-resultats"]


@pytest.mark.parametrize("name", sorted(path.name for path in DOCS.glob("*.md")))
def test_the_reader_agrees_with_pytest_codeblocks_on_every_page(name):
    """Same blocks, lines, marks and outputs as pytest-codeblocks, whose syntax we keep (a
    check's code is one of them: we run it after its solution, `running.checks`)."""
    page = load_page(DOCS / name)
    ours = sorted([*page.blocks, *(check.code for check in page.checks)], key=lambda b: b.lineno)
    theirs = [block for block in extract_from_file(DOCS / name) if block.syntax == "python"]
    assert [b.lineno for b in ours] == [b.lineno for b in theirs]
    for mine, reference in zip(ours, theirs, strict=True):
        # pytest-codeblocks drops the blank lines of indented blocks; we keep them.
        kept = "".join(f"{line}\n" for line in mine.code.splitlines() if line.strip())
        assert reference.code in {mine.code, kept}
        assert [mark.text for mark in mine.marks] == reference.marks
        assert mine.expected_output == reference.expected_output


BAD = {
    "unclosed fence": ("```python\nx = 1\n", "ligne 1 : bloc de code jamais refermé"),
    "py fence": ("```py\nx = 1\n```\n", "écrivez exactement « ```python »"),
    "titled fence": ('```python title="a.py"\nx = 1\n```\n', "écrivez exactement"),
    "admonition by 2": (
        'Texte\n\n  ??? tf "Solution"\n\n      ```python\n      x = 1\n      ```\n',
        "ligne 3 : encadré « ??? tf » indenté de 2 espace",
    ),
    "open solution": ('!!! tf "Solution"\n\n    x\n', "une solution doit être repliée"),
    "empty admonition": ('??? tf "Solution"\n\n```python\nx = 1\n```\n', "encadré vide"),
    "fence by 2": (
        '??? tf "S"\n\n    texte\n\n  ```python\n  x = 1\n  ```\n',
        "ligne 5 : bloc de code indenté de 2",
    ),
    "other page's folder": ("![a](figures/vgg16/x.png)\n", "dans son propre dossier"),
    "outside": ("![a](figures/../../x.png)\n", "dans son propre dossier"),
    "bad extension": ("![a](figures/page/x.jpg)\n", "figures/page/<nom>.png"),
    "inline figure": ("Voir ![a](figures/page/x.png) ici.\n", "lien de figure non reconnu"),
    "dotted figure": ("![a](./figures/page/x.png)\n", "dans son propre dossier"),
    "reference figure": ("![a][f]\n\n[f]: figures/page/x.png\n", "lien de figure non reconnu"),
    "unknown mark": ("<!--pytest.mark.slow-->\n\n```python\nx = 1\n```\n", "marque inconnue"),
    "skip without reason": ("<!--pytest.mark.skip-->\n\n```python\nx\n```\n", "dire pourquoi"),
    "deprecated": ("<!--pytest-codeblocks:skip-->\n\n```python\nx\n```\n", "obsolète"),
    "cont": (
        "```python\nx = 1\n```\n\n<!--pytest-codeblocks:cont-->\n\n```python\nx\n```\n",
        "inutile ici",
    ),
    "mark on text": ('<!--pytest.mark.skip(reason="r")-->\n\n```text\nx\n```\n', "pas ```python"),
    "dangling mark": (
        '```python\nx = 1\n```\n\n<!--pytest.mark.skip(reason="r")-->\n',
        "aucun bloc de code",
    ),
    "output first": (
        "<!--pytest-codeblocks:expected-output-->\n\n```text\n1\n```\n",
        "sortie attendue sans bloc",
    ),
    # Highlighted as Python by the site, but never run by pytest-codeblocks: refused.
    "raw html figure": (
        '<img src="../figures/vgg16/x.png" alt="a">\n', "lien de figure non reconnu"
    ),
    "python3 fence": ("```python3\nx = 1\n```\n", "écrivez exactement « ```python »"),
    "Python fence": ("```Python\nx = 1\n```\n", "écrivez exactement « ```python »"),
    "tilde fence": ("~~~python\nx = 1\n~~~\n", "« ~~~python » : écrivez exactement"),
    "solution in capitals": ('??? TF "Solution"\n\n    x\n', "« ??? TF » : une solution"),
    "open solution in capitals": ('???+ TF "S"\n\n    x\n', "en minuscules"),
    "empty quiz": ("Texte\n\n```quiz\n\n```\n", "ligne 3 : quiz vide"),
    "quiz without question": ("```quiz\n= 6 | oui\n```\n", "ligne 2 : réponse avant toute"),
    "quiz unknown line": ("```quiz\n? Q ?\n* 6 | x\n```\n", "ligne 3 : ligne de quiz non"),
    "quiz without right answer": (
        "```quiz\n? Q ?\n- a | non\n- b | non\n```\n",
        "ligne 2 : la question « Q ? » n'a pas de bonne réponse : marquez-la d'un « = »",
    ),
    "quiz with one choice": ("```quiz\n? Q ?\n= a | oui\n```\n", "moins de deux réponses"),
    "quiz without explanation": ("```quiz\n? Q ?\n= a\n- b | non\n```\n", "ligne 3 : réponse"),
    "quiz two rights with ?": (
        "```quiz\n? Q ?\n= a | oui\n= b | oui\n```\n",
        "écrivez « ?? » devant une question à plusieurs réponses",
    ),
    "quiz bad number": ("```quiz\n? Q ?\n~ six | x\n```\n", "ligne 3 : « ~ six » : nombre"),
    "quiz number and choices": ("```quiz\n? Q ?\n~ 6 | x\n- 7 | y\n```\n", "attend un nombre"),
    "quiz math": ("```quiz\n? $3 \\times 3$ ?\n~ 6 | x\n```\n", "ligne 2 : pas de formule"),
    "quiz spelling": ("```Quiz\n? Q ?\n~ 6 | x\n```\n", "exactement « ```quiz »"),
    "second quiz": ("```quiz\n? Q ?\n~ 6 | x\n```\n\n```quiz\n? R ?\n~ 1 | y\n```\n",
                    "ligne 6 : un quiz est déjà plus haut"),
    "unclosed quiz": ("```quiz\n? Q ?\n~ 6 | x\n", "ligne 1 : bloc de code jamais refermé"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_malformed_page_is_refused_with_its_line(write_page, case):
    text, message = BAD[case]
    with pytest.raises(PageError, match="page.md, ligne") as excinfo:
        load_page(write_page(text))
    assert message in str(excinfo.value)


def test_accepted_marks_of_pytest_codeblocks_work(write_page):
    page = load_page(write_page(
        '<!--pytest.mark.skipif(sys.version_info < (3, 0), reason="vieux Python")-->\n\n'
        "```python\nx = 1\n```\n\n<!--pytest-codeblocks:importorskip(module_absent)-->\n\n"
        "```python\ny = 1\n```\n"
    ))  # fmt: skip
    skipif, importorskip = (block.marks[0] for block in page.blocks)
    assert not skipif.applies() and skipif.reason == "vieux Python"
    assert importorskip.applies()


def test_lines_end_at_newlines_only_as_in_mkdocs(write_page):
    """U+2028, form feeds and \\x85 are characters of a line for MkDocs: the lines of the
    reader are its lines (a caption stays under its figure)."""
    page = load_page(write_page("Un\u2028texte\x0cici\x85.\n\n![a](figures/page/a.png)\n"))
    assert page.figures[0].lineno == 3
    assert [s.text for s in page.segments if isinstance(s, Prose)][0] == "Un\u2028texte\x0cici\x85."


@pytest.mark.parametrize("end", ["---", "..."])
def test_a_front_matter_ends_as_in_mkdocs(write_page, end):
    page = load_page(write_page(f"---\ntitle: Titre\n{end}\n\n```python\nx = 1\n```\n"
                                "\n---\n\n```python\ny = 2\n```\n"))  # fmt: skip
    assert [block.lineno for block in page.blocks] == [5, 11]


def test_a_byte_order_mark_is_not_text(write_page):
    path = write_page("---\nsolutions: hidden\n---\n\n```python\nx = 1\n```\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    page = load_page(path)
    assert [block.lineno for block in page.blocks] == [5]
    assert not [s for s in page.segments if isinstance(s, Prose) and "solutions" in s.text]


def test_a_course_page_in_a_sub_folder_is_refused(write_page, tmp_path):
    write_page("```python\nx = 1\n```\n", "a.md")
    write_page("# Sans code\n", "partie/lecture.md")
    assert [page.name for page in course_pages(tmp_path / "docs")] == ["a"]
    write_page("```python\nraise SystemExit\n```\n", "partie/b.md")
    with pytest.raises(PageError, match=r"partie/b\.md : une page de cours .*sous-dossier"):
        course_pages(tmp_path / "docs")


def test_front_matter_is_not_prose(write_page):
    page = load_page(write_page("---\nsolutions: hidden\n---\n# Titre\n"))
    assert [s.text for s in page.segments if isinstance(s, Prose)] == ["# Titre"]
    assert page.segments[0].lineno == 4


def test_the_course_pages_are_those_with_python_code(write_page, tmp_path):
    write_page(PAGE.replace("figures/page/", "figures/b/"), "b.md")
    write_page("# Accueil\n\nSans code.\n", "a.md")
    assert [page.name for page in course_pages(tmp_path / "docs")] == ["b"]


def test_an_unknown_page_name_lists_the_known_ones(write_page, tmp_path):
    write_page(PAGE.replace("figures/page/", "figures/convolution/"), "convolution.md")
    with pytest.raises(PageError, match=r"« vgg »\..*convolution"):
        find_page("vgg", tmp_path / "docs")


def test_every_figure_of_the_real_site_is_in_its_pages_folder():
    pages = course_pages()
    assert sum(len(page.figures) for page in pages) > 20
    for page in pages:
        for figure in page.figures:
            assert figure.path.startswith(f"figures/{page.name}/"), (page.name, figure.path)
            assert (DOCS / figure.path).is_file(), figure.path


def _bound(code: str) -> set[str]:
    """The top-level names a block binds (assignments, definitions, imports)."""
    import ast

    names = set()
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def skeletons(page) -> list[tuple[object, list]]:
    """Each exercise skeleton of a page (a skipped block outside any solution) and the
    blocks of the solutions that follow it, up to the next section (### or higher)."""
    found, current = [], None
    for segment in page.segments:
        if isinstance(segment, Prose) and segment.text.startswith(("# ", "## ", "### ")):
            current = None
        elif hasattr(segment, "marks") and segment.syntax == "python":
            in_solution = any(box.is_solution for box in segment.within)
            if segment.mark("skip") and not in_solution:
                current = (segment, [])
                found.append(current)
            elif current is not None and in_solution:
                current[1].append(segment)
    return found


@pytest.mark.parametrize("page", course_pages(), ids=lambda page: page.name)
def test_every_skeleton_binds_the_names_its_solution_binds(page):
    """A student who completes the skeleton must get the names that the next blocks use."""
    for skeleton, solution in skeletons(page):
        assert solution, f"{page.name}, ligne {skeleton.lineno} : squelette sans solution"
        theirs = set().union(*(_bound(block.code) for block in solution))
        assert _bound(skeleton.code) == theirs, (
            f"{page.name}, ligne {skeleton.lineno} : le squelette définit "
            f"{sorted(_bound(skeleton.code))}, sa solution {sorted(theirs)}"
        )


def test_a_skeleton_that_binds_another_name_is_found(write_page):
    page = load_page(write_page(
        '### Exercice : un modèle\n\n<!--pytest.mark.skip(reason="à compléter")-->\n\n'
        "```python\nmodel = ...\n```\n\n"
        '??? tf "TensorFlow"\n\n    ```python\n    vgg = 1\n    ```\n'
    ))  # fmt: skip
    ((skeleton, solution),) = skeletons(page)
    assert _bound(skeleton.code) == {"model"} and _bound(solution[0].code) == {"vgg"}
QUIZ = """
# Titre

```quiz
? Une sortie de
  6 × 6 ?
= Oui, `6` | 8 − 3 + 1 = 6.
- Non | Si.

?? Lesquelles ?
= *a* | Juste.
- b | Faux.
= c | Juste aussi.

? Combien ?
~ 165 514 | Le calcul.
? Et la moitié ?
~ 0,5 ± 0.01 | Environ.
```

Après.
"""


def test_a_quiz_is_one_segment_with_its_questions_and_answers(write_page):
    page = load_page(write_page(QUIZ))
    (quiz,) = page.quizzes
    assert (quiz.lineno, quiz.end) == (3, 18)
    assert not [s for s in page.segments if isinstance(s, Code)]  # not a code block
    assert [s.text for s in page.segments if isinstance(s, Prose) and s.text] == ["# Titre",
                                                                                  "Après."]
    one, several, count, half = quiz.questions
    assert (one.lineno, one.kind, one.text) == (4, "single", "Une sortie de 6 × 6 ?")
    assert [(a.lineno, a.text, a.right, a.explanation) for a in one.answers] == [
        (6, "Oui, `6`", True, "8 − 3 + 1 = 6."), (7, "Non", False, "Si.")]  # fmt: skip
    assert several.kind == "multiple" and [a.text for a in several.right] == ["*a*", "c"]
    assert (count.kind, count.value, count.tolerance) == ("number", 165514, 0)
    assert (half.kind, half.value, half.tolerance) == ("number", 0.5, 0.01)
    assert isinstance(quiz, Quiz) and page.blocks == []


def test_a_quiz_in_an_admonition_knows_it(write_page):
    text = '!!! info "Pour finir"\n\n    ```quiz\n    ? Q ?\n    ~ 6 | x\n    ```\n'
    (quiz,) = load_page(write_page(text)).quizzes
    assert quiz.within[0].kind == "info" and quiz.questions[0].value == 6


def test_every_chapter_ends_with_a_quiz_of_four_to_eight_questions():
    for page in course_pages():
        (quiz,) = page.quizzes
        assert 4 <= len(quiz.questions) <= 8, page.name
        after = page.segments[page.segments.index(quiz) + 1 :]
        assert not [s for s in after if getattr(s, "text", "").strip()], page.name
