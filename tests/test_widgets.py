"""The four widgets in Chromium (the setup of tests/test_browser.py), driven by keyboard and
mouse, against NumPy, TensorFlow and Keras computed here; their accessibility (keyboard,
live region, reduced motion; axe-core checks them with their pages, in tests/test_browser.py,
once they are built) and their static fallback."""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pytest

CHAPTER1, CHAPTER2 = "convolution-pooling/", "cnn-cifar10/"


def _number(text: str) -> float:
    """A number as the widgets write it: decimal comma, U+2212 minus, narrow spaces."""
    return float(re.sub(r"[\u202f\u00a0 ]", "", text).replace("\u2212", "-").replace(",", "."))


@pytest.fixture
def widget(tab, server):
    """Opens a page and returns its widget, once the widget is built."""

    def open_widget(page: str, name: str):
        if not tab.url.startswith(server.url + page):
            tab.goto(server.url + page)
        root = tab.locator(f'div[data-widget="{name}"]')
        root.and_(tab.locator('[data-ready="ready"]')).wait_for(timeout=10_000)
        root.scroll_into_view_if_needed()
        return root

    return open_widget


def _data(server, page: str, name: str) -> dict:
    from urllib.request import urlopen

    with urlopen(f"{server.url}figures/{page}{name}.json") as response:
        return json.load(response)


def _grid(root, n: int) -> list[list[float]]:
    """The values of the n-th grid of the widget (0: input, last: output), by rows."""
    return (
        root.locator(".widget__grid")
        .nth(n)
        .evaluate(
            """grid => { const cols = Number(grid.style.getPropertyValue('--cols'));
          const cells = [...grid.children].map(c => c.dataset.value === undefined ? null
            : Number(c.dataset.value));
          const rows = [];
          for (let i = 0; i < cells.length; i += cols) rows.push(cells.slice(i, i + cols));
          return rows; }"""
        )
    )


def _tf_conv(image, kernel, stride, padding):
    import tensorflow as tf

    x = tf.constant(np.asarray(image, np.float64)[None, :, :, None])
    k = tf.constant(np.asarray(kernel, np.float64)[:, :, None, None])
    return tf.nn.conv2d(x, k, strides=stride, padding=padding.upper())[0, :, :, 0].numpy()


# ---------------------------------------------------------------------------------------
# La convolution pas à pas


def _check_convolution(root, data, kernel, padding, stride):
    root.get_by_label("Noyau", exact=True).select_option(kernel)
    root.get_by_label("Bordure (padding)", exact=True).select_option(padding)
    root.get_by_label("Pas (stride)", exact=True).select_option(str(stride))
    grid = root.locator(".widget__grid").first
    grid.focus()
    grid.press("End")  # the last position: every output cell is filled
    expected = _tf_conv(data["image"], data["kernels"][kernel], stride, padding)
    shown = root.evaluate(_OUTPUT)
    where = (kernel, padding, stride)
    assert np.array(shown["values"]).shape == expected.shape, where
    assert np.allclose(shown["values"], expected, atol=1e-5), where
    assert np.allclose([_number(t) for t in shown["texts"]], expected.ravel(), atol=6e-4), where
    assert f"soit {expected.shape[0]} × {expected.shape[1]}" in shown["size"], where


_OUTPUT = """root => { const grid = root.querySelectorAll('.widget__grid')[2];
  const cols = Number(grid.style.getPropertyValue('--cols'));
  const cells = [...grid.children], values = [];
  for (let i = 0; i < cells.length; i += cols)
    values.push(cells.slice(i, i + cols).map(c => Number(c.dataset.value)));
  return {values, texts: cells.map(c => c.textContent),
          size: root.querySelector('.widget__size').textContent}; }"""


def test_the_convolution_matches_tensorflow_for_every_kernel_padding_and_stride(widget, server):
    root = widget(CHAPTER1, "convolution")
    data = _data(server, CHAPTER1, "convolution")
    kernels = list(data["kernels"])
    for index, (padding, stride) in enumerate(
        [("valid", 1), ("same", 1), ("valid", 2), ("same", 2)]
    ):
        for kernel in (kernels[index % len(kernels)], kernels[(index + 3) % len(kernels)]):
            _check_convolution(root, data, kernel, padding, stride)


