"""The solution policy (extra.solutions, solutions_after) and the numbered exercises, on the
site, in its search index and in the notebooks; the tests of the pages keep every solution."""

import datetime
import html
import json
import re
from pathlib import Path

import pytest
from mkdocs.config import load_config

from tp_cnn.course.config import Course, site_config
from tp_cnn.course.solutions import (
    PLACEHOLDER,
    Rules,
    SolutionsError,
    anchor,
    edits,
    solutions_of,
)
from tp_cnn.exports.notebooks import page_notebook
from tp_cnn.paths import ROOT
from tp_cnn.pytest_plugin import CoursePage
from tp_cnn.reading.navigation import course_pages
from tp_cnn.reading.pages import read_page
from tp_cnn.reading.segments import Code

TODAY = datetime.date(2026, 3, 16)
PAGE = """\
# Un chapitre

### Exercice : additionner

Additionnez.

??? tf "TensorFlow"

    La solution, en prose.

    ```python
    total_secret = 1 + 1
    ```

    !!! info "Dans la solution"

        Encore de la solution.

Après l'exercice.

### Exercice : multiplier

??? tf "TensorFlow"

    ```python
    produit_secret = 2 * 3
    ```
"""


def _page(text: str = PAGE):
    return read_page(Path("page.md"), text)


def rules(src: str, settings: dict, config: dict, today=TODAY) -> Rules:
    """The rules of page `src` with front matter `settings`, on a site of this `config`."""
    return Course((), (), config.get("extra") or {}, today).rules(src, settings)


def apply(text: str, page, page_rules: Rules) -> str:
    """The page's Markdown as the site shows it (the plugin makes the same edits)."""
    lines = text.split("\n")
    return "\n".join(edits(page, page_rules, lines).apply(lines))


# ---------------------------------------------------------------------------------------
# The policy, for a date


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "collapsed"),
        ({"solutions": "hidden"}, "hidden"),
        ({"solutions": "shown"}, "shown"),
        ({"solutions_after": "2026-03-17"}, "hidden"),  # tomorrow
        ({"solutions_after": datetime.date(2026, 3, 16)}, "collapsed"),  # today, as YAML reads it
        ({"solutions_after": "2026-03-15"}, "collapsed"),
        ({"solutions": "shown", "solutions_after": "2026-03-17"}, "shown"),  # instructor's copy
    ],
)
def test_the_policy_of_the_site_for_a_date(settings, expected):
    assert rules("page.md", {}, {"extra": settings}, today=TODAY).solutions == expected


def test_a_page_front_matter_replaces_the_site_policy():
    site = {"extra": {"solutions": "hidden"}}
    assert rules("page.md", {"solutions_after": "2026-01-01"}, site, TODAY).solutions == "collapsed"
    assert rules("page.md", {"solutions_after": "2027-01-01"}, site, TODAY).solutions == "hidden"
    assert rules("page.md", {"solutions": "shown"}, site, TODAY).solutions == "shown"
    assert rules("page.md", {"title": "Autre"}, site, TODAY).solutions == "hidden"


@pytest.mark.parametrize(
    ("page_meta", "extra", "words"),
    [
        ({}, {"solutions": "masquees"}, ["mkdocs.yml", "solutions", "masquees", "collapsed"]),
        ({"solutions": "ouvert"}, {}, ["page.md", "en-tête", "solutions", "ouvert"]),
        ({}, {"solutions_after": "16/03/2026"}, ["mkdocs.yml", "solutions_after", "AAAA-MM-JJ"]),
        ({"solutions_after": "demain"}, {}, ["page.md", "solutions_after", "demain"]),
        ({"solutions": "hidden", "solutions_after": "2026-03-20"}, {}, ["page.md", "enlevez"]),
    ],
)
def test_a_bad_policy_is_refused_in_french_with_the_file_and_the_key(page_meta, extra, words):
    with pytest.raises(SolutionsError) as error:
        rules("page.md", page_meta, {"extra": extra}, TODAY)
    for word in words:
        assert word in str(error.value)


def test_a_bad_policy_stops_the_build_in_french():
    from mkdocs.exceptions import PluginError

    config = load_config(str(ROOT / "mkdocs.yml"), extra={"solutions": "cachees"})
    with pytest.raises(PluginError, match="mkdocs.yml.*solutions vaut « cachees »"):
        config.plugins.on_config(config)


# ---------------------------------------------------------------------------------------
# The Markdown of a page, and its notebook


def test_hidden_solutions_leave_the_markdown_and_a_date_says_when_they_come():
    page = _page()
    shown = apply(PAGE, page, Rules("collapsed", None, 2))
    hidden = apply(PAGE, page, Rules("hidden", datetime.date(2026, 4, 1), 2))
    for secret in ("total_secret", "produit_secret", "en prose", "Encore de la solution"):
        assert secret in shown and secret not in hidden
    assert "??? tf" in shown and "???" not in hidden
    assert hidden.count("*La solution sera publiée le 1 avril 2026.*") == 2
    assert "Après l'exercice." in hidden
    assert "### Exercice 2.2 : multiplier { #exercice-2-2 }" in hidden


def test_the_exercises_are_numbered_by_chapter_and_rank():
    text = apply(PAGE, _page(), Rules(chapter=3))
    assert re.findall(r"^### (.*)$", text, re.MULTILINE) == [
        "Exercice 3.1 : additionner { #exercice-3-1 }",
        "Exercice 3.2 : multiplier { #exercice-3-2 }",
    ]
    assert "Exercice :" in apply(PAGE, _page(), Rules(chapter=None))  # not a chapter


