"""What the site and the notebooks show of a page: its solutions, and its exercises' numbers.

One source of truth for both (`rules`), read from the site's configuration:

- the solution policy, `extra.solutions` in mkdocs.yml: `collapsed` (default: the
  `??? tf "…"` boxes, closed), `hidden` (the solutions are *removed*: not in the HTML,
  nor the search index, nor the notebook) or `shown` (boxes open); and `solutions_after:
  YYYY-MM-DD`: hidden before that date, collapsed from it. A page that sets `solutions`
  or `solutions_after` in its front matter replaces the site's policy by its own.
  `shown` ignores dates (the instructor's copy: `extra: {solutions: shown}`);
- the exercises: every heading « ### Exercice : titre » of a chapter (a page of the nav
  section « Le TP ») becomes « Exercice 2.3 : titre », anchor `exercice-2-3`, numbered
  by the chapter's rank in that section and the exercise's rank in the page.

As a MkDocs hook (mkdocs.yml `hooks:`, before site_hooks.py), it applies them to each
page's Markdown (so the search index never sees a hidden solution), opens the boxes
of `shown` in the HTML, and builds the notebooks of the site with the same rules. The
tests (`pytest_plugin`) read the pages themselves: they run every solution, whatever
the policy.
"""

from __future__ import annotations

import datetime
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils import meta, yaml_load

from tp_cnn.pages import Admonition, PageError, Prose, read_page
from tp_cnn.segments import ROOT, Page

VALUES = ("collapsed", "hidden", "shown")
CHAPTERS = "Le TP"  # the nav section whose pages are the numbered chapters
PLACEHOLDER = "# À vous de jouer"  # the notebook's empty cell where a hidden solution was
_EXERCISE = re.compile(r"^(?P<hashes>#{2,6}) +Exercice *: *(?P<title>.+?) *$")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")  # fmt: skip


class SolutionsError(PageError):
    """A solution policy that cannot be applied; the message names the file and the key."""


@dataclass(frozen=True)
class Rules:
    """What the site does to one page."""

    solutions: str = "collapsed"  # one of VALUES, for today
    after: datetime.date | None = None  # when hidden solutions are published, if ever
    chapter: int | None = None  # rank in « Le TP », from 1; None: exercises not numbered


def policy(settings: dict, where: str, today: datetime.date | None = None):
    """(value, date) of `solutions`/`solutions_after` in `settings` (found in `where`)."""
    value = settings.get("solutions") or "collapsed"
    if value not in VALUES:
        raise SolutionsError(
            f"{where} : solutions vaut « {value} » ; valeurs possibles : {', '.join(VALUES)}."
        )
    after = settings.get("solutions_after")
    if after is not None and not isinstance(after, datetime.date):
        try:
            after = datetime.date.fromisoformat(str(after).strip())
        except ValueError:
            raise SolutionsError(
                f"{where} : solutions_after vaut « {after} », qui n'est pas une date "
                "AAAA-MM-JJ (par exemple 2026-03-16)."
            ) from None
    if isinstance(after, datetime.datetime):
        after = after.date()
    if value == "hidden" and after is not None:
        raise SolutionsError(
            f"{where} : solutions: hidden et solutions_after se contredisent. Pour publier "
            "les solutions à une date, enlevez solutions: hidden."
        )
    today = today or datetime.date.today()
    if value == "shown" or after is None:
        return value, None
    return ("hidden", after) if today < after else ("collapsed", None)


def chapters(nav: list | None) -> list[str]:
    """The pages of the nav section « Le TP », in order (Markdown files, relative to docs/)."""
    for entry in nav or []:
        if isinstance(entry, dict) and isinstance(entry.get(CHAPTERS), list):
            return [next(iter(item.values())) for item in entry[CHAPTERS]]
    return []


def rules(page_src: str, page_meta: dict, config: dict, today=None) -> Rules:
    """The rules of a page (its path under docs/ and front matter) on the site `config`."""
    extra = config.get("extra") or {}
    own = {"solutions", "solutions_after"} & set(page_meta)
    where = f"{page_src} (en-tête de la page)" if own else "mkdocs.yml (extra)"
    value, after = policy(page_meta if own else extra, where, today)
    names = chapters(config.get("nav"))
    return Rules(value, after, names.index(page_src) + 1 if page_src in names else None)


def site_config(path: Path = ROOT / "mkdocs.yml") -> dict:
    """mkdocs.yml read by MkDocs' own loader (its tags, INHERIT)."""
    with open(path, "rb") as file:
        return yaml_load(file)


