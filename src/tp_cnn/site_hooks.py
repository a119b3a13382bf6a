"""MkDocs hook: show, under each generated figure, where it comes from.

The caption is read from docs/figures/manifest.json (written by the figure script). A
figure drawn from stand-in data gets a visible warning: it is not a real result.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_FIGURE_LINE = re.compile(r"^(?P<indent>\s*)!\[[^\]]*\]\((?P<path>figures/[^)\s]+)\)\s*$")
_MODES = {"full": "exécution complète", "fast": "exécution rapide (calcul réduit)"}


def caption(entry: dict) -> str:
    parts = [
        "Figure produite par le code ci-dessus",
        _MODES.get(entry["mode"], entry["mode"]),
        f"données {entry['data']}",
    ]
    if entry.get("epochs"):
        parts.append(f"{entry['epochs']} époque(s)")
    parts.append(entry["device"])
    if entry.get("tensorflow"):
        parts.append(f"TensorFlow {entry['tensorflow']}")
    parts.append(entry["date"][:10])
    text = f'<span class="figure-provenance">{" · ".join(parts)}</span>'
    if entry["data"] != "réelles":
        text += (
            '<span class="figure-provenance figure-stand-in">Attention : figure tracée avec des '
            "données de substitution, elle ne montre pas un résultat réel.</span>"
        )
    return text


def on_page_markdown(markdown, page, config, files):
    manifest_path = Path(config["docs_dir"]) / "figures" / "manifest.json"
    if not manifest_path.exists():
        return markdown
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    lines = []
    for line in markdown.split("\n"):
        lines.append(line)
        match = _FIGURE_LINE.match(line)
        if match and match["path"] in manifest:
            lines.append(match["indent"] + caption(manifest[match["path"]]))
    return "\n".join(lines)
