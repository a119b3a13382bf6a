"""The widgets without a browser: their line in a page (the reader), the data the figure
script exports from the page's variables, the notebook, the site plugin and the scripts'
weight. The widgets in a browser: tests/test_widgets.py."""

import base64
import gzip
import io
import json
import re

import numpy as np
import pytest
from mkdocs.exceptions import PluginError
from site_plugin import course_plugin, render

from tp_cnn.exports.notebooks import page_notebook
from tp_cnn.figures import generate, key, manifest
from tp_cnn.figures.widget_data import WidgetError
from tp_cnn.paths import DOCS
from tp_cnn.reading.pages import PageError, load_page
from tp_cnn.reading.segments import Widget
from tp_cnn.reading.widget_lines import SPECS
from tp_cnn.running.executor import BlockResult
from tp_cnn.website.widgets import ASSETS

FIGURE = "![Le 8](figures/page/eight.png)\n\n"
LINE = (
    '<div data-widget="convolution" data-image="eight" data-kernels="kernels" '
    'data-figure="figures/page/eight.png"></div>'
)
PAGE = f"""
```python
import matplotlib.pyplot as plt
import numpy as np

eight = np.eye(5, dtype=np.float32)
kernels = {{"croix": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float32)}}
plt.imshow(eight)
plt.show()
```

{FIGURE}Le schéma :

{LINE}

```python
eight = np.zeros((2, 2))  # changed after the widget: the widget keeps the value above
```
"""


def test_a_widget_line_is_a_segment_with_its_variables(write_page):
    page = load_page(write_page(PAGE))
    (widget,) = page.widgets
    assert isinstance(widget, Widget) and widget.lineno == 15
    assert widget.variables == {"image": "eight", "kernels": "kernels"}
    assert (widget.figure, widget.path) == (
        "figures/page/eight.png",
        "figures/page/convolution.json",
    )


BAD = {
    "unknown": ('<div data-widget="fleur" data-image="x"></div>', "widget « fleur » inconnu"),
    "not alone": (f"Voici {LINE}", "ligne de widget mal formée"),
    "single quotes": ("<div data-widget='dimensions' data-model='m'></div>", "mal formée"),
    "missing role": ('<div data-widget="dimensions"></div>', "exactement les attributs data-model"),
    "extra role": (
        '<div data-widget="dimensions" data-model="m" data-image="x"></div>',
        "exactement les attributs",
    ),
    "twice the role": (
        '<div data-widget="dimensions" data-model="m" data-model="n"></div>',
        "exactement les attributs",
    ),
    "not a name": ('<div data-widget="dimensions" data-model="m.x"></div>', "pas un nom"),
    "other folder": (LINE.replace("figures/page/", "figures/vgg16/"), "une figure de la page"),
    "figure not shown": (
        LINE.replace("eight.png", "autre.png"),
        "aucun lien de la page ne montre cette figure",
    ),
    "twice": (f"{LINE}\n\n{LINE}", "ligne 5 : le widget « convolution » est déjà plus haut"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_malformed_widget_line_is_refused_with_its_line(write_page, case):
    text, message = BAD[case]
    with pytest.raises(PageError, match="page.md, ligne") as excinfo:
        load_page(write_page(FIGURE + text + "\n"))
    assert message in str(excinfo.value)


# ---------------------------------------------------------------------------------------
# The figure script


def test_the_figure_script_exports_the_variables_as_they_are_at_the_widget(write_page, tmp_path):
    docs = tmp_path / "docs"
    page = load_page(write_page(PAGE))
    generate.generate(page, "fast", tmp_path, docs)
    data = json.loads((docs / "figures/page/convolution.json").read_text(encoding="utf-8"))
    assert data["image"] == np.eye(5).tolist()  # the value above the line, not the later one
    assert data["kernels"] == {"croix": [[0, 1, 0], [1, -4, 1], [0, 1, 0]]}
    record = manifest.read(docs / manifest.MANIFEST).figures["figures/page/convolution.json"]
    assert (record.page, record.block_line, record.data) == ("page", 1, "real")
    assert key.is_current(page, "fast", manifest.read(docs / manifest.MANIFEST), docs)


def test_adding_a_widget_line_changes_the_key_of_the_page(write_page):
    without = load_page(write_page(PAGE.replace(LINE, "")))
    assert key.page_key(load_page(write_page(PAGE)), "fast") != key.page_key(
        without, "fast"
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("kernels = {}\n", "la variable « eight » (data-image) n'existe pas"),
        ("eight, kernels = 'huit', {}\n", "data-image doit être un tableau 2D"),
        ("eight, kernels = [[1]], {'a': [[1, 2]]}\n", "data-kernels doit être un tableau 2D carré"),
    ],
)
def test_a_widget_without_usable_variables_fails_in_french(write_page, tmp_path, code, message):
    text = f"```python\n{code}```\n\n![Le 8](figures/page/eight.png)\n\n{LINE}\n"
    page = load_page(write_page(text))
    where = "page.md, ligne 7 : widget « convolution » : "
    with pytest.raises(WidgetError, match=re.escape(where + message)):
        generate.export_widgets(page, BlockResult(page.blocks[0]), _run(page))


def _run(page) -> dict:
    namespace: dict = {}
    exec(page.blocks[0].code, namespace)
    return namespace


def test_a_photo_is_exported_as_an_8_bit_png_with_its_range(write_page):
    from PIL import Image

    text = (
        "```python\nimport numpy as np\nimage = np.linspace(-1, 3, 12).reshape(3, 4)\n"
        "eight = np.ones((2, 2))\n```\n\n![Le 8](figures/page/eight.png)\n\n"
        '<div data-widget="pooling" data-grid="eight" data-image="image" '
        'data-figure="figures/page/eight.png"></div>\n'
    )
    page = load_page(write_page(text))
    (data,) = generate.export_widgets(page, BlockResult(page.blocks[0]), _run(page)).values()
    photo = json.loads(data[0])["image"]
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(photo["png"]))))
    values = photo["min"] + pixels / 255 * (photo["max"] - photo["min"])
    assert (photo["height"], photo["width"]) == (3, 4)
    assert np.allclose(values, np.linspace(-1, 3, 12).reshape(3, 4), atol=4 / 255)