def test_the_convolution_of_an_odd_sized_image_matches_tensorflow(tab, server, widget):
    """The widget's own arithmetic on data of other sizes (7 × 7, random): the route puts
    it in the page in place of the page's own."""
    rng = np.random.default_rng(13)
    data = {
        "image": rng.integers(0, 5, (7, 7)).tolist(),
        "kernels": {
            "a": rng.integers(-2, 3, (3, 3)).tolist(),
            "b": (rng.random((3, 3)) - 0.5).tolist(),
        },
    }

    def with_other_data(route):  # the page, its widget's data (in the page) replaced
        page = route.fetch().text()
        inline = r'(<script type="application/json" data-widget-data="[^"]*convolution\.json">)'
        page, found = re.subn(
            inline + r".*?(</script>)", rf"\g<1>{json.dumps(data)}\g<2>", page, flags=re.S
        )
        assert found == 1, "the widget's data is no longer in the page"
        route.fulfill(body=page, content_type="text/html; charset=utf-8")

    tab.route(server.url + CHAPTER1, with_other_data)
    try:
        tab.goto(server.url + CHAPTER1)
        root = widget(CHAPTER1, "convolution")
        for kernel, padding, stride in [
            ("a", "valid", 2),
            ("a", "same", 2),
            ("b", "same", 1),
            ("b", "valid", 1),
        ]:
            _check_convolution(root, data, kernel, padding, stride)
    finally:
        tab.unroute(server.url + CHAPTER1)
        tab.goto("about:blank")


def test_the_window_moves_with_the_keyboard_and_the_mouse_and_shows_its_products(widget, server):
    root = widget(CHAPTER1, "convolution")
    data = _data(server, CHAPTER1, "convolution")
    root.get_by_label("Noyau", exact=True).select_option("contour 3")
    root.get_by_label("Bordure (padding)", exact=True).select_option("valid")
    root.get_by_label("Pas (stride)", exact=True).select_option("1")
    grid = root.locator(".widget__grid").first
    grid.focus()
    for key in ["Home", "ArrowRight", "ArrowDown"]:
        grid.press(key)
    image, kernel = np.array(data["image"]), np.array(data["kernels"]["contour 3"])
    window = image[1:4, 1:4]
    products = root.locator(".widget__products span").evaluate_all(
        "cells => cells.map(c => Number(c.dataset.value))"
    )
    assert np.allclose(products, (window * kernel).ravel())
    assert _number(root.locator(".widget__sum").inner_text()[8:]) == (window * kernel).sum()
    assert "Position 8 sur 36" in root.locator(".widget__live").inner_text()
    root.get_by_role("button", name="Suivant").click()
    assert "Position 9 sur 36" in root.locator(".widget__where").inner_text()
    root.locator(".widget__grid").nth(2).locator("[data-pos='0']").click()
    assert "Position 1 sur 36" in root.locator(".widget__live").inner_text()
    assert _number(root.locator(".widget__sum").inner_text()[8:]) == (image[:3, :3] * kernel).sum()


# ---------------------------------------------------------------------------------------
# Les noyaux sur la fleur


def _photo(image: dict) -> np.ndarray:
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(image["png"])))).astype(float)
    return image["min"] + pixels * (image["max"] - image["min"]) / 255


def _canvas(root) -> np.ndarray:
    from PIL import Image

    url = root.locator("canvas").evaluate("c => c.toDataURL('image/png')")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",")[1]))).convert("L"))


def _gray(values, low, high):
    return np.floor((values - low) * 255 / (high - low) + 0.5)


