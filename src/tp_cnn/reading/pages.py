"""THE reader of a course page: a Markdown file → one ordered list of segments.

Every part of the project reads pages through `load_page` or `read_page`: there is no
other parser of fences, marks or figure links. A page becomes `Prose` lines, `Comment`s,
`Admonition` openings, `Code` blocks (verbatim, at their true lines, with their marks and
the output shown under them), `Figure` links and `Widget` lines (see `segments`), each
knowing the admonitions it sits in. It is read as MkDocs reads it: lines end at "\n"
only, a front matter ends at `---` or `...`, a BOM is not text.

A page that the site would show wrongly is refused with its file and line: an unclosed
fence, a Python fence in another spelling (never run), a misindented admonition, a
solution that is not collapsed or not in lower case, a mark with no Python block under
it, a figure link not alone on its line or outside `figures/<its page>/`, a malformed
widget (`widget_lines`), quiz (`quizzes`) or check (`checks`). Standard library only.
"""

from __future__ import annotations

import re
from pathlib import Path

from tp_cnn.reading.checks import validate_checks
from tp_cnn.reading.marks import Mark, parse_mark
from tp_cnn.reading.quizzes import parse_quiz
from tp_cnn.reading.segments import (
    CHECK,
    FIGURE_PATH,
    SOLUTION,
    WRONG_ANSWER,
    Admonition,
    Code,
    Comment,
    Figure,
    Page,
    Prose,
    Quiz,
    Segment,
    Widget,
)
from tp_cnn.reading.widget_lines import parse_widget

_ADMONITION = re.compile(
    r"^(?P<indent> *)(?P<marker>\?\?\?\+?|!!!) *(?P<kind>[\w-]+)(?: +\"(?P<title>[^\"]*)\")? *$"
)
_FENCE = re.compile(r"^(?P<indent> *)(?P<ticks>`{3,}|~{3,})(?P<info>.*)$")
_PYTHON = re.compile(r"(?i)(i?py(thon)?[23]?)\b")
# MkDocs' own pattern (mkdocs.utils.meta): `---`, the YAML, then `---` or `...`.
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_COMMENT = re.compile(r"^\s*<!--(?P<text>.*)-->\s*$")
_FIGURE = re.compile(
    r"^(?P<indent> *)!\[(?P<alt>[^\]]*)\]\((?P<path>[^)\s\"]+)(?: +\"(?P<title>[^\"]*)\")?\)"
    r"(?P<attrs>\{[^}]*\})? *$"
)
# A figure written another way (raw HTML, reference link, ../figures/…): refused.
_MENTIONS_FIGURE = re.compile(r"(\]\(|\]:|src=|href=)\s*[<\"']?(\.{1,2}/)*figures/")


__all__ = ["Admonition", "Code", "Comment", "Figure", "Page", "Prose", "Quiz", "Segment", "Widget"]


class PageError(Exception):
    """A page cannot be read or run as written; the message names the file and line."""


