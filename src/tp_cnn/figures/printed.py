"""What the blocks of a page print in its run, recorded to be shown under them on the site.

A block's output is recorded when it printed something and the page does not show its
output itself (an output shown on the page is checked by the tests instead). Keras'
one-line-per-epoch log (`verbose=2`, see `running.workload`) is made compact: each
« Epoch 3/20 » joined with its line of metrics; a progress bar (`evaluate`, `predict`)
keeps its last frame, as a terminal shows it. A long output keeps its first and last
lines (`MAX_LINES`), so that a page's recorded outputs stay small.
"""

from __future__ import annotations

import hashlib
import re

from tp_cnn.figures.manifest import OutputRecord
from tp_cnn.reading.segments import Page

MAX_LINES = 60
_EPOCH = re.compile(r"^(Epoch \d+/\d+)\n(?:\d+/\d+ - )?", re.MULTILINE)
_COLOURS = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_REWIND = re.compile(r"\x08+\r?|\r")  # a progress bar redrawing its line
_FRAME = re.compile(r"(\d+)/(\d+) ━")  # one frame of Keras' progress bar: « 3/63 ━━━ »


def last_frame(line: str) -> str:
    """What a terminal shows of a line redrawn by a progress bar: its last drawing. Where
    the control codes are already gone and the frames run together (« … loss: 0.4337250/250
    ━━ … »), the last one starts at the bar's final count, « 250/250 »."""
    drawings = [drawing for drawing in _REWIND.split(line) if drawing.strip()]
    line = drawings[-1] if drawings else ""
    if frames := list(_FRAME.finditer(line)):
        total = frames[-1].group(2)
        start = line.rfind(f"{total}/{total} ━")
        line = line[start if start >= 0 else frames[-1].start():]
    return line


def compact(text: str) -> str:
    """A block's output as the site shows it: epochs on one line each, a progress bar's
    last frame only, no control codes."""
    text = _EPOCH.sub(r"\1 - ", _COLOURS.sub("", text).strip("\n"))
    lines = [last_frame(line).rstrip() for line in text.split("\n")]
    if len(lines) > MAX_LINES:
        half = MAX_LINES // 2
        skipped = len(lines) - 2 * half
        lines = [*lines[:half], f"… ({skipped} lignes de plus) …", *lines[-half:]]
    return "\n".join(lines)


def key(page: str, line: int) -> str:
    return f"{page}:{line}"


def under_blocks(page: Page, outputs: dict[str, OutputRecord]) -> dict[int, OutputRecord]:
    """Line of a block now → the output it printed in the page's run. An output follows
    the code that printed it (its hash, in page order), not its line: prose or a check
    written above a block after the run leaves its output under it."""
    queue: dict[str, list[OutputRecord]] = {}
    for record in sorted(outputs.values(), key=lambda record: record.block_line):
        if record.page == page.name:
            queue.setdefault(record.code_sha256, []).append(record)
    found = {}
    for block in page.blocks:
        if waiting := queue.get(hashlib.sha256(block.code.encode()).hexdigest()[:16]):
            found[block.lineno] = waiting.pop(0)
    return found


def records(page: Page, results) -> dict[str, OutputRecord]:
    """The outputs to record from the `results` (`running.executor.BlockResult`) of a run."""
    found = {}
    for result in results:
        block = result.block
        if result.skipped or block.expected_output is not None or not result.output.strip():
            continue
        found[key(page.name, block.lineno)] = OutputRecord(
            page.name,
            block.lineno,
            hashlib.sha256(block.code.encode()).hexdigest()[:16],
            result.data,
            result.epochs,
            compact(result.output),
        )
    return found
