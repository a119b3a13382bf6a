"""French typography: no-break spaces where French puts them.

- a narrow no-break space (U+202F) before « ; », « ! » and « ? » ;
- a no-break space (U+00A0) before « : », and inside guillemets, after « and before ».

Only the spaces already written are replaced (« mot : » becomes « mot\u00a0: »): a
sign written without a space before it (`12:30`, `https://`, `?!`) is left alone. A
no-break space of the wrong width is corrected. Guillemets always get their no-break
space.

Two entry points:

- `french_html(html)`, on the rendered HTML of a page (the site's plugin calls it on the
  content, then on the whole page the theme made of it): only text
  between tags changes, never a tag or its attributes (URLs included), an HTML comment,
  nor the content of <code>, <pre>, <kbd>, <samp>, <script>, <style>, <svg>, <textarea>
  or of a math element (`class="arithmatex"`, typeset by KaTeX);
- `french(text)`, on plain text or Markdown prose (the notebooks' text cells): code
  spans and fenced blocks between backticks, and math between `$`, `$$`, `\\(`…`\\)` or
  `\\[`…`\\]`, are left as they are.

PyPI's `typographeur` (HTML) and `french-typo` (text) were considered: the first also
rewrites quotes, apostrophes, « oe » and ellipses and does not know KaTeX's math
elements; the second works on whole strings, tags included. Neither fits a page whose
text sits beside code and math, hence these few lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

NNBSP = "\u202f"  # espace fine insécable
NBSP = "\u00a0"  # espace insécable


_NO_BREAK = "\u00a0|\u202f|&nbsp;|&#160;|&#x[aA]0;|&#8239;|&#x202[fF];"


class _Rules:
    """The substitutions, for a given set of ordinary blanks (with or without newlines).

    A no-break space already there, as a character or as an HTML entity, is replaced
    too, so that the rules can run twice without doubling any space."""

    def __init__(self, blanks: str):
        wide = f"(?:[{blanks}]|\u00a0|&nbsp;|&#160;|&#x[aA]0;)"
        narrow = f"(?:[{blanks}]|\u202f|&#8239;|&#x202[fF];)"
        any_blank = f"(?:[{blanks}]|{_NO_BREAK})"
        self.before_tall = re.compile(f"{wide}+(?=[;!?])")
        self.before_colon = re.compile(f"{narrow}+(?=:)")
        self.after_opening = re.compile(f"«{any_blank}*")
        self.before_closing = re.compile(f"{any_blank}*»")

    def __call__(self, text: str) -> str:
        """The rules, on a run of text that holds neither tag nor code nor math."""
        text = self.before_tall.sub(NNBSP, text)
        text = self.before_colon.sub(NBSP, text)
        text = self.after_opening.sub("«" + NBSP, text)
        return self.before_closing.sub(NBSP + "»", text)


# In HTML a newline is a space; in Markdown it also ends a line, which may mean something
# (a definition list starts a line with « : »): text keeps its newlines.
_html_text = _Rules(" \t\r\n")
_plain_text = _Rules(" \t")


# --- Plain text and Markdown ------------------------------------------------------------

_MARKDOWN_VERBATIM = re.compile(
    r"(?P<fence>^[ \t]*(?P<ticks>`{3,}|~{3,}).*?^[ \t]*(?P=ticks)[ \t]*$)"  # fenced block
    r"|(?P<code>(?P<run>`+).+?(?P=run))"  # code span
    r"|\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)"  # display and inline math
    r"|(?<![\\$\w])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\w)",  # $inline math$
    re.MULTILINE | re.DOTALL,
)


def french(text: str) -> str:
    """`text` with French non-breaking spaces; code and math are left as they are."""
    parts, start = [], 0
    for verbatim in _MARKDOWN_VERBATIM.finditer(text):
        parts += [_plain_text(text[start : verbatim.start()]), verbatim.group()]
        start = verbatim.end()
    parts.append(_plain_text(text[start:]))
    return "".join(parts)


# --- HTML ------------------------------------------------------------------------------

_TOKENS = re.compile(r"<!--.*?-->|<![^>]*>|<\?[^>]*>|<[^>]*>|[^<]+|<", re.DOTALL)
_START_TAG = re.compile(r"<([a-zA-Z][\w:-]*)")
_END_TAG = re.compile(r"</([a-zA-Z][\w:-]*)")
_VERBATIM_TAGS = {"code", "pre", "kbd", "samp", "script", "style", "svg", "textarea", "math"}
_MATH_CLASS = re.compile(r"""\sclass\s*=\s*(["'])[^"']*\barithmatex\b[^"']*\1""")


def html_runs(html: str) -> Iterator[tuple[str, bool]]:
    """The tokens of `html` (tags, comments, runs of text), each with `True` for a run of
    text that is prose, `False` for a tag or for text inside code or math."""
    skipped: str | None = None  # the element whose content is left alone
    depth = 0  # nesting of that element's name inside itself
    for token in _TOKENS.findall(html):
        if not token.startswith("<") or token == "<":
            yield token, skipped is None
            continue
        yield token, False
        if token.startswith(("<!", "<?")):
            continue
        if end := _END_TAG.match(token):
            if skipped and end[1].lower() == skipped:
                depth -= 1
                if depth == 0:
                    skipped = None
            continue
        start = _START_TAG.match(token)
        if start is None or token.endswith("/>"):
            continue
        name = start[1].lower()
        if skipped:
            depth += name == skipped
        elif name in _VERBATIM_TAGS or _MATH_CLASS.search(token):
            skipped, depth = name, 1


def french_html(html: str) -> str:
    """`html` with French non-breaking spaces in its text, outside code and math."""
    return "".join(_html_text(token) if prose else token for token, prose in html_runs(html))
