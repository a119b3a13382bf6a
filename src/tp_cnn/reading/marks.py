"""The marks a page may put before a Python block, in pytest-codeblocks' syntax.

Accepted, and what they do (here and in `make test`):

- `<!--pytest.mark.skip(reason="…")-->`: not run (an exercise to complete); the reason
  is required and shown in the test report;
- `<!--pytest.mark.skipif(condition, reason="…")-->`: not run when the condition (a
  Python expression over `sys`, `os` and `platform`) is true;
- `<!--pytest.mark.xfail(raises=ValueError, strict=True)-->`: an error shown on purpose;
  the block must raise it (`raises` is looked up in the page's namespace);
- `<!--pytest.mark.real_data_output-->`: the output shown depends on the real data's
  values; it is checked only when the block ran on real data;
- `<!--pytest-codeblocks:importorskip(module)-->`: not run when the module is missing.

Every other mark is refused with a message, never ignored: pytest-codeblocks' deprecated
keywords (`skip`, `skipif`, `expect-exception`), `cont` (the blocks of a page already
share their variables), `skipfile`, and any other `pytest.mark.…`.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass

KNOWN = ("skip", "skipif", "xfail", "real_data_output", "importorskip")


@dataclass(frozen=True)
class Mark:
    text: str  # as written between <!-- and -->
    name: str
    args: tuple[str, ...] = ()  # Python expressions, as written
    kwargs: tuple[tuple[str, str], ...] = ()

    def get(self, key: str, position: int | None = None) -> str | None:
        if value := dict(self.kwargs).get(key):
            return value
        if position is not None and position < len(self.args):
            return self.args[position]
        return None

    @property
    def reason(self) -> str:
        text = self.get("reason", 0 if self.name == "skip" else 1)
        return ast.literal_eval(text) if text else ""

    @property
    def raises(self) -> str:
        """The expression naming the expected error(s), e.g. "ValueError"."""
        return self.get("raises", 0) or "Exception"

    def applies(self) -> bool:
        """Whether a `skip`, `skipif` or `importorskip` mark skips its block now."""
        if self.name == "skipif":
            context = {"sys": sys, "os": os, "platform": platform}
            return bool(eval(self.args[0], context))  # noqa: S307 (the page's own condition)
        if self.name == "importorskip":
            return importlib.util.find_spec(self.args[0]) is None
        return self.name == "skip"


def parse_mark(text: str, fail: Callable[[str], Exception]) -> Mark:
    """A mark from the text of its comment; `fail(message)` builds the error to raise."""
    text = text.strip().strip("-").strip()
    if text.startswith("pytest-codeblocks:"):
        return _keyword(text, text.removeprefix("pytest-codeblocks:").strip(), fail)
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise fail(f"marque illisible : « {text} ».") from None
    call = node if isinstance(node, ast.Call) else None
    target = call.func if call else node
    name = target.attr if isinstance(target, ast.Attribute) else ""
    if ast.unparse(target) != f"pytest.mark.{name}" or name not in KNOWN[:4]:
        raise fail(f"marque inconnue « {text} ». Marques possibles : {', '.join(KNOWN[:4])}.")
    args = tuple(ast.unparse(arg) for arg in call.args) if call else ()
    kwargs = tuple((k.arg, ast.unparse(k.value)) for k in call.keywords) if call else ()
    mark = Mark(text, name, args, kwargs)
    _check(mark, fail)
    return mark


def _keyword(text: str, word: str, fail) -> Mark:
    if word.startswith("importorskip(") and word.endswith(")"):
        return Mark(text, "importorskip", (word[len("importorskip(") : -1].strip(" '\""),))
    replacements = {
        "skip": 'pytest.mark.skip(reason="…")',
        "skipif": 'pytest.mark.skipif(condition, reason="…")',
        "expect-exception": "pytest.mark.xfail(raises=…, strict=True)",
        "expect-error": "pytest.mark.xfail(raises=…, strict=True)",
    }
    keyword = word.split("(")[0]
    if keyword in replacements:
        raise fail(f"« {text} » est obsolète : écrivez <!--{replacements[keyword]}-->.")
    if keyword == "cont":
        raise fail(
            "« pytest-codeblocks:cont » est inutile ici : les blocs d'une page s'exécutent "
            "déjà à la suite, avec les mêmes variables. Retirez cette ligne."
        )
    raise fail(f"mot-clé inconnu « {text} » (ni sortie attendue, ni importorskip).")


def _check(mark: Mark, fail) -> None:
    if mark.name in {"skip", "skipif"}:
        try:
            reason = mark.reason
        except (ValueError, SyntaxError):
            reason = None
        if not isinstance(reason, str) or not reason.strip():
            raise fail(f'« {mark.text} » : un bloc ignoré doit dire pourquoi (reason="…").')
    if mark.name == "skipif" and not mark.args:
        raise fail(f"« {mark.text} » : il manque la condition.")
