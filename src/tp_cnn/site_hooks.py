"""MkDocs hook: show where each generated figure and result comes from.

Everything is read from docs/figures/manifest.json (written by the figure script):

- under each generated figure, a discreet caption (mode, data, epochs, device, date), and
  a visible warning when the figure comes from stand-in data or a shortened training;
- on a page, the line `<!-- tableau-des-resultats -->` is replaced by the TP's
  comparison table, with the same warnings;
- under the title of a page that has a notebook (docs/notebooks/<page>.ipynb), a badge
  « Ouvrir dans Colab » (URL from `repo_url` and `extra.notebooks_branch`) and a link
  « Télécharger le notebook » (the copy that mkdocs-jupyter puts beside its page).
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from mkdocs.utils import get_relative_url

from tp_cnn.pages import reading_order

_FIGURE_LINE = re.compile(r"^(?P<indent>\s*)!\[[^\]]*\]\((?P<path>figures/[^)\s]+)\)\s*$")
RESULTS_MARKER = "<!-- tableau-des-resultats -->"
_MODES = {"full": "exécution complète", "fast": "exécution rapide (calcul réduit)"}


def _warnings(entry: dict) -> list[str]:
    found = []
    if entry["data"] != "réelles":
        found.append("tracée avec des données de substitution")
    if entry["mode"] == "fast" and entry.get("epochs"):
        found.append("après un entraînement raccourci (quelques pas seulement)")
    return found


def caption(entry: dict) -> str:
    """The provenance line of a figure; `entry` merges its page's and its own records."""
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
    if found := _warnings(entry):
        text += (
            '<span class="figure-provenance figure-stand-in">Attention : figure '
            f"{' et '.join(found)} ; elle ne montre pas un résultat réel.</span>"
        )
    return text


def _percent(value) -> str:
    return "—" if value is None else f"{100 * value:.1f} %".replace(".", ",")


def results_table(manifest: dict) -> str:
    """The TP's runs as a Markdown table, in reading order; each run links to its page."""
    runs = manifest.get("runs", {})
    if not runs:
        return "*Aucun résultat pour l'instant : lancez `make figures`.*"
    rows = [
        "| Run | Perte | Précision | Top-5 | Époques | Durée | Appareil |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    stand_ins = False
    for run, entry in sorted(runs.items(), key=lambda item: reading_order(f"{item[1]['page']}.md")):
        page = manifest["pages"][entry["page"]]
        flagged = _warnings({**entry, "mode": page["mode"], "epochs": entry.get("epochs")})
        stand_ins = stand_ins or bool(flagged)
        mark = " ⚠" if flagged else ""
        loss = "—" if entry.get("loss") is None else f"{entry['loss']:.3f}".replace(".", ",")
        rows.append(
            f"| [`{run}`]({entry['page']}.md){mark} | {loss} "
            f"| {_percent(entry.get('accuracy'))} | {_percent(entry.get('top5'))} "
            f"| {entry.get('epochs') or '—'} | {entry['train_seconds']:.0f} s "
            f"| {page['device']} |"
        )
    if stand_ins:
        rows += [
            "",
            '!!! warning "Ces nombres ne sont pas des résultats réels"',
            "",
            "    Les lignes marquées ⚠ viennent d'une exécution rapide (substituts des données "
            "ou entraînement raccourci). Lancez `make figures` sur une machine avec GPU et "
            "accès au réseau pour obtenir les vrais résultats.",
        ]
    return "\n".join(rows)


def colab_url(config, notebook_src: str) -> str | None:
    """Where Colab opens a notebook of docs/: the GitHub copy on the site's branch."""
    repo = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?", config["repo_url"] or "")
    if repo is None:
        return None
    docs = Path(config["docs_dir"]).relative_to(Path(config["config_file_path"]).parent)
    branch = config["extra"].get("notebooks_branch", "main")
    return (
        f"https://colab.research.google.com/github/{repo[1]}/blob/{branch}/"
        f"{docs.as_posix()}/{notebook_src}"
    )


def notebook_links(markdown: str, page, config, files) -> str:
    """The Colab badge and the download link, right under the page's title."""
    src = page.file.src_uri
    notebook = files.get_file_from_path(f"notebooks/{src.removesuffix('.md')}.ipynb")
    if not src.endswith(".md") or notebook is None:
        return markdown
    # mkdocs-jupyter (include_source) copies the .ipynb into the folder of its page.
    folder, name = posixpath.dirname(notebook.dest_uri), posixpath.basename(notebook.src_uri)
    download = get_relative_url(posixpath.join(folder, name), page.url)
    links = [f'<a class="notebook-download" href="{download}" download>Télécharger le notebook</a>']
    if url := colab_url(config, notebook.src_uri):
        links.insert(
            0,
            f'<a class="colab-badge" href="{url}" title="Ouvrir cette page comme notebook '
            'dans Google Colab"><span class="colab-badge__logo">CO</span>'
            '<span class="colab-badge__text">Ouvrir dans Colab</span></a>',
        )
    html = f'<p class="notebook-links">{" ".join(links)}</p>'
    lines = markdown.split("\n")
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
    return "\n".join([*lines[: title + 1], "", html, "", *lines[title + 1 :]])


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):  # search finds the course pages, not their copies
        page.meta.setdefault("search", {})["exclude"] = True
    markdown = notebook_links(markdown, page, config, files)
    manifest_path = Path(config["docs_dir"]) / "figures" / "manifest.json"
    if not manifest_path.exists():
        return markdown
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    lines = []
    for line in markdown.split("\n"):
        if line.strip() == RESULTS_MARKER:
            lines.append(results_table(manifest))
            continue
        lines.append(line)
        match = _FIGURE_LINE.match(line)
        if match and match["path"] in manifest.get("figures", {}):
            figure = manifest["figures"][match["path"]]
            entry = {**manifest["pages"][figure["page"]], **figure}
            lines.append(match["indent"] + caption(entry))
    return "\n".join(lines)
