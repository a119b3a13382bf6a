"""The interactive widgets of the pages: what a widget line names, and the data it gets.

A page places a widget with one line of its own (read by `pages`, the one reader):

    <div data-widget="pooling" data-grid="eight" data-image="grayscale" \
data-figure="figures/convolution-pooling/eight_maxpool.png"></div>

(on one line: the backslash is not written).
`data-widget` is one of `SPECS`; each other `data-<rôle>` names the page's variable that
plays this role (`Spec.variables`), and `data-figure` one of the page's own figures, the
static picture shown without JavaScript and in print. The figure script (`figures`)
runs the page and, right after the last block before the line, `export`s these
variables as a small JSON (docs/figures/<page>/<widget>.json, recorded in the manifest
like a figure). The site hook (`site_hooks`) puts the widget's `div`, its fallback, its
script and its style (docs/assets/widgets/) in the page. Standard library at import.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from dataclasses import dataclass

from .segments import FIGURE_PATH, Widget

ASSETS = "assets/widgets"  # relative to docs/: widgets.css, commun.js and <name>.js


class WidgetError(Exception):
    """A widget's variables are missing or unusable; the message names the page and line."""


@dataclass(frozen=True)
class Spec:
    title: str  # French: what the notebook says in place of the widget
    variables: tuple[str, ...]  # roles, each a `data-<role>` attribute naming a variable
    figure: bool  # a `data-figure` (static fallback) is required


SPECS = {
    "convolution": Spec("la convolution pas à pas", ("image", "kernels"), True),
    "noyaux": Spec("les noyaux sur la fleur", ("image", "kernels"), True),
    "pooling": Spec("le pooling, case par case", ("grid", "image"), True),
    "dimensions": Spec("le calculateur de dimensions", ("model",), False),
}


_LINE = re.compile(
    r'^ *<div data-widget="(?P<name>[^"]*)"(?P<attrs>(?: data-[a-z]+="[^"<>]*")*)></div> *$'
)
_ATTR = re.compile(r' data-(?P<role>[a-z]+)="(?P<value>[^"]*)"')


def parse_widget(line: str, lineno: int, page: str, within: tuple, fail) -> Widget:
    """The widget of a line that mentions `data-widget`; `fail(message)` makes the error
    that names the page and the line (see `pages`)."""
    match = _LINE.match(line)
    if match is None:
        raise fail(
            'ligne de widget mal formée. Écrivez-la seule sur sa ligne : <div data-widget="nom" '
            'data-rôle="variable"></div> (attributs data-… en minuscules, entre guillemets droits).'
        )
    name = match["name"]
    if name not in SPECS:
        raise fail(f"widget « {name} » inconnu. Widgets disponibles : {', '.join(SPECS)}.")
    spec, attrs = SPECS[name], _ATTR.findall(match["attrs"])
    expected = [*spec.variables, *(["figure"] if spec.figure else [])]
    if sorted(role for role, _ in attrs) != sorted(expected):
        wanted = " ".join(f"data-{role}" for role in expected)
        raise fail(f"le widget « {name} » prend exactement les attributs {wanted}.")
    values = dict(attrs)
    for role in spec.variables:
        if not values[role].isidentifier():
            raise fail(f"data-{role} : « {values[role]} » n'est pas un nom de variable Python.")
    figure = values.get("figure")
    if figure is not None and not re.fullmatch(FIGURE_PATH.format(page=re.escape(page)), figure):
        raise fail(f"data-figure « {figure} » : une figure de la page, figures/{page}/<nom>.png.")
    variables = {role: values[role] for role in spec.variables}
    path = f"figures/{page}/{name}.json"
    return Widget(lineno, name, variables, figure, path, line, within)


# ---------------------------------------------------------------------------------------
# Export: the page's variables → the widget's JSON (NumPy and Keras imported when used)


def export(widget: Widget, namespace: dict, label: str) -> bytes:
    """The JSON of `widget`, from the variables of the page run in `namespace`."""
    values = {}
    for role, name in widget.variables.items():
        if name not in namespace:
            raise _error(
                widget,
                label,
                f"la variable « {name} » (data-{role}) n'existe pas à cet "
                "endroit de la page. Placez la ligne du widget après le bloc qui la définit.",
            )
        values[role] = namespace[name]
    data = _EXPORTS[widget.name](widget, label, **values)
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _error(widget: Widget, label: str, problem: str) -> WidgetError:
    return WidgetError(f"{label}, ligne {widget.lineno} : widget « {widget.name} » : {problem}")


def _matrix(widget, label, role, value, square=False, limit=None):
    import numpy as np

    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 2 or (square and array.shape[0] != array.shape[1]):
        kind = "carré" if square else ""
        raise _error(widget, label, f"data-{role} doit être un tableau 2D {kind} de nombres.")
    if limit and max(array.shape) > limit:
        raise _error(widget, label, f"data-{role} : au plus {limit} × {limit} valeurs.")
    return array


