"""The segments a page is made of (see `pages`, the reader that makes them). Standard library."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tp_cnn.paths import ROOT
from tp_cnn.reading.marks import Mark

FIGURE_PATH = r"figures/{page}/[A-Za-z0-9_-]+\.(png|svg)"  # relative to docs/
SOLUTION = "tf"  # the admonition kind of an exercise's solution: `??? tf "TensorFlow"`
CHECK = "check"  # the admonition kind of an exercise's check: `??? check "Vérifiez…"`
WRONG_ANSWER = "wrong-answer"  # the fence of a wrong answer a check must refuse (tests only)


@dataclass(frozen=True)
class Admonition:
    lineno: int
    indent: int  # of its `???`/`!!!` line; its content is indented 4 more
    kind: str  # tf, info, warning…
    title: str
    collapsed: bool  # `???` (not `???+`): closed until the reader opens it
    within: tuple[Admonition, ...] = ()

    @property
    def is_solution(self) -> bool:
        return self.kind == SOLUTION

    @property
    def is_check(self) -> bool:
        return self.kind == CHECK

    @property
    def summary(self) -> str:
        return f"Solution : {self.title}" if self.is_solution else self.title


@dataclass(frozen=True)
class Prose:
    lineno: int
    text: str
    within: tuple[Admonition, ...] = ()


@dataclass(frozen=True)
class Comment:
    lineno: int
    text: str
    within: tuple[Admonition, ...] = ()


@dataclass(frozen=True)
class Figure:
    lineno: int
    path: str  # relative to docs/, e.g. "figures/convolution-pooling/grayscale.png"
    alt: str
    line: str  # the line as written on the page
    within: tuple[Admonition, ...] = ()


@dataclass
class Code:
    lineno: int  # of the opening fence: the code starts on the next line
    syntax: str
    code: str  # verbatim, un-indented by the fence's indentation, blank lines kept
    fence: list[str]  # the lines as written, fences included
    marks: list[Mark] = field(default_factory=list)
    expected_output: str | None = None
    expected_output_ignore_whitespace: bool = False
    within: tuple[Admonition, ...] = ()

    def mark(self, name: str) -> Mark | None:
        return next((mark for mark in self.marks if mark.name == name), None)


@dataclass(frozen=True)
class Widget:
    """An interactive widget: `<div data-widget="nom" data-…="variable"…></div>` (see `widgets`)."""

    lineno: int
    name: str  # convolution, noyaux, pooling, dimensions
    variables: dict[str, str]  # role → name of the page's variable, e.g. {"image": "eight"}
    figure: str | None  # relative to docs/: the static figure shown without JavaScript
    path: str  # relative to docs/: its data, exported by the figure script
    line: str  # the line as written on the page
    within: tuple[Admonition, ...] = ()


@dataclass(frozen=True)
class Answer:
    """An answer of a quiz's question: a choice (right or wrong), or the expected number."""

    lineno: int
    text: str  # inline Markdown: `code`, *italics*, **bold** (see `quizzes`)
    right: bool
    explanation: str


@dataclass(frozen=True)
class Question:
    lineno: int
    text: str
    kind: str  # "single" (one right choice), "multiple" (checkboxes) or "number"
    answers: tuple[Answer, ...]  # the choices; for a number, one answer: the value as written
    value: float | None = None  # a number question's expected value…
    tolerance: float = 0.0  # …and how far an answer may be from it

    @property
    def right(self) -> tuple[Answer, ...]:
        return tuple(answer for answer in self.answers if answer.right)


@dataclass(frozen=True)
class Quiz:
    """A ```quiz block (read by `quizzes`): « Testez-vous », questions with their answers."""

    lineno: int  # of the opening fence
    end: int  # of the closing fence
    questions: tuple[Question, ...]
    within: tuple[Admonition, ...] = ()


@dataclass(frozen=True)
class Check:
    """« Vérifiez votre réponse » (read by `checks`): after an exercise, before its solution,
    the code that inspects what the student built, and the wrong answers it must refuse."""

    box: Admonition  # `??? check "…"`
    code: Code  # its one Python block: prints a line « ✅ … » or lines « ❌ … »
    wrong: tuple[Code, ...]  # ```wrong-answer blocks: never shown, run by the tests
    solution: Admonition  # the `??? tf` box that follows it


Segment = Prose | Comment | Admonition | Code | Figure | Widget | Quiz


@dataclass
class Page:
    path: Path
    segments: list[Segment]

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def label(self) -> str:
        """Path shown in messages: relative to the repository when possible."""
        try:
            return str(self.path.relative_to(ROOT))
        except ValueError:
            return str(self.path)

    @property
    def blocks(self) -> list[Code]:
        """The Python blocks: what runs, in page order. A check's code is not one of them:
        it inspects the student's answer (the tests run it after the solution, `checks`)."""
        code = [s for s in self.segments if isinstance(s, Code) and s.syntax == "python"]
        return [block for block in code if not any(box.is_check for box in block.within)]

    @property
    def checks(self) -> list[Check]:
        """The exercises' checks, in page order (validated by the reader)."""
        found = []
        for index, box in enumerate(self.segments):
            if isinstance(box, Admonition) and box.is_check:
                inside = [s for s in self.segments if isinstance(s, Code) and box in s.within]
                code = next(c for c in inside if c.syntax == "python")
                wrong = tuple(c for c in inside if c.syntax == WRONG_ANSWER)
                solution = next(
                    s for s in self.segments[index:] if isinstance(s, Admonition) and s.is_solution
                )
                found.append(Check(box, code, wrong, solution))
        return found

    @property
    def figures(self) -> list[Figure]:
        return [segment for segment in self.segments if isinstance(segment, Figure)]

    @property
    def widgets(self) -> list[Widget]:
        return [segment for segment in self.segments if isinstance(segment, Widget)]

    @property
    def quizzes(self) -> list[Quiz]:
        return [segment for segment in self.segments if isinstance(segment, Quiz)]
