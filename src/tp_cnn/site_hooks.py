"""MkDocs hook: show where each generated figure and result comes from, or refuse to build.

Everything is read from docs/figures/manifest.json (`manifest`, validated) and from the
pages themselves (`pages`, the one reader):

- under each figure link, a discreet caption (mode, data, epochs, device, date), and a
  visible warning when the figure comes from stand-in data or a shortened training;
- the comment `<!-- tableau-des-resultats -->` is replaced by the TP's results table;
- under the title of a page that has a notebook (docs/notebooks/<page>.ipynb), a badge
  « Ouvrir dans Colab » (URL from `repo_url` and `extra.notebooks_branch`) and a link
  « Télécharger le notebook » (the copy that mkdocs-jupyter puts beside its page).

The build stops with a French message when the manifest is missing or malformed, when a
figure has no record to show, or when a page is malformed (a solution that would show
outside its collapsed box, a figure link that points elsewhere…).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from tp_cnn import manifest
from tp_cnn.pages import Comment, Figure, PageError, read_page, reading_order

RESULTS_MARKER = "tableau-des-resultats"
_MODES = {"full": "exécution complète", "fast": "exécution rapide (calcul réduit)"}
_DATA = {"real": "données réelles", "stand-in": "données de substitution"}
_manifest: manifest.Manifest | None = None


def _shortened(data: str, mode: str) -> bool:
    """Whether the training behind a figure or a run was cut (fast mode, or mixed on
    stand-in data: see `harness`)."""
    return mode == "fast" or (mode == "mixed" and data != "real")


def _warnings(data: str, mode: str, epochs: int | None) -> list[str]:
    found = []
    if data != "real":
        found.append("tracée avec des données de substitution")
    if epochs and _shortened(data, mode):
        found.append("après un entraînement raccourci (quelques pas seulement)")
    return found


def caption(
    figure: manifest.FigureRecord, page: manifest.PageRecord, what="Figure produite"
) -> str:
    """The provenance line of a figure (or of a widget's data), and its warning when it is
    not a real result."""
    mode = "fast" if _shortened(figure.data, page.mode) else "full"
    parts = [f"{what} par le code ci-dessus", _MODES[mode], _DATA[figure.data]]
    if figure.epochs:
        parts.append(f"{figure.epochs} époque(s)")
    parts.append(page.device)
    if page.tensorflow:
        parts.append(f"TensorFlow {page.tensorflow}")
    parts.append(page.date[:10])
    text = f'<span class="figure-provenance">{" · ".join(parts)}</span>'
    if found := _warnings(figure.data, page.mode, figure.epochs):
        text += (
            '<span class="figure-provenance figure-stand-in">Attention : figure '
            f"{' et '.join(found)} ; elle ne montre pas un résultat réel.</span>"
        )
    return text


def _percent(value) -> str:
    return "—" if value is None else f"{100 * value:.1f} %".replace(".", ",")


def results_table(records: manifest.Manifest) -> str:
    """The TP's runs as a Markdown table: real results first, then in reading order."""
    if not records.runs:
        return "*Aucun résultat enregistré pour l'instant.*"

    def flagged(run: manifest.RunRecord) -> bool:
        return bool(_warnings(run.data, records.pages[run.page].mode, run.epochs))

    rows = [
        "| Modèle | Perte | Précision | Top-5 | Époques | Durée | Appareil |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    order = sorted(
        records.runs.items(),
        key=lambda item: (flagged(item[1]), reading_order(f"{item[1].page}.md")),
    )
    for name, run in order:
        mark = " ⚠" if flagged(run) else ""
        loss = "—" if run.loss is None else f"{run.loss:.3f}".replace(".", ",")
        rows.append(
            f"| [`{name}`]({run.page}.md){mark} | {loss} | {_percent(run.accuracy)} "
            f"| {_percent(run.top5)} | {run.epochs or '—'} | {run.train_seconds:.0f} s "
            f"| {records.pages[run.page].device} |"
        )
    if any(flagged(run) for run in records.runs.values()):
        rows += [
            "",
            '!!! warning "Ces nombres ne sont pas des résultats réels"',
            "",
            "    Les lignes marquées ⚠ viennent d'un entraînement raccourci ou de données de "
            "substitution : elles ne disent rien de ce que le modèle apprend. Exécutez le "
            "notebook de la page dans Google Colab pour obtenir les vrais nombres.",
        ]
    return "\n".join(rows)


def colab_url(config, notebook_src: str) -> str | None:
    """Where Colab opens a notebook of docs/: the GitHub copy on the site's branch."""
    repo = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?", config["repo_url"] or "")
    if repo is None:
        return None
    docs = Path(config["docs_dir"]).relative_to(Path(config["config_file_path"]).resolve().parent)
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


def on_pre_build(config):
    global _manifest
    try:
        _manifest = manifest.read(Path(config["docs_dir"]) / manifest.MANIFEST)
    except manifest.ManifestError as error:
        raise PluginError(f"Construction arrêtée : {error}") from None


def _provenance(markdown: str, page, path: Path) -> str:
    """Captions under the figures and the results table, from the page's own segments."""
    try:
        segments = read_page(path, markdown).segments
    except PageError as error:
        raise PluginError(f"Construction arrêtée : {error}") from None
    lines = markdown.split("\n")
    for segment in reversed(segments):
        if isinstance(segment, Comment) and segment.text == RESULTS_MARKER:
            lines[segment.lineno - 1] = results_table(_manifest)
        if isinstance(segment, Figure):
            figure = _manifest.figures.get(segment.path)
            if figure is None:
                raise PluginError(
                    f"Construction arrêtée : {path.name}, ligne {segment.lineno} : la figure "
                    f"{segment.path} n'a pas de provenance dans {manifest.MANIFEST}. Générez-la : "
                    f'make figures ARGS="--page {path.stem}".'
                )
            indent = segment.line[: len(segment.line) - len(segment.line.lstrip(" "))]
            caption_line = indent + caption(figure, _manifest.pages[figure.page])
            lines.insert(segment.lineno, caption_line)
    return "\n".join(lines)


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):  # search finds the course pages, not their copies
        page.meta.setdefault("search", {})["exclude"] = True
        return markdown
    markdown = _provenance(markdown, page, Path(page.file.abs_src_path))
    return notebook_links(markdown, page, config, files)
