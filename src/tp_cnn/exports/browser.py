"""Debian's Chromium as this project drives it, through Playwright (no browser download):
the tests (tests/built_site.py) and the PDF (`pdf`) launch it the same way."""

from __future__ import annotations

import os
import shutil

# Headless, and silent on the network (no call home: the tests check that a page asks
# nothing of any other host).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

MISSING = (
    "Chromium introuvable : installez le paquet Debian chromium (`apt install chromium`), "
    "ou nommez un autre navigateur Chromium dans la variable CHROMIUM."
)


def find_chromium() -> str | None:
    """Debian's chromium (or another Chromium-based browser named by $CHROMIUM)."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    return None