def _numbers(array) -> list:
    return [[float(f"{x:.6g}") for x in row] for row in array.tolist()]


def _kernels(widget, label, kernels) -> dict:
    if not isinstance(kernels, dict) or not kernels:
        raise _error(widget, label, "data-kernels doit nommer un dictionnaire {nom: noyau}.")
    return {
        str(name): _numbers(_matrix(widget, label, "kernels", kernel, square=True, limit=7))
        for name, kernel in kernels.items()
    }


def _image(widget, label, image) -> dict:
    """A grayscale photo as an 8-bit PNG (base64) and the range that its 0 and 255 stand for."""
    import numpy as np
    from PIL import Image

    array = _matrix(widget, label, "image", image)
    low, high = float(array.min()), float(array.max())
    scaled = (array - low) / ((high - low) or 1) * 255
    buffer = io.BytesIO()
    Image.fromarray(np.round(scaled).astype(np.uint8)).save(buffer, "PNG", optimize=True)
    return {
        "height": array.shape[0],
        "width": array.shape[1],
        "min": float(f"{low:.6g}"),
        "max": float(f"{high:.6g}"),
        "png": base64.b64encode(buffer.getvalue()).decode("ascii"),
    }


def _convolution(widget, label, image, kernels) -> dict:
    grid = _matrix(widget, label, "image", image, limit=16)
    return {"image": _numbers(grid), "kernels": _kernels(widget, label, kernels)}


def _noyaux(widget, label, image, kernels) -> dict:
    exported = _kernels(widget, label, kernels)
    if any(len(kernel) != 3 for kernel in exported.values()):
        raise _error(widget, label, "data-kernels : ce widget prend des noyaux 3 × 3.")
    return {"image": _image(widget, label, image), "kernels": exported}


def _pooling(widget, label, grid, image) -> dict:
    small = _matrix(widget, label, "grid", grid, limit=16)
    return {"grid": _numbers(small), "image": _image(widget, label, image)}


_LAYERS = {
    "Conv2D": ("filters", "kernel_size", "strides", "padding"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "Flatten": (),
    "Dense": ("units",),
    "Activation": (),
}


def _dimensions(widget, label, model) -> dict:
    """The model's input and layers (their settings, and Keras' shapes and counts)."""
    try:
        shape, layers = list(model.input_shape[1:]), model.layers
    except (AttributeError, ValueError) as error:
        problem = f"data-model doit nommer un modèle Keras construit ({error})."
        raise _error(widget, label, problem) from None
    stack = []
    for layer in layers:
        kind = type(layer).__name__
        if kind not in _LAYERS:
            known = ", ".join(_LAYERS)
            raise _error(widget, label, f"couche {kind} inconnue du calculateur ({known}).")
        config = layer.get_config()
        entry = {"type": kind, "name": layer.name}
        for key in _LAYERS[kind]:
            value = config[key]
            if isinstance(value, (list, tuple)) and len(set(value)) > 1:
                problem = f"couche {layer.name} : {key}={value} ; le calculateur veut des carrés."
                raise _error(widget, label, problem)
            entry[key] = value[0] if isinstance(value, (list, tuple)) else value
        entry["output"] = list(layer.output.shape[1:])
        entry["params"] = layer.count_params()
        stack.append(entry)
    return {"input": shape, "layers": stack, "total": model.count_params()}


_EXPORTS = {
    "convolution": _convolution,
    "noyaux": _noyaux,
    "pooling": _pooling,
    "dimensions": _dimensions,
}


# ---------------------------------------------------------------------------------------
# The site: the widget's HTML, with its static fallback


def fallback_table(data: dict) -> str:
    """The dimensions widget without JavaScript: Keras' shapes and counts, as exported."""
    rows = "".join(
        f"<tr><td><code>{html.escape(layer['name'])}</code> (<code>{layer['type']}</code>)</td>"
        f"<td>{html.escape(str(tuple([None, *layer['output']])))}</td>"
        f"<td>{layer['params']:,}</td></tr>".replace(",", "\u202f")
        for layer in data["layers"]
    )
    total = f"{data['total']:,}".replace(",", "\u202f")
    return (
        '<table class="widget__table"><thead><tr><th scope="col">Couche</th>'
        '<th scope="col">Forme de sortie</th><th scope="col">Paramètres</th></tr></thead>'
        f'<tbody>{rows}</tbody><tfoot><tr><th scope="row" colspan="2">Total</th>'
        f"<td>{total}</td></tr></tfoot></table>"
    )


def widget_html(widget: Widget, data_url: str, fallback: str, provenance: str) -> str:
    """The widget's root element, on one line: its script puts the widget before the
    provenance and hides `fallback`, which readers without JavaScript and print see."""
    return (
        f'<div data-widget="{widget.name}" class="widget" data-src="{html.escape(data_url)}" '
        f'data-title="{html.escape(SPECS[widget.name].title)}">'
        f'<div class="widget__fallback">{fallback}</div>'
        f'<p class="widget__provenance">{provenance}</p></div>'
    )
