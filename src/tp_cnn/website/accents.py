"""The site's search ignores accents (« reseau » finds « réseau »), in French
(lunr-languages' French pipeline kept, as mkdocs.yml configures it).

Material's search runs lunr in a worker that loads the French support of lunr-languages,
assets/javascripts/lunr/min/lunr.fr.min.js, before it builds the index. After the build,
the plugin appends accents.js to that file: the tokens of the index and the terms of the
query lose their accents in the same way (see accents.js). The build stops, in French, if
the theme no longer has that file or if the search is not in French.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

SCRIPT = Path(__file__).with_name("accents.js")
FRENCH = "assets/javascripts/lunr/min/lunr.fr.min.js"


def add_to_search(config) -> None:
    """After the build: accents.js at the end of the search's French support."""
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is None:
        return
    if "fr" not in (search.config.lang or []):
        raise PluginError("Construction arrêtée : la recherche doit être en français (lang: fr).")
    target = Path(config["site_dir"]) / FRENCH
    if not target.is_file():
        raise PluginError(
            f"Construction arrêtée : {FRENCH} est absent du site ; la recherche sans accents "
            "(src/tp_cnn/website/accents.py) ne sait plus où s'ajouter. Vérifiez la version "
            "de Material."
        )
    text = target.read_text(encoding="utf-8")
    script = SCRIPT.read_text(encoding="utf-8")
    if script not in text:
        target.write_text(f"{text}\n{script}", encoding="utf-8")