def test_the_dimensions_widget_gets_the_layers_as_keras_built_them(write_page):
    import keras

    model = keras.Sequential(
        [
            keras.Input((9, 9, 2)),
            keras.layers.Conv2D(4, 3, strides=2, padding="same"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(3),
        ]
    )
    page = load_page(
        write_page('```python\nx = 1\n```\n\n<div data-widget="dimensions" data-model="m"></div>\n')
    )
    (data,) = generate.export_widgets(
        page, BlockResult(page.blocks[0]), {"m": model}
    ).values()
    stack = json.loads(data[0])
    assert stack["input"] == [9, 9, 2] and stack["total"] == model.count_params()
    assert [layer["type"] for layer in stack["layers"]] == [
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dense",
    ]
    assert stack["layers"][0] | {"name": ""} == {
        "type": "Conv2D", "name": "", "filters": 4, "kernel_size": 3, "strides": 2,
        "padding": "same", "output": [5, 5, 4], "params": 3 * 3 * 2 * 4 + 4,
    }  # fmt: skip
    assert [layer["output"] for layer in stack["layers"]] == [
        list(layer.output.shape[1:]) for layer in model.layers
    ]


# ---------------------------------------------------------------------------------------
# Notebook, site hook, weight


def test_a_widget_line_is_a_sentence_in_the_notebook(write_page):
    notebook = page_notebook(load_page(write_page(PAGE)))
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "data-widget" not in text and "<div" not in text
    assert f"un schéma interactif ici\u00a0: {SPECS['convolution'].title}" in text


def _hook(tmp_path, records: dict, data: str | None):
    docs = tmp_path / "docs"
    path = docs / "page.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FIGURE + LINE + "\n", encoding="utf-8")
    if data is not None:
        (docs / "figures/page").mkdir(parents=True)
        (docs / "figures/page/convolution.json").write_text(data, encoding="utf-8")
    fast = manifest.PageRecord("k", "fast", "CPU", None, "2026-11-29T10:00:00+00:00", 1.0)
    records = {"figures/page/eight.png": manifest.FigureRecord("page", 1, "e", "real", None),
               **records}  # fmt: skip
    return render(course_plugin(docs, manifest.Manifest({"page": fast}, records)), path)


RECORD = {"figures/page/convolution.json": manifest.FigureRecord("page", 1, "c", "real", None)}


def test_the_plugin_puts_the_widget_with_its_fallback_and_loads_its_script(tmp_path):
    markdown, content = _hook(tmp_path, RECORD, '{"image": [[1]], "kernels": {}}')
    lines = markdown.splitlines()
    line = next(line for line in lines if line.startswith("<div data-widget"))
    assert lines.index(line) == 3  # the figure, its caption, a blank line, the widget
    assert line.startswith('<div data-widget="convolution" class="widget"')
    assert 'data-src="../figures/page/convolution.json"' in line
    assert '<img class="off-glb" src="../figures/page/eight.png" alt="Le 8"' in line
    assert "Données produites par le code ci-dessus" in line
    assert content.endswith(
        '<script src="../assets/widgets/commun.js"></script>\n'
        '<script src="../assets/widgets/convolution.js"></script>'
    )


@pytest.mark.parametrize(
    ("records", "data", "message"),
    [({}, "{}", "n'ont pas de provenance"), (RECORD, None, "absentes ou illisibles")],
)
def test_a_widget_without_its_data_stops_the_build(tmp_path, records, data, message):
    with pytest.raises(
        PluginError, match=f"page.md, ligne 3 : widget « convolution » : ses données .*{message}"
    ):
        _hook(tmp_path, records, data)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_a_widget_weighs_less_than_50_kb_gzipped(name):
    files = ["widgets.css", "commun.js", f"{name}.js"]
    size = sum(len(gzip.compress((DOCS / ASSETS / f).read_bytes(), 9)) for f in files)
    assert 0 < size <= 50_000, f"{name} : {size} octets compressés"


def test_only_the_pages_with_a_widget_load_the_widgets(site):
    pages = {
        path.parent.name: path.read_text(encoding="utf-8") for path in site.glob("*/index.html")
    }
    loading = {name for name, html in pages.items() if "assets/widgets/" in html}
    assert loading == {"convolution-pooling", "cnn-cifar10"}
    for name, widgets in [
        ("convolution-pooling", ["noyaux", "convolution", "pooling"]),
        ("cnn-cifar10", ["dimensions"]),
    ]:
        assert [w for w in SPECS if f'data-widget="{w}"' in pages[name]] == sorted(
            widgets, key=list(SPECS).index
        )


def test_generated_widget_data_cannot_end_or_change_its_script_element():
    from tp_cnn.website.widgets import embedded

    text = json.dumps({"kernels": {"</script><!--<script>": [[1]]}})
    tag = embedded(text, "../figures/page/convolution.json")
    inner = tag[tag.index(">") + 1 : -len("</script>")]
    assert "<" not in inner and ">" not in inner
    assert json.loads(inner) == json.loads(text)  # the same data for the widget's script


def test_the_table_without_javascript_escapes_and_keeps_keras_shapes():
    from tp_cnn.website.widgets import fallback_table, validated

    data = {"input": [32, 32, 3], "total": 896, "layers": [
        {"name": "conv2d", "type": "<img src=x onerror=alert(1)>", "output": [32, 32, 32],
         "params": 896}]}  # fmt: skip
    table = fallback_table(data)
    assert "<img" not in table and "&lt;img" in table
    assert "(None, 32, 32, 32)" in table  # commas kept, as Keras prints shapes
    widget = Widget(1, "dimensions", {"model": "m"}, None, "figures/p/dimensions.json", "")
    for bad in ['{"layers": [], "total": NaN}', '{"layers": [{"name": 1}], "total": 1}', "[]"]:
        with pytest.raises(ValueError):
            validated(widget, bad)
    assert validated(widget, json.dumps(data)) == data
