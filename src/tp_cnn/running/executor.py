"""Run a page's Python blocks in order, in one namespace, as a notebook would.

Each block's verbatim code (see `pages`) is compiled under the page's own file name at
its true line numbers, so that a traceback points at the page. What a block prints and
the figures it draws are returned; an output shown on the page under the block is
checked against what it printed; a block marked `xfail(raises=...)` must raise that
error; a block marked `skip` (or `skipif`, `importorskip` when they apply) is not run.

The check of an output is strict, stand-in data or not (stand-ins have the real shapes
and dtypes). Only a block marked `real_data_output` shows an output that depends on the
real data's values: it is checked when the block ran on real data, and merely reported
(`StandInWarning`) when it ran on stand-ins.
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

from tp_cnn.reading.pages import PageError
from tp_cnn.reading.segments import Code, Page
from tp_cnn.running.harness import RunInfo, StandInWarning


class BlockFailure(Exception):
    """A block ran but did not do what the page says (output, expected error); `lineno`:
    the block's first line."""

    def __init__(self, message: str, lineno: int):
        super().__init__(message)
        self.lineno = lineno


@dataclass
class BlockResult:
    block: Code
    output: str = ""
    figures: list = field(default_factory=list)  # matplotlib figures it drew, in order
    seconds: float = 0.0
    skipped: str | None = None  # the reason, when the page says not to run it
    data: str = "real"  # what the data behind the last `fit` was (see RunInfo)
    epochs: int | None = None


def where(page: Page, block: Code) -> str:
    return f"{page.label}, bloc de la ligne {block.lineno}"


def skip_reason(block: Code) -> str | None:
    """Why the block is not run now, or None if it runs."""
    for mark in block.marks:
        if mark.applies():
            return mark.reason or f"module {mark.args[0]} absent"
    return None


def expected_errors(block: Code, namespace: dict) -> tuple[type, ...] | None:
    """The exception types a block marked xfail must raise, looked up in the page's names."""
    mark = block.mark("xfail")
    if mark is None:
        return None
    found = eval(mark.raises, dict(namespace))  # noqa: S307 (the page's own mark)
    return found if isinstance(found, tuple) else (found,)


def _normalized(text: str, ignore_whitespace: bool) -> str:
    if ignore_whitespace:
        return re.sub(r"\s+", "", text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


class _Tee(io.StringIO):
    """Keeps what a block prints and shows it as it comes (Keras' epochs)."""

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
        self.failed: Code | None = None

    def run_block(self, block: Code) -> BlockResult:
        if (reason := skip_reason(block)) is not None:
            return BlockResult(block, skipped=reason)
        try:
            result = self._execute(block)
            self._check_output(result)
        except BaseException:
            self.failed = block
            raise
        return result

    def _execute(self, block: Code) -> BlockResult:
        import matplotlib.pyplot as plt

        expected = expected_errors(block, self.namespace)
        buffer = _Tee(sys.stdout) if self.echo else io.StringIO()
        start = time.perf_counter()
        try:
            # Leading newlines make the line numbers those of the page.
            code = compile("\n" * block.lineno + block.code, str(self.page.path), "exec")
            with contextlib.redirect_stdout(buffer):
                exec(code, self.namespace)
        except SystemExit as error:
            raise BlockFailure(
                f"{where(self.page, block)} : ce bloc arrête Python ({error!r}, par sys.exit() "
                "ou exit()). Une page s'exécute d'un bout à l'autre : retirez cet appel.",
                block.lineno,
            ) from None
        except Exception as error:
            if expected is None or not isinstance(error, expected):
                error.add_note(f"dans {where(self.page, block)}")
                raise
            buffer.write("".join(traceback.format_exception_only(error)))
        else:
            if expected is not None:
                raise BlockFailure(
                    f"{where(self.page, block)} : ce bloc doit lever {block.mark('xfail').raises}"
                    " (c'est l'erreur que la page montre), mais il s'est exécuté sans erreur.",
                    block.lineno,
                )
        figures = [plt.figure(number) for number in plt.get_fignums()]
        for figure in figures:
            plt.close(figure)
        seconds = time.perf_counter() - start
        return BlockResult(
            block, buffer.getvalue(), figures, seconds, None, self.info.data, self.info.epochs
        )

    def _check_output(self, result: BlockResult) -> None:
        block = result.block
        if block.expected_output is None:
            return
        ignore = block.expected_output_ignore_whitespace
        if _normalized(block.expected_output, ignore) == _normalized(result.output, ignore):
            return
        if block.mark("real_data_output") and result.data != "real":
            warnings.warn(
                f"{where(self.page, block)} : sortie non vérifiée, elle dépend des données "
                "réelles et ce bloc a tourné sur des données de substitution.",
                StandInWarning,
                stacklevel=1,
            )
            return
        raise BlockFailure(
            f"{where(self.page, block)} : la sortie affichée sur la page ne correspond "
            f"plus à ce que le code affiche.\n--- sur la page ---\n{block.expected_output}"
            f"--- obtenu ---\n{result.output}",
            block.lineno,
        )

    def run(self) -> list[BlockResult]:
        return [self.run_block(block) for block in self.page.blocks]


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


def failed_line(page: Page, error: BaseException) -> int | None:
    """The page line where the error was raised, when the page's code raised it, or of
    the block that did not do what the page says."""
    if isinstance(error, BlockFailure):
        return error.lineno
    if isinstance(error, SyntaxError) and error.filename == str(page.path):
        return error.lineno
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(page.path)]
    return frames[-1].lineno if frames else None
