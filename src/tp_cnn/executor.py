"""Run a page's Python blocks in order, in one namespace, as a notebook would.

Each block is compiled under the page's own file name and line numbers, so that a
traceback points at the page. What a block prints and the figures it draws are
returned; an output shown on the page under the block is checked against what it
printed; a block marked `pytest.mark.xfail(raises=...)` must raise that error.

The check of an output is strict, stand-in data or not (stand-ins have the real shapes
and dtypes). Only a block marked `pytest.mark.real_data_output` shows an output that
depends on the real data's values: it is checked when the run used real data, and
merely reported (`StandInWarning`) when it ran on stand-ins.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field

import pytest
from pytest_codeblocks import CodeBlock

from .harness import RunInfo, StandInWarning
from .pages import Page, PageError


class BlockFailure(Exception):
    """A block ran but did not do what the page says (output, expected error)."""


@dataclass
class BlockResult:
    block: CodeBlock
    output: str = ""
    figures: list = field(default_factory=list)  # matplotlib figures it drew, in order
    seconds: float = 0.0
    skipped: str | None = None  # the reason, when the page says not to run it
    data: str = "réelles"  # what the run had used when the block ended (see RunInfo)
    epochs: int | None = None


def where(page: Page, block: CodeBlock) -> str:
    return f"{page.label}, bloc de la ligne {block.lineno}"


def _marks(block: CodeBlock) -> list:
    return [eval(text, {"pytest": pytest, "sys": sys}).mark for text in block.marks]


def expectation(page: Page, block: CodeBlock) -> tuple[str | None, object]:
    """("skip", reason), ("raises", exception types) or (None, None), from its marks."""
    for mark in _marks(block):
        if mark.name == "skip":
            reason = mark.kwargs.get("reason") or (mark.args[0] if mark.args else "")
            if not reason:
                raise PageError(
                    f"{where(page, block)} : un bloc ignoré doit dire pourquoi (reason=...)."
                )
            return "skip", reason
        if mark.name == "xfail":
            return "raises", mark.kwargs.get("raises", Exception)
    return None, None


def _normalized(text: str, ignore_whitespace: bool) -> str:
    if ignore_whitespace:
        return re.sub(r"\s+", "", text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


class _Tee(io.StringIO):
    """Keeps what a block prints and shows it as it comes (Keras' progress bars)."""

    def __init__(self, stream):
        super().__init__()
        self.stream = stream

    def write(self, text):
        self.stream.write(text)
        self.stream.flush()
        return super().write(text)


class PageRun:
    """The state of one page being run: its namespace, and the first failure if any.

    With `echo`, what the blocks print is also shown as they run.
    """

    def __init__(self, page: Page, info: RunInfo | None = None, echo: bool = False):
        self.page = page
        self.info = info or RunInfo("full")
        self.echo = echo
        self.namespace: dict = {"__name__": "__main__"}
        self.failed: CodeBlock | None = None

    def run_block(self, block: CodeBlock) -> BlockResult:
        import matplotlib.pyplot as plt

        kind, expected = expectation(self.page, block)
        if kind == "skip":
            return BlockResult(block, skipped=str(expected))
        buffer = _Tee(sys.stdout) if self.echo else io.StringIO()
        start = time.perf_counter()
        try:
            # Leading newlines make the line numbers those of the page.
            code = compile("\n" * block.lineno + block.code, str(self.page.path), "exec")
            with contextlib.redirect_stdout(buffer):
                exec(code, self.namespace)
        except Exception as error:
            if kind != "raises" or not isinstance(error, expected):
                self.failed = block
                error.add_note(f"dans {where(self.page, block)}")
                raise
            buffer.write("".join(traceback.format_exception_only(error)))
        else:
            if kind == "raises":
                self.failed = block
                raise BlockFailure(
                    f"{where(self.page, block)} : ce bloc doit lever {exception_names(expected)} "
                    "(c'est l'erreur que la page montre), mais il s'est exécuté sans erreur."
                )
        figures = [plt.figure(number) for number in plt.get_fignums()]
        for figure in figures:
            plt.close(figure)
        seconds = time.perf_counter() - start
        result = BlockResult(
            block, buffer.getvalue(), figures, seconds, None, self.info.data, self.info.epochs
        )
        self._check_output(result)
        return result

    def _check_output(self, result: BlockResult) -> None:
        block = result.block
        if block.expected_output is None:
            return
        ignore = block.expected_output_ignore_whitespace
        if _normalized(block.expected_output, ignore) != _normalized(result.output, ignore):
            depends_on_data = any(mark.name == "real_data_output" for mark in _marks(block))
            if depends_on_data and result.data != "réelles":
                warnings.warn(
                    f"{where(self.page, block)} : sortie non vérifiée, elle dépend des données "
                    "réelles et ce bloc a tourné sur des données de substitution.",
                    StandInWarning,
                    stacklevel=1,
                )
                return
            self.failed = block
            raise BlockFailure(
                f"{where(self.page, block)} : la sortie affichée sur la page ne correspond "
                f"plus à ce que le code affiche.\n--- sur la page ---\n{block.expected_output}"
                f"--- obtenu ---\n{result.output}"
            )

    def run(self) -> list[BlockResult]:
        return [self.run_block(block) for block in self.page.blocks]


def exception_names(types: object) -> str:
    types = types if isinstance(types, tuple) else (types,)
    return " ou ".join(t.__name__ for t in types)


def describe_failure(page: Page, error: BaseException) -> str:
    """A short French report: where in the page, which error, the page's own frames."""
    if isinstance(error, (BlockFailure, PageError)):
        return str(error)
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == str(page.path)
    ]
    if isinstance(error, SyntaxError) and error.filename == str(page.path):
        frames.append(
            traceback.FrameSummary(error.filename, error.lineno, "<bloc>", line=error.text)
        )
    lines = [f"Échec de {page.label}"]
    lines += [f"  ligne {frame.lineno} : {(frame.line or '').strip()}" for frame in frames]
    lines += ["".join(traceback.format_exception_only(error)).rstrip()]
    return "\n".join(lines)
