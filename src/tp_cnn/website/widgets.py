"""A widget in the built page: its root element, its static fallback, its assets."""

from __future__ import annotations

import html
import json
from pathlib import Path

from mkdocs.utils import get_relative_url

from tp_cnn.course.numbers import number
from tp_cnn.figures import manifest
from tp_cnn.reading.segments import Page, Widget
from tp_cnn.reading.widget_lines import SPECS
from tp_cnn.website import captions

ASSETS = "assets/widgets"  # relative to docs/: widgets.css, commun.js and <name>.js

def fallback_table(data: dict) -> str:
    """The dimensions widget without JavaScript: Keras' shapes and counts, as exported
    (every value escaped: the data are generated, never trusted as HTML)."""
    rows = "".join(
        f"<tr><td><code>{html.escape(str(layer['name']))}</code> "
        f"(<code>{html.escape(str(layer['type']))}</code>)</td>"
        f"<td>{html.escape(_shape(layer['output']))}</td>"
        f"<td>{number(layer['params'])}</td></tr>"
        for layer in data["layers"]
    )
    return (
        '<table class="widget__table"><thead><tr><th scope="col">Couche</th>'
        '<th scope="col">Forme de sortie</th><th scope="col">Paramètres</th></tr></thead>'
        f'<tbody>{rows}</tbody><tfoot><tr><th scope="row" colspan="2">Total</th>'
        f"<td>{number(data['total'])}</td></tr></tfoot></table>"
    )


def _shape(output: list) -> str:
    """Keras' way: « (None, 32, 32, 3) »."""
    return "(" + ", ".join(str(size) for size in [None, *output]) + ")"


def widget_html(widget: Widget, data_url: str, fallback: str, provenance: str) -> str:
    """The widget's root element, on one line: its script puts the widget before the
    provenance and hides `fallback`, which readers without JavaScript and print see."""
    return (
        f'<div data-widget="{widget.name}" class="widget" data-src="{html.escape(data_url)}" '
        f'data-title="{html.escape(SPECS[widget.name].title)}">'
        f'<div class="widget__fallback">{fallback}</div>'
        f'<p class="widget__provenance">{provenance}</p></div>'
    )


def embedded(text: str, url: str) -> str:
    """The widget's data in the page itself (under file://, browsers refuse fetch()): JSON
    in a `<script>`, every `<`, `>` and `&` written as a JSON escape, so that no string of
    the data (`</script>`, `<!--`) can end or change the element. The search index skips
    <script> elements."""
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" data-widget-data="{html.escape(url)}">{safe}</script>'


def fallback_image(src: str, alt: str) -> str:
    return f'<img class="off-glb" src="{html.escape(src)}" alt="{html.escape(alt)}" loading="lazy">'


def assets(names: list[str], url) -> list[str]:
    """The tags that load the widgets' style and scripts: `commun.js`, then each widget's."""
    return [
        f'<link rel="stylesheet" href="{html.escape(url(f"{ASSETS}/widgets.css"))}">',
        *(
            f'<script src="{html.escape(url(f"{ASSETS}/{name}.js"))}"></script>'
            for name in ["commun", *dict.fromkeys(names)]
        ),
    ]


def validated(widget: Widget, text: str) -> dict:
    """The widget's data (its JSON `text`), or a ValueError that says what is wrong: only
    finite numbers, and for `dimensions` the fields its table shows, of their types."""

    def no_constant(name: str):
        raise ValueError(f"valeur {name} refusée")

    data = json.loads(text, parse_constant=no_constant)
    if not isinstance(data, dict):
        raise ValueError("un objet JSON est attendu")
    if widget.name == "dimensions":
        layers = data.get("layers")
        if not isinstance(layers, list) or not _count(data.get("total")):
            raise ValueError("layers (liste) et total (entier positif) sont attendus")
        for layer in layers:
            if not (
                isinstance(layer, dict)
                and all(isinstance(layer.get(key), str) for key in ("name", "type"))
                and _count(layer.get("params"))
                and isinstance(layer.get("output"), list)
                and all(size is None or _count(size) for size in layer["output"])
            ):
                raise ValueError(f"couche mal décrite : {str(layer)[:80]}")
    return data


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class WidgetDataError(Exception):
    """A widget's data or its record is missing or unusable (the message says which)."""


def render(widget: Widget, read: Page, page_url: str, docs: Path, records: manifest.Manifest,
           stale: str | None) -> tuple[str, str]:  # fmt: skip
    """The widget's HTML, and the script element that holds its data."""

    def url(target: str) -> str:
        return get_relative_url(target, page_url)

    record = records.figures.get(widget.path)
    if record is None:
        raise WidgetDataError(f"ses données n'ont pas de provenance dans {manifest.MANIFEST}.")
    try:
        text = (docs / widget.path).read_text(encoding="utf-8")
        data = validated(widget, text)
    except (OSError, ValueError) as error:
        problem = f"ses données {widget.path} sont absentes ou illisibles ({error})."
        raise WidgetDataError(problem) from None
    provenance = captions.caption(record, records.pages[record.page], "Données produites", stale)
    if widget.name == "dimensions":
        fallback = fallback_table(data)
    else:
        figure = next(s for s in read.figures if s.path == widget.figure)
        fallback = fallback_image(url(widget.figure), figure.alt)
    html_text = widget_html(widget, url(widget.path), fallback, provenance)
    return html_text, embedded(text, url(widget.path))
