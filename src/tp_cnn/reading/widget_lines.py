"""The interactive widgets of the pages: what a widget line names (standard library).

A page places a widget with one line of its own (read by `pages`, the one reader):

    <div data-widget="pooling" data-grid="eight" data-image="grayscale" \
data-figure="figures/convolution-pooling/eight_maxpool.png"></div>

(on one line: the backslash is not written).
`data-widget` is one of `SPECS`; each other `data-<rôle>` names the page's variable that
plays this role (`Spec.variables`), and `data-figure` one of the page's own figures, the
static picture shown without JavaScript and in print. The figure script runs the page
and, right after the last block before the line, exports these variables as a small
JSON (`figures.widget_data`: docs/figures/<page>/<widget>.json, recorded in the manifest
like a figure). The site's plugin (`website.widgets`) puts the widget's `div`, its
fallback, its script and its style (docs/assets/widgets/<name>.js) in the page.

A new widget: its `Spec` here, its export in `figures.widget_data`, its script in
docs/assets/widgets/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tp_cnn.reading.segments import FIGURE_PATH, Widget


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
