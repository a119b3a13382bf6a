"""What the site and the notebooks show of a page: its solutions, and its exercises' numbers.

- the solution policy, `extra.solutions` in mkdocs.yml: `collapsed` (default: the
  `??? tf "…"` boxes, closed), `hidden` (the solutions are *removed*: not in the HTML,
  nor the search index, nor the notebook) or `shown` (boxes open); and `solutions_after:
  YYYY-MM-DD`: hidden before that date, collapsed from it. A page that sets `solutions`
  or `solutions_after` in its front matter replaces the site's policy by its own.
  `shown` ignores dates (the instructor's copy: `extra: {solutions: shown}`). Any other
  value, or a date that is not one, is refused;
- the exercises: every heading « ### Exercice : titre » of a chapter becomes « Exercice
  2.3 : titre », anchor `exercice-2-3` (chapters: see `course.config`).

`Rules` say what applies to one page (`course.config.Course.rules`); `edits` turns them
into changes of the page's lines, which the site's plugin applies with its own. The
tests run every solution, whatever the policy.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from tp_cnn.course.edits import Edits
from tp_cnn.reading.pages import PageError
from tp_cnn.reading.segments import Admonition, Page, Prose

VALUES = ("collapsed", "hidden", "shown")
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
    chapter: int | None = None  # rank of the chapter, from 1; None: exercises not numbered


def policy(settings: dict, where: str, today: datetime.date | None = None):
    """(value, date) of `solutions`/`solutions_after` in `settings` (found in `where`)."""
    value = settings.get("solutions", "collapsed")
    if not isinstance(value, str) or value not in VALUES:
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


def check_titles(page: Page, chapter: int | None) -> dict[int, str]:
    """Line number of each check → its title in a notebook, « Vérifier l'exercice 2.3 »."""
    numbered = sorted(exercises(page, chapter).items())
    titles = {}
    for check in page.checks:
        before = [number for lineno, (number, _) in numbered if lineno < check.box.lineno]
        titles[check.box.lineno] = f"Vérifier l'exercice {before[-1]}" if before else (
            "Vérifier votre réponse")  # fmt: skip
    return titles


def anchor(number: str) -> str:
    return "exercice-" + number.replace(".", "-")


def solutions_of(page: Page) -> list[Admonition]:
    """The solutions of a page (its `??? tf` boxes), those inside another one aside."""
    return [
        s
        for s in page.segments
        if isinstance(s, Admonition) and s.is_solution and not any(a.is_solution for a in s.within)
    ]


def publication(after: datetime.date | None) -> str:
    if after is None:
        return "*La solution de cet exercice n'est pas publiée.*"
    return f"*La solution sera publiée le {after.day} {_MONTHS[after.month - 1]} {after.year}.*"


def edits(page: Page, rules: Rules, lines: list[str]) -> Edits:
    """What the site changes in the page's `lines`: exercises numbered, the checks' wrong
    answers out (they are the tests'), hidden solutions out (the search index never sees
    them)."""
    changes = Edits()
    for lineno, (number, heading) in exercises(page, rules.chapter).items():
        changes.replace(lineno, [f"{heading} {{ #{anchor(number)} }}"])
    for wrong in (block for check in page.checks for block in check.wrong):
        changes.remove(wrong.lineno, wrong.lineno + len(wrong.fence) - 1, [])
    if rules.solutions != "hidden":
        return changes
    for box in solutions_of(page):
        end = box.lineno  # its last line: the content is indented 4 more than its `???`
        for index in range(box.lineno, len(lines)):
            text = lines[index]
            if text.strip() and len(text) - len(text.lstrip(" ")) <= box.indent:
                break
            end = index + 1 if text.strip() else end
        changes.remove(box.lineno, end, [" " * box.indent + publication(rules.after)])
    return changes
