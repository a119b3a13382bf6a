"""A page's front matter (its YAML header), read as MkDocs reads it, but never dropped.

MkDocs silently renders a front matter it cannot parse as text, and the page's own
settings (its solution policy) vanish with it. Here the same header (`reading.pages.
FRONT_MATTER`: `---`, YAML, `---` or `...`) must be a YAML mapping, or the page is refused
with its file, the line and what to do.
"""

from __future__ import annotations

import yaml

from tp_cnn.reading.pages import FRONT_MATTER, PageError


def front_matter(text: str, label: str) -> dict:
    """The settings in the front matter of the page `text` (file `label`); {} if none."""
    match = FRONT_MATTER.match(text.removeprefix("\ufeff"))
    if match is None:
        return {}
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", ligne {mark.line + 2}" if mark is not None else ""
        reason = getattr(error, "problem", None) or str(error).split("\n")[0]
        raise PageError(
            f"{label}{line} : en-tête YAML illisible ({reason}). Corrigez-le : sans lui, "
            "MkDocs l'afficherait comme du texte et oublierait les réglages de la page."
        ) from None
    except ValueError as error:  # a date that does not exist: 2026-13-45
        raise PageError(
            f"{label} : en-tête YAML illisible ({error}). Écrivez une date réelle, AAAA-MM-JJ."
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PageError(
            f"{label}, ligne 2 : l'en-tête de la page doit être une suite de réglages "
            "« clé: valeur » (ici : " + type(data).__name__ + ")."
        )
    return data
