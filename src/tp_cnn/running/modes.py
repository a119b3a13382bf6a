"""The modes of a run, their order and their French words: the one home of these rules.

- "full": the page as written (real data, every epoch, GPU if any);
- "mixed": real data wherever this machine has it, at full workload; stand-ins, cut as in
  fast mode, elsewhere;
- "fast": stand-ins where data are missing, and every training cut (tests, previews);
- "estimate": a few timed steps of each call, nothing written (never recorded).

Standard library only (the manifest and the workflow's bare-Python jobs use it).
"""

from __future__ import annotations

RECORDED = ("full", "mixed", "fast")  # from the most complete run to the least
MODES = (*RECORDED, "estimate")
WORDS = {"full": "complète", "mixed": "mixte", "fast": "rapide", "estimate": "estimation"}


def shortened(mode: str, data: str) -> bool:
    """Whether a training was cut to a few steps: fast mode, or mixed mode on stand-in data
    (in mixed mode, what cannot run on real data runs as in fast mode)."""
    return mode == "fast" or (mode == "mixed" and data != "real")


def less_complete(mode: str, than: str) -> bool:
    """Whether a run in `mode` is less complete than one in `than` (fast < mixed < full)."""
    return RECORDED.index(mode) > RECORDED.index(than)