class _Reader:
    """One pass over the lines; `fail` names the page and the line."""

    def __init__(self, path: Path, text: str):
        self.path, self.name, self.text = path, path.stem, text
        # As MkDocs and Markdown: lines end at "\n" only (not at U+2028, form feeds…).
        self.lines = text.split("\n")
        if self.lines[-1:] == [""]:
            self.lines.pop()
        self.segments: list[Segment] = []
        self.stack: list[Admonition] = []
        self.marks: list[Mark] = []
        self.expects: str | None = None  # "expected-output" or "…-ignore-whitespace"
        self.number = 0  # of the line being read, from 1

    def fail(self, message: str, lineno: int | None = None) -> PageError:
        return PageError(f"{self.path.name}, ligne {lineno or self.number} : {message}")

    def read(self) -> list[Segment]:
        self.skip_front_matter()
        while self.number < len(self.lines):
            self.number += 1
            self.line(self.lines[self.number - 1])
        if self.marks or self.expects:
            raise self.fail("une marque en fin de page n'est suivie d'aucun bloc de code.")
        validate_checks(self.segments, self.fail)
        drawn = {s.path for s in self.segments if isinstance(s, Figure)}
        for widget in (s for s in self.segments if isinstance(s, Widget)):
            if widget.figure and widget.figure not in drawn:
                raise self.fail(
                    f"data-figure « {widget.figure} » : aucun lien de la page ne montre cette "
                    "figure. Nommez une figure que la page dessine.",
                    widget.lineno,
                )
        return self.segments

    def skip_front_matter(self) -> None:
        """As MkDocs: a first line `---`, up to a line `---` or `...` (its YAML is read by
        `course.front_matter`)."""
        if match := FRONT_MATTER.match(self.text):
            self.number = match.group().count("\n")

    def margin(self) -> int:
        return self.stack[-1].indent + 4 if self.stack else 0

    def line(self, line: str) -> None:
        indent = len(line) - len(line.lstrip(" "))
        if line.strip():
            while self.stack and indent < self.margin():
                self.stack.pop()
        within = tuple(self.stack)
        if match := _ADMONITION.match(line):
            self.admonition(match, indent, within)
        elif match := _FENCE.match(line):
            self.code(match, indent, within)
        elif match := _COMMENT.match(line):
            self.comment(match["text"], within)
        elif match := _FIGURE.match(line):
            self.figure(match, line, within)
        elif "data-widget" in line:
            widget = parse_widget(line, self.number, self.name, within, self.fail)
            if any(w.name == widget.name for w in self.segments if isinstance(w, Widget)):
                raise self.fail(f"le widget « {widget.name} » est déjà plus haut : un par page.")
            self.segments.append(widget)
        elif _MENTIONS_FIGURE.search(line):
            raise self.fail(
                "lien de figure non reconnu. Écrivez-le seul sur sa ligne : "
                f"![texte alternatif](figures/{self.name}/nom.png)"
            )
        else:
            self.segments.append(Prose(self.number, line[min(self.margin(), indent) :], within))

    def admonition(self, match: re.Match, indent: int, within: tuple) -> None:
        if indent % 4 or indent > self.margin():
            raise self.fail(
                f"encadré « {match['marker']} {match['kind']} » indenté de {indent} espace(s) : "
                "placez-le en début de ligne, ou à 4 espaces de plus que l'encadré qui le "
                "contient. Sinon le site l'affiche tel quel, contenu déplié."
            )
        kind, collapsed = match["kind"], match["marker"] == "???"
        role = {SOLUTION: "une solution", CHECK: "une vérification"}.get(kind.lower())
        if role and kind != kind.lower():
            raise self.fail(
                f"« {match['marker']} {kind} » : {role} s'écrit « ??? {kind.lower()} » "
                "(en minuscules), sinon le site ne la reconnaît pas."
            )
        if role and not collapsed:
            raise self.fail(
                f"{role} doit être repliée : écrivez « ??? {kind} », "
                f"pas « {match['marker']} {kind} »."
            )
        following = next((text for text in self.lines[self.number :] if text.strip()), "")
        if len(following) - len(following.lstrip(" ")) < indent + 4:
            raise self.fail(
                "encadré vide : son contenu doit être indenté de 4 espaces de plus que la "
                "ligne « ??? » ou « !!! » (sinon il s'affiche hors de l'encadré)."
            )
        title = kind.capitalize() if match["title"] is None else match["title"]
        admonition = Admonition(self.number, indent, kind, title, collapsed, within)
        self.stack.append(admonition)
        self.segments.append(admonition)

    def code(self, match: re.Match, indent: int, within: tuple) -> None:
        start, ticks, info = self.number, match["ticks"], match["info"].strip()
        if indent != self.margin():
            raise self.fail(
                f"bloc de code indenté de {indent} espace(s) là où le texte l'est de "
                f"{self.margin()} : alignez la ligne ``` sur le texte qui l'entoure."
            )
        if (info != "python" or ticks[0] == "~") and _PYTHON.match(info):
            raise self.fail(
                f"bloc « {ticks}{info} » : écrivez exactement « ```python », sinon il n'est "
                "ni exécuté ni vérifié."
            )
        if info == WRONG_ANSWER and not any(a.is_check for a in within):
            raise self.fail(f"un bloc ```{WRONG_ANSWER} se place dans une vérification.")
        if (info != "quiz" or ticks[0] == "~") and re.match(r"(?i)\{?\.?quiz\b", info):
            raise self.fail(f"bloc « {ticks}{info} » : un quiz s'ouvre par exactement « ```quiz ».")
        end = next(
            (i for i in range(start, len(self.lines)) if _closes(self.lines[i], ticks)),
            None,
        )
        if end is None:
            raise self.fail("bloc de code jamais refermé : ajoutez une ligne ```.", start)
        fence = self.lines[start - 1 : end + 1]
        code = "".join(
            text[min(indent, len(text) - len(text.lstrip(" "))) :] + "\n" for text in fence[1:-1]
        )
        self.number = end + 1
        if self.expects:
            self.output(code, start)
            return
        if self.marks and info != "python":
            raise self.fail("une marque pytest précède un bloc qui n'est pas ```python.", start)
        if info == "quiz" and any(isinstance(s, Quiz) for s in self.segments):
            raise self.fail("un quiz est déjà plus haut : un par page, réunissez-y les questions.",
                            start)  # fmt: skip
        quiz = info == "quiz" and parse_quiz(fence, start, within, self.fail)
        self.segments.append(quiz or Code(start, info, code, fence, self.marks, within=within))
        self.marks = []

    def output(self, code: str, lineno: int) -> None:
        previous = next((s for s in reversed(self.segments) if isinstance(s, Code)), None)
        if previous is None or previous.syntax != "python":
            raise self.fail("sortie attendue sans bloc ```python avant elle.", lineno)
        previous.expected_output = code
        previous.expected_output_ignore_whitespace = self.expects.endswith("whitespace")
        self.expects = None

    def comment(self, text: str, within: tuple) -> None:
        text = text.strip()
        keyword = re.fullmatch(r"[-\s]*pytest-codeblocks:(?P<word>.*?)[-\s]*", text)
        if keyword and keyword["word"] in {"expected-output", "expected-output-ignore-whitespace"}:
            self.expects = keyword["word"]
        elif keyword or text.startswith("pytest."):
            self.marks.append(parse_mark(text, self.fail))
        else:
            self.segments.append(Comment(self.number, text, within))

    def figure(self, match: re.Match, line: str, within: tuple) -> None:
        path = match["path"]
        if not re.fullmatch(FIGURE_PATH.format(page=re.escape(self.name)), path):
            raise self.fail(
                f"figure « {path} » : une page ne dessine que dans son propre dossier, "
                f"sous la forme figures/{self.name}/<nom>.png ou .svg (lettres, chiffres, - et _)."
            )
        self.segments.append(Figure(self.number, path, match["alt"], line, within))


def _closes(line: str, ticks: str) -> bool:
    """Whether `line` closes a fence opened by `ticks` (as long, or longer, same sign)."""
    stripped = line.strip()
    return stripped.startswith(ticks) and set(stripped) == {ticks[0]}


def read_page(path: Path, text: str) -> Page:
    return Page(Path(path), _Reader(Path(path), text).read())


def load_page(path: Path) -> Page:
    path = Path(path).resolve()
    try:
        text = path.read_text(encoding="utf-8-sig")  # as MkDocs: a BOM is not text
    except (OSError, UnicodeDecodeError) as error:
        raise PageError(f"{path.name} : impossible de lire la page ({error}).") from error
    return read_page(path, text)
