"""Changes to a page's lines, by their line numbers in the page's file, applied at once.

The site's plugin reads a page once; each rule (numbering, hidden solutions, captions,
widgets, the results table, the notebook links) says what it changes at the lines of
that one reading, and `apply` makes every change together, from the bottom up, so that
no rule sees lines moved by another. A change inside a removed range is dropped (a
caption of a figure in a hidden solution).
"""

from __future__ import annotations


class Edits:
    def __init__(self) -> None:
        self.changes: dict[int, tuple[int, list[str]]] = {}  # first line → (last, new lines)
        self.after: dict[int, list[str]] = {}  # line → lines inserted after it

    def replace(self, lineno: int, lines: list[str]) -> None:
        self.remove(lineno, lineno, lines)

    def remove(self, first: int, last: int, lines: list[str]) -> None:
        """Lines first…last (from 1, both included) become `lines`."""
        self.changes[first] = (last, list(lines))

    def insert_after(self, lineno: int, lines: list[str]) -> None:
        self.after.setdefault(lineno, []).extend(lines)

    def update(self, other: Edits) -> None:
        self.changes.update(other.changes)
        for lineno, lines in other.after.items():
            self.insert_after(lineno, lines)

    def apply(self, lines: list[str]) -> list[str]:
        ranges = [(first, last) for first, (last, _) in self.changes.items() if last > first]

        def removed(lineno: int, own: int | None = None) -> bool:
            return any(a <= lineno <= b and a != own for a, b in ranges)

        result = list(lines)
        for lineno in sorted({*self.changes, *self.after}, reverse=True):
            if lineno in self.after and not removed(lineno):
                result[lineno:lineno] = self.after[lineno]
            if lineno in self.changes and not removed(lineno, own=lineno):
                last, new = self.changes[lineno]
                result[lineno - 1 : last] = new
        return result