def test_the_filtered_flower_matches_tensorflow_and_updates_within_50_ms(widget, server):
    root = widget(CHAPTER1, "noyaux")
    data = _data(server, CHAPTER1, "noyaux")
    photo = _photo(data["image"])
    choice = root.get_by_label("Noyau", exact=True)
    for name in ["contour 1", "netteté", "flou gaussien"]:
        choice.select_option(name)
        expected = _tf_conv(photo, data["kernels"][name], 1, "same")
        shown = _canvas(root)
        gray = _gray(expected, expected.min(), expected.max())
        assert shown.shape == photo.shape
        assert np.abs(shown - gray).max() <= 1, name
        legend = root.locator(".widget__legend").inner_text()
        low, high = re.search(r"Valeurs de (\S+) \(noir\) à (\S+) \(blanc\)", legend).groups()
        assert abs(_number(low) - expected.min()) <= 0.006, legend
        assert abs(_number(high) - expected.max()) <= 0.006, legend
    # Nine values typed by hand, then shown as absolute values.
    typed = [[0, -1, 0], [2, 0.5, -2], [0, 1, 0]]
    cells = root.locator(".widget__kernel input")
    for index, value in enumerate(np.ravel(typed)):
        cells.nth(index).fill(str(value))
    assert choice.input_value() == "personnalisé"
    root.get_by_label("Affichage", exact=True).select_option("absolu")
    expected = np.abs(_tf_conv(photo, typed, 1, "same"))
    assert np.abs(_canvas(root) - _gray(expected, 0, expected.max())).max() <= 1
    # Each change timed in the page, three times: the best of three is the widget's own
    # time, without the pauses that other processes of the machine may impose.
    times = root.evaluate(
        """(root, names) => { const select = root.querySelector('select');
          return names.map(name => Math.min(...[0, 1, 2].map(() => {
            select.value = name;
            const start = performance.now();
            select.dispatchEvent(new Event('change'));
            return performance.now() - start; }))); }""",
        list(data["kernels"]),
    )
    print(f"\nfleur filtrée : {', '.join(f'{t:.0f}' for t in times)} ms par changement")
    assert max(times) <= 50, times


# ---------------------------------------------------------------------------------------
# Le pooling


def test_the_pooling_matches_keras_on_the_8_and_on_the_flower(widget, server):
    import keras

    root = widget(CHAPTER1, "pooling")
    data = _data(server, CHAPTER1, "pooling")
    grid, photo = np.array(data["grid"], float), _photo(data["image"])
    for operation, layer in [
        ("max", keras.layers.MaxPooling2D),
        ("moyenne", keras.layers.AveragePooling2D),
    ]:
        for size in (2, 4):
            root.get_by_label("Opération", exact=True).select_option(operation)
            root.get_by_label("Taille de la fenêtre", exact=True).select_option(str(size))
            root.locator(".widget__grid").first.press("End")
            pool = layer(size)
            expected = pool(grid[None, :, :, None])[0, :, :, 0].numpy()
            assert np.allclose(_grid(root, 1), expected), (operation, size)
            assert (
                f"→ {expected.shape[0]} × {expected.shape[1]}"
                in root.locator(".widget__size").inner_text()
            )
            flower = pool(photo[None, :, :, None])[0, :, :, 0].numpy()
            low, high = data["image"]["min"], data["image"]["max"]
            shown = _canvas(root)
            assert shown.shape == flower.shape
            assert np.abs(shown - _gray(flower, low, high)).max() <= 1, (operation, size)
            assert (
                f"→ {flower.shape[0]} × {flower.shape[1]}"
                in root.locator(".widget__legend").inner_text()
            )


# ---------------------------------------------------------------------------------------
# Le calculateur de dimensions

_SET_STACK = """(root, stack) => {
  const fire = (el, value, kind) => { el.value = String(value);
    el.dispatchEvent(new Event(kind, {bubbles: true})); };
  const [h, w, c] = root.querySelectorAll('.widget__controls input');
  [h, w, c].forEach((el, d) => fire(el, stack.input[d], 'input'));
  [...root.querySelectorAll('button')].find(b => b.textContent === 'Tout retirer').click();
  const add = [...root.querySelectorAll('button')].find(b => b.textContent === 'Ajouter la couche');
  const type = add.parentElement.querySelector('select');
  for (const layer of stack.layers) {
    fire(type, layer.type, 'change');
    add.click();
    const row = root.querySelector('.widget__ui tbody').lastElementChild;
    for (const [key, value] of Object.entries(layer)) {
      if (key === 'type') continue;
      const field = row.querySelector(`[aria-label$=": ${key}"]`);
      fire(field, value, field.tagName === 'SELECT' ? 'change' : 'input');
    }
  }
}"""
_LABELS = {"filters": "filtres", "kernel_size": "noyau", "strides": "pas", "padding": "bordure",
           "pool_size": "taille", "units": "neurones"}  # fmt: skip


