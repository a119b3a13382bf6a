"""The data of a page's widgets, exported from the page's variables (NumPy and Keras
imported when used): what the figure script writes to docs/figures/<page>/<widget>.json."""

from __future__ import annotations

import base64
import io
import json

from tp_cnn.reading.segments import Widget


class WidgetError(Exception):
    """A widget's variables are missing or unusable; the message names the page and line."""

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
