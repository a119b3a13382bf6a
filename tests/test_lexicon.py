"""One term per notion: the variants that the « Lexique » page lists « À éviter » are
nowhere in the prose of the course (code and math aside)."""

import re

import pytest

from tp_cnn.paths import DOCS
from tp_cnn.reading.pages import load_page
from tp_cnn.reading.segments import Prose

LEXICON = DOCS / "lexique.md"
# Ordinals written another way than 1re, 2e, 20e (see « À éviter »).
ORDINALS = re.compile(r"\b\d+ *(?:ère|ème|ieme|ième)\b|\^\\text\{e\}|\^\{?\\text\{(?:re|er)\}")


def avoided() -> list[str]:
    """The plain variants of « À éviter » (« couche convolutive »…); those that need a
    reader's judgement (an English word in parentheses, « filtre » for one kernel) aside."""
    text = LEXICON.read_text(encoding="utf-8").split("## À éviter", 1)[1]
    found = re.findall(r"^\* «\s*([^»*`]+?)\s*»", text, re.MULTILINE)
    return [variant for variant in found if variant not in {"filtre"}]


def prose(page) -> str:
    """The page's prose, without inline code and math."""
    lines = [s.text for s in page.segments if isinstance(s, Prose)]
    text = "\n".join(lines)
    return re.sub(r"`[^`]*`|\$[^$]*\$", "", text)


def test_the_lexicon_lists_variants_to_avoid():
    assert {"couche convolutive", "partie convolutive", "exactitude"} <= set(avoided())


# The lexicon itself names them, to say what to write instead.
PAGES = sorted(path for path in DOCS.glob("*.md") if path != LEXICON)


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.stem)
def test_no_page_uses_a_variant_to_avoid(path):
    page = load_page(path)
    text = prose(page).lower()
    used = [variant for variant in avoided() if variant.lower() in text]
    assert not used, f"{path.name} : variantes à éviter (voir le lexique) : {used}"
    raw = "\n".join(s.text for s in page.segments if isinstance(s, Prose))
    assert not ORDINALS.findall(raw), f"{path.name} : ordinaux à écrire 1re, 2e, 20e"