def page_rules(page: Page, config: dict | None = None, today=None) -> Rules:
    """The rules of a page of docs/ read from its file (front matter included)."""
    _, page_meta = meta.get_data(page.path.read_text(encoding="utf-8"))
    return rules(page.path.name, page_meta, config or site_config(), today)


def exercises(page: Page, chapter: int | None) -> dict[int, tuple[str, str]]:
    """Line number → (number « 2.3 », numbered heading) of each exercise of the page."""
    found = {}
    for segment in page.segments:
        if isinstance(segment, Prose) and not segment.within:
            if (match := _EXERCISE.match(segment.text)) and chapter is not None:
                number = f"{chapter}.{len(found) + 1}"
                found[segment.lineno] = (number, f"{match['hashes']} Exercice {number} : "
                                                 f"{match['title']}")  # fmt: skip
    return found


def anchor(number: str) -> str:
    return "exercice-" + number.replace(".", "-")


def is_solution(segment) -> bool:
    return isinstance(segment, Admonition) and segment.kind == "tf"


def solutions_of(page: Page) -> list[Admonition]:
    """The solutions of a page (its `??? tf` boxes), those inside another one aside."""
    return [s for s in page.segments if is_solution(s) and not any(map(is_solution, s.within))]


def publication(after: datetime.date | None) -> str:
    if after is None:
        return "*La solution de cet exercice n'est pas publiée.*"
    return f"*La solution sera publiée le {after.day} {_MONTHS[after.month - 1]} {after.year}.*"


def apply(markdown: str, page: Page, page_rules_: Rules) -> str:
    """The page's Markdown as the site shows it: exercises numbered, hidden solutions out."""
    lines = markdown.split("\n")
    for lineno, (number, heading) in exercises(page, page_rules_.chapter).items():
        lines[lineno - 1] = f"{heading} {{ #{anchor(number)} }}"
    if page_rules_.solutions != "hidden":
        return "\n".join(lines)
    for box in reversed(solutions_of(page)):
        end = box.lineno  # its last line: the content is indented 4 more than its `???`
        for index in range(box.lineno, len(lines)):
            text = lines[index]
            if text.strip() and len(text) - len(text.lstrip(" ")) <= box.indent:
                break
            end = index + 1 if text.strip() else end
        lines[box.lineno - 1 : end] = [" " * box.indent + publication(page_rules_.after)]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The MkDocs hook

_notebooks_dir: Path | None = None


def _error(error: Exception):
    from mkdocs.exceptions import PluginError

    return PluginError(f"Construction arrêtée : {error}")


def on_config(config):
    try:
        policy(config["extra"], "mkdocs.yml (extra)")
    except SolutionsError as error:
        raise _error(error) from None


def on_files(files, config):
    """The notebooks of the site (docs/notebooks/), rebuilt with this build's rules: a
    notebook written under another policy or before a date never reaches the site."""
    from tp_cnn.notebooks import NOTEBOOKS, notebook_text
    from tp_cnn.pages import course_pages

    global _notebooks_dir
    folder = Path(tempfile.mkdtemp(prefix="tp-cnn-notebooks-")) / NOTEBOOKS
    folder.mkdir()
    try:
        for page in course_pages(Path(config["docs_dir"])):
            file = files.get_file_from_path(f"{NOTEBOOKS}/{page.name}.ipynb")
            if file is None or file.abs_src_path is None:
                continue
            text = notebook_text(page, page_rules(page, config))
            if Path(file.abs_src_path).read_text(encoding="utf-8") != text:
                (folder / f"{page.name}.ipynb").write_text(text, encoding="utf-8")
                file.abs_src_path = str(folder / f"{page.name}.ipynb")
    except PageError as error:
        raise _error(error) from None
    _notebooks_dir = folder.parent
    return files


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):
        return markdown
    try:
        read = read_page(Path(page.file.abs_src_path), markdown)
        page_rules_ = rules(page.file.src_uri, page.meta, config)
    except PageError as error:
        raise _error(error) from None
    return apply(markdown, read, page_rules_)


def on_page_content(html, page, config, files):
    src = page.file.src_uri
    if src.endswith(".md") and rules(src, page.meta, config).solutions == "shown":
        return re.sub(r'<details class="tf"(?=>)', '<details class="tf" open', html)
    return html


def on_post_build(config):
    if _notebooks_dir is not None:
        shutil.rmtree(_notebooks_dir, ignore_errors=True)
