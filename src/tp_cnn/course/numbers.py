"""Numbers and durations written the French way: the one home of these formats.

Thousands separated by a narrow no-break space, a decimal comma, « % » after a no-break
space: `number(12345.6, 1)` → « 12 345,6 », `percent(0.843)` → « 84,3 % »,
`duration(95)` → « 1 min 35 s ». Standard library only.
"""

from __future__ import annotations

NNBSP = "\u202f"  # espace fine insécable


def number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}".replace(",", NNBSP).replace(".", ",")


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{number(100 * value, digits)}{NNBSP}%"


def duration(seconds: float) -> str:
    """« 1 h 02 min », « 23 min 30 s », « 12 s »."""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
