"""MkDocs hook: put each page's interactive widgets in place, or refuse to build.

A widget line (`<div data-widget="nom" …></div>`, read by `pages`, see `widgets`) becomes
the widget's root element, `<div data-widget="nom">`, holding its static fallback (the
page's figure named by `data-figure`, or the table of the layers for `dimensions`) and
the provenance of its data, like a figure's. The page then loads the widgets' style and
scripts (docs/assets/widgets/: `commun.js`, then `<nom>.js`), and only the pages that
place a widget do. The build stops with a French message when a widget's data
(docs/figures/<page>/<nom>.json) or its record in the manifest is missing.
"""

from __future__ import annotations

import html
import json
import posixpath
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from tp_cnn import manifest
from tp_cnn.pages import Figure, PageError, Widget, read_page
from tp_cnn.site_hooks import caption
from tp_cnn.widgets import ASSETS, fallback_table, widget_html

_manifest: manifest.Manifest | None = None
_assets: dict[str, list[str]] = {}  # page → the tags that load its widgets


def on_pre_build(config):
    global _manifest
    try:
        _manifest = manifest.read(Path(config["docs_dir"]) / manifest.MANIFEST)
    except manifest.ManifestError as error:
        raise PluginError(f"Construction arrêtée : {error}") from None


def _stop(path: Path, widget: Widget, problem: str) -> PluginError:
    return PluginError(
        f"Construction arrêtée : {path.name}, ligne {widget.lineno} : widget « {widget.name} » : "
        f'{problem} Générez-les : make figures ARGS="--page {path.stem}".'
    )


def _fallback(widget: Widget, segments, data: dict, url) -> str:
    if widget.name == "dimensions":
        return fallback_table(data)
    alt = next(s.alt for s in segments if isinstance(s, Figure) and s.path == widget.figure)
    return (
        f'<img class="off-glb" src="{html.escape(url(widget.figure))}" alt="{html.escape(alt)}"'
        ' loading="lazy">'
    )


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):
        return markdown
    path = Path(page.file.abs_src_path)
    try:
        segments = read_page(path, markdown).segments
    except PageError as error:
        raise PluginError(f"Construction arrêtée : {error}") from None
    widgets = [s for s in segments if isinstance(s, Widget)]
    if not widgets:
        return markdown

    def url(target: str) -> str:
        return get_relative_url(target, page.url)

    lines, embedded = markdown.split("\n"), []
    for widget in widgets:
        record = _manifest.figures.get(widget.path)
        if record is None:
            raise _stop(
                path, widget, f"ses données n'ont pas de provenance dans {manifest.MANIFEST}."
            )
        try:
            text = (Path(config["docs_dir"]) / widget.path).read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, ValueError):
            problem = f"ses données {widget.path} sont absentes ou illisibles."
            raise _stop(path, widget, problem) from None
        provenance = caption(record, _manifest.pages[record.page], "Données produites")
        # The data in the page itself (under file://, browsers refuse fetch()); the search
        # index skips <script> elements.
        embedded.append(
            f'<script type="application/json" data-widget-data="{html.escape(url(widget.path))}">'
            + text.replace("</", "<\\/")
            + "</script>"
        )
        fallback = _fallback(widget, segments, data, url)
        indent = widget.line[: len(widget.line) - len(widget.line.lstrip(" "))]
        lines[widget.lineno - 1] = indent + widget_html(
            widget, url(widget.path), fallback, provenance
        )
    _assets[page.file.src_uri] = [
        *embedded,
        f'<link rel="stylesheet" href="{url(posixpath.join(ASSETS, "widgets.css"))}">',
        *(
            f'<script src="{url(posixpath.join(ASSETS, name + ".js"))}"></script>'
            for name in ["commun", *dict.fromkeys(w.name for w in widgets)]
        ),
    ]
    return "\n".join(lines)


def on_page_content(html_text, page, config, files):
    """The widgets' style and scripts, at the end of the content of the pages that use them
    (Material's instant navigation runs the scripts of the content it loads)."""
    return "\n".join([html_text, *_assets.pop(page.file.src_uri, [])])