def _random_stack(rng) -> dict:
    layers = []
    for _ in range(rng.integers(2, 7)):
        if rng.random() < 0.6:
            layers.append({"type": "Conv2D", "filters": int(rng.integers(1, 40)),
                           "kernel_size": int(rng.choice([1, 3, 5, 7])),
                           "strides": int(rng.choice([1, 2])),
                           "padding": str(rng.choice(["valid", "same"]))})  # fmt: skip
        else:
            size = int(rng.choice([2, 3, 4]))
            layers.append({"type": "MaxPooling2D", "pool_size": size,
                           "strides": int(rng.choice([1, size])),
                           "padding": str(rng.choice(["valid", "valid", "same"]))})  # fmt: skip
    if rng.random() < 0.2:
        layers.append({"type": "Dense", "units": int(rng.integers(1, 20))})  # on each pixel
    if rng.random() < 0.8:
        layers.append({"type": "Flatten"})
        if rng.random() < 0.15:
            layers.append(
                {"type": "Conv2D", "filters": 2, "kernel_size": 1, "strides": 1, "padding": "valid"}
            )  # fmt: skip  (Keras refuses: not an image)
        layers.append({"type": "Dense", "units": int(rng.integers(1, 20))})
    side = int(rng.integers(5, 40))
    return {"input": [side, int(rng.integers(5, 40)), int(rng.integers(1, 4))], "layers": layers}


def _keras(stack):
    """The Keras model of the stack, or the index of the first layer that Keras refuses."""
    import keras

    layers = []
    for index, spec in enumerate(stack["layers"]):
        settings = {key: value for key, value in spec.items() if key != "type"}
        if spec["type"] == "Activation":
            settings = {"activation": "relu"}
        layers.append(getattr(keras.layers, spec["type"])(**settings))
        try:
            model = keras.Sequential([keras.Input(stack["input"]), *layers])
        except ValueError:
            return None, index
    return model, None


def _shown(root) -> dict:
    return root.evaluate(
        """root => ({rows: [...root.querySelectorAll('.widget__ui tbody tr')].map(tr => [
             tr.querySelector('.widget__shape').textContent,
             tr.querySelector('.widget__params').textContent,
             tr.classList.contains('widget__invalid')]),
           total: root.querySelector('.widget__total').dataset.value ?? null,
           error: root.querySelector('.widget__error').textContent})"""
    )


def _compare(root, stack, label):
    model, refused = _keras(stack)
    shown = _shown(root)
    if model is None:
        assert [row[2] for row in shown["rows"]].index(True) == refused, label
        assert shown["total"] is None and f"La couche {refused + 1} " in shown["error"], label
        reasons = ("ne peut pas être construite", "attend des cartes")
        assert any(reason in shown["error"] for reason in reasons), label
        return False
    assert not shown["error"], label
    expected = [
        (str((None, *layer.output.shape[1:])), layer.count_params()) for layer in model.layers
    ]
    assert [(shape, int(_number(params))) for shape, params, _ in shown["rows"]] == expected, label
    assert int(shown["total"]) == model.count_params(), label
    return True


def test_the_calculator_starts_from_the_chapter_model_as_keras_builds_it(widget, server):
    root = widget(CHAPTER2, "dimensions")
    data = _data(server, CHAPTER2, "dimensions")
    settings = [
        {key: value for key, value in layer.items() if key not in {"name", "output", "params"}}
        for layer in data["layers"]
    ]
    assert _compare(root, {"input": data["input"], "layers": settings}, "modèle de la page")
    rows = _shown(root)["rows"]
    assert [row[0] for row in rows] == [str((None, *layer["output"])) for layer in data["layers"]]


def test_the_calculator_agrees_with_keras_on_random_stacks(widget):
    """24 random stacks (seeded), typed through the widget's own fields; some cannot be
    built (a window larger than its input, a convolution after Flatten)."""
    root = widget(CHAPTER2, "dimensions")
    rng = np.random.default_rng(2024)
    built = 0
    for number in range(24):
        stack = _random_stack(rng)
        named = {**stack, "layers": [
            {(_LABELS.get(key, key)): value for key, value in layer.items()}
            for layer in stack["layers"]]}  # fmt: skip
        root.evaluate(_SET_STACK, named)
        built += _compare(root, stack, f"pile {number} : {stack}")
    assert 6 <= built <= 20, f"{built} piles construites sur 24 : le tirage ne teste pas assez"