def test_the_chapters_are_the_course_pages_in_menu_order_whatever_the_menu_says():
    config = site_config()
    course = Course.from_config(config)
    names = [page.path.name for page in course_pages()]
    assert list(course.chapters) == names and len(names) == 4
    for rank, name in enumerate(names, 1):
        assert course.rules(name, {}).chapter == rank
    assert course.rules("index.md", {}).chapter is None
    renamed = {**config, "nav": [{"Autre titre": next(iter(s.values()))} for s in config["nav"]]}
    assert Course.from_config(renamed).chapters == course.chapters
    off = Course.from_config(config, numbered=False)
    assert off.chapters == () and off.rules(names[0], {}).chapter is None


def _sources(notebook, kind="code"):
    return [cell.source for cell in notebook.cells if cell.cell_type == kind]


def test_a_notebook_follows_the_policy(write_page):
    page = read_page(write_page(PAGE), PAGE)
    hidden = page_notebook(page, Rules("hidden", None, 2))
    assert _sources(hidden)[-2:] == [PLACEHOLDER, PLACEHOLDER]
    for secret in ("secret", "en prose", "Encore de la solution"):
        assert secret not in json.dumps(hidden, ensure_ascii=False)
    assert re.search(r"### Exercice 2\.1\s: additionner", "".join(_sources(hidden, "markdown")))
    shown = page_notebook(page, Rules("shown", None, 2))
    cells = [c for c in shown.cells if c.cell_type == "code" and "secret" in c.source]
    assert len(cells) == 2 and not any(c.metadata.get("cellView") for c in cells)
    collapsed = page_notebook(page, Rules("collapsed", None, 2))
    cells = [c for c in collapsed.cells if c.cell_type == "code" and "secret" in c.source]
    assert len(cells) == 2 and all(c.metadata.get("cellView") == "form" for c in cells)


def test_the_tests_collect_every_solution_whatever_the_policy(write_page, request):
    path = write_page("---\nsolutions: hidden\n---\n\n" + PAGE)
    items = list(CoursePage.from_parent(request.session, path=path).collect())
    assert [item.block.code for item in items] == [
        "total_secret = 1 + 1\n",
        "produit_secret = 2 * 3\n",
    ]


# ---------------------------------------------------------------------------------------
# The built sites: the usual one (`site`) and one with `solutions: hidden`


def _solution_lines() -> dict[str, list[str]]:
    """Per page, the lines of its solutions' code found nowhere else on any page."""
    pages = course_pages()
    elsewhere = "\n".join(
        apply(page.path.read_text(encoding="utf-8"), page, Rules("hidden")) for page in pages
    )
    found = {}
    for page in pages:
        lines = {
            line.strip()
            for segment in page.segments
            if isinstance(segment, Code) and any(a.is_solution for a in segment.within)
            for line in segment.code.splitlines()
            if len(line.strip()) >= 12 and not line.strip().startswith("#")
        }
        found[page.name] = sorted(line for line in lines if line not in elsewhere)
    return found


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _texts(site: Path, name: str) -> dict[str, str]:
    """What a reader finds of a page: its HTML, its search entries, its notebook's cells."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [d["text"] for d in index["docs"] if d["location"].startswith(f"{name}/")]
    notebook = json.loads((site / "notebooks" / name / f"{name}.ipynb").read_text("utf-8"))
    return {
        "HTML": _text((site / name / "index.html").read_text(encoding="utf-8")),
        "recherche": _text("\n".join(entries)),
        "notebook": "\n".join("".join(cell["source"]) for cell in notebook["cells"]),
    }


def test_hidden_solutions_are_nowhere_on_the_built_site(site, hidden_site):
    solutions = _solution_lines()
    assert sum(map(len, solutions.values())) > 20
    for name, lines in solutions.items():
        for where, text in _texts(site, name).items():
            if where != "recherche":  # the usual site: every line is there (search aside:
                missing = [line for line in lines if line not in text]  # it cuts code)
                assert not missing, f"{name} ({where}) : lignes introuvables {missing}"
        for where, text in _texts(hidden_site, name).items():
            seen = [line for line in lines if line in text]
            assert not seen, f"{name} ({where}) : solution encore visible : {seen}"
        notebook = _texts(hidden_site, name)["notebook"]
        assert notebook.count(PLACEHOLDER) == len(solutions_of(next(
            page for page in course_pages() if page.name == name
        )))  # fmt: skip


def test_numbers_and_anchors_are_the_same_on_the_site_and_in_the_notebooks(site):
    for rank, name in enumerate(Course.from_config(None).chapters, 1):
        page = next(page for page in course_pages() if page.path.name == name)
        markup = (site / page.name / "index.html").read_text(encoding="utf-8")
        ids = re.findall(r'\bid="([^"]+)"', markup)
        assert len(ids) == len(set(ids)), f"{page.name} : ancres en double"
        on_site = re.findall(r'<h[2-6] id="(exercice-[\d-]+)">Exercice (\d+\.\d+)', markup)
        written = len(re.findall(r"^#{2,6} +Exercice *:", page.path.read_text(), re.MULTILINE))
        assert [number for _, number in on_site] == [f"{rank}.{i}" for i in range(1, written + 1)]
        assert all(anchor(number) == id_ for id_, number in on_site)
        in_notebook = re.findall(r"^#+ Exercice (\d+\.\d+)", "\n".join(
            _sources(page_notebook(page), "markdown")), re.MULTILINE)  # fmt: skip
        assert in_notebook == [number for _, number in on_site], page.name


def test_the_site_is_published_again_every_day_for_the_dates():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert any(re.fullmatch(r"\d+ \d+ \* \* \*", cron) for cron in crons), crons
