"""The rules that every value of the manifest follows, beyond its type (`manifest.parse`):
finite numbers, proportions in [0, 1], counts and line numbers that are counts, real
dates, no empty code. Standard library only."""

from __future__ import annotations

import datetime as dt
import math

_FRACTIONS = ("accuracy", "top5")
_NOT_EMPTY = ("key", "device", "page", "code_sha256")


def value_problem(name: str, item) -> str | None:
    """What is wrong with the value `item` of field `name` (of the right type), if anything."""
    if name in ("epochs", "block_line") and (isinstance(item, bool) or not isinstance(item, int)):
        return f"valeur {item!r} au lieu d'un nombre entier"
    if isinstance(item, float) and not math.isfinite(item):
        return f"valeur {item!r} au lieu d'un nombre fini"
    if name in _FRACTIONS and not 0 <= item <= 1:
        return f"valeur {item!r} hors de [0, 1] (une proportion, pas un pourcentage)"
    if name == "classes" and item < 2:
        return f"valeur {item!r} : une classification a au moins 2 classes"
    if name in ("epochs", "seconds", "train_seconds") and item < 0:
        return f"valeur {item!r} négative"
    if name == "block_line" and item < 1:
        return f"valeur {item!r} au lieu d'un numéro de ligne (1 ou plus)"
    if name in _NOT_EMPTY and not item.strip():
        return "valeur vide"
    if name == "date":
        try:
            dt.datetime.fromisoformat(item)
        except ValueError:
            return f"« {item} » n'est pas une date ISO 8601 (2026-01-31T12:00:00+00:00)"
    return None