def test_the_calculator_by_keyboard_says_why_keras_refuses(widget, tab):
    root = widget(CHAPTER2, "dimensions")
    root.get_by_role("button", name="Revenir au modèle de la page").click()
    for index in range(4):  # the chapter's first CNN: padding="valid" everywhere
        field = root.get_by_label(f"Couche {3 * index + 1} : bordure", exact=True)
        field.focus()
        tab.keyboard.press("ArrowUp")  # same → valid, as a keyboard user would
        assert field.input_value() == "valid"
    error = root.locator(".widget__error").inner_text()
    assert error.startswith("La couche 10 (Conv2D) ne peut pas être construite")
    assert "2 × 2 pixels" in error and "Computed output size would be zero or negative" in error
    assert root.locator(".widget__live").inner_text() == error
    root.get_by_role("button", name="Revenir au modèle de la page").click()
    assert "245" in root.locator(".widget__total").inner_text()


# ---------------------------------------------------------------------------------------
# Accessibility, keyboard, reduced motion, fallback

WIDGETS = [(CHAPTER1, "noyaux"), (CHAPTER1, "convolution"), (CHAPTER1, "pooling"),
           (CHAPTER2, "dimensions")]  # fmt: skip


_CONTROLS = """root => { const controls = [...root.querySelectorAll(
    '.widget__ui :is(select, button, input, [tabindex="0"])')]
    .filter(c => c.getClientRects().length).slice(0, 30);  // rows repeat the same controls
  controls.forEach((c, i) => (c.dataset.order = i));
  window.focusLog = [];
  root.addEventListener('focusin', (e) => { const s = getComputedStyle(e.target);
    focusLog.push([Number(e.target.dataset.order ?? -1),
                   s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2]); });
  controls[0].focus();
  return controls.length; }"""


@pytest.mark.parametrize(("page", "name"), WIDGETS, ids=[name for _, name in WIDGETS])
def test_every_control_is_reached_with_tab_and_shows_its_focus(tab, widget, page, name):
    root = widget(page, name)
    count = root.evaluate(_CONTROLS)
    for _ in range(count - 1):
        tab.keyboard.press("Tab")
    reached = tab.evaluate("() => focusLog.slice(1)")
    assert [order for order, _ in reached] == list(range(1, count)), name
    assert all(visible for _, visible in reached), f"{name} : focus invisible"
    unnamed = root.evaluate(
        """root => [...root.querySelectorAll('.widget__ui select, .widget__ui input')]
             .filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label'))
             .map(c => c.outerHTML.slice(0, 80))"""
    )
    assert not unnamed, f"contrôles sans nom : {unnamed}"


def test_nothing_moves_by_itself_and_reduced_motion_has_no_transition(tab, server, widget):
    tab.emulate_media(reduced_motion="reduce")
    try:
        tab.goto(server.url + CHAPTER1)
        root = widget(CHAPTER1, "convolution")
        tab.wait_for_timeout(800)  # longer than a step of « Lecture »
        assert root.get_by_role("button", name="Lecture").is_visible()
        assert root.locator(".widget__where").inner_text() == "Position 1 sur 36"
        duration = root.locator(".widget__cell").first.evaluate(
            "c => getComputedStyle(c).transitionDuration"
        )
        assert duration == "0s"
    finally:
        tab.emulate_media(reduced_motion="no-preference")


def test_without_javascript_and_in_print_the_static_figure_is_shown(browser, server, tab):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        for chapter, names in [
            (CHAPTER1, ["noyaux", "convolution", "pooling"]),
            (CHAPTER2, ["dimensions"]),
        ]:
            page.goto(server.url + chapter)
            for name in names:
                fallback = page.locator(f'[data-widget="{name}"] .widget__fallback > *').first
                assert fallback.is_visible(), name
    finally:
        context.close()
    for chapter, names in [(CHAPTER1, ["noyaux", "convolution", "pooling"]),
                           (CHAPTER2, ["dimensions"])]:  # fmt: skip
        tab.goto(server.url + chapter)
        for name in names:
            tab.locator(f'[data-widget="{name}"][data-ready="ready"]').wait_for()
        tab.emulate_media(media="print")  # the browser's own printing: the static state
        try:
            for name in names:
                root = tab.locator(f'[data-widget="{name}"]')
                fallback = root.locator(".widget__fallback > *").first
                assert fallback.is_visible(), name
                assert not root.locator(".widget__ui").is_visible(), name
                assert not root.get_by_role("button").count() or not any(
                    button.is_visible() for button in root.get_by_role("button").all()
                ), name
                for img in root.locator("img").all():  # loaded, however busy the machine
                    img.scroll_into_view_if_needed()
                    tab.wait_for_function(
                        "img => img.complete && img.naturalWidth > 0", arg=img.element_handle()
                    )
        finally:
            tab.emulate_media(media="screen")
