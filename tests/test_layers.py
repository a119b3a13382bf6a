"""The package's layout (README, « Organisation du dépôt »): each sub-package imports only
from itself and the layers below it, never in a loop, and `reading` needs only the
standard library (the workflow's bare-Python jobs list the pages with it)."""

import ast
import sys
from pathlib import Path

import pytest

from tp_cnn.paths import ROOT

PACKAGE = ROOT / "src" / "tp_cnn"
# From the bottom up: a module may import its own layer and the ones before it.
LAYERS = ["paths", "outputs", "reading", "course", "running", "exports", "figures", "website",
          "pytest_plugin"]  # fmt: skip
MODULES = sorted(PACKAGE.rglob("*.py"))


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[1])


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name} : import relatif (écrivez tp_cnn.…)"
            found.append(node.module)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda path: _name(path))
def test_no_module_imports_a_layer_above_its_own(path):
    name = _name(path)
    if name == "tp_cnn":
        return
    above = [target for target in _imports(path)
             if target.startswith("tp_cnn.") and _layer(target) > _layer(name)]  # fmt: skip
    assert not above, f"{name} importe {above}, qui sont au-dessus de lui"


def test_every_init_is_empty_of_imports():
    for path in PACKAGE.rglob("__init__.py"):
        assert not _imports(path), path


def test_reading_needs_only_the_standard_library():
    for path in (PACKAGE / "reading").glob("*.py"):
        for target in _imports(path):
            top = target.split(".")[0]
            assert top in sys.stdlib_module_names or target.startswith(
                ("tp_cnn.reading", "tp_cnn.paths", "__future__")
            ), f"{path.name} importe {target}"


def test_no_import_loop_between_modules():
    graph = {_name(path): set() for path in MODULES}
    for path in MODULES:
        for target in _imports(path):
            while target and target not in graph:
                target = target.rpartition(".")[0]
            if target and target != _name(path) and not _name(path).startswith(target + "."):
                graph[_name(path)].add(target)
    done, path = set(), []

    def visit(node):
        assert node not in path, " -> ".join([*path[path.index(node) :], node])
        if node in done:
            return
        path.append(node)
        for target in graph[node]:
            visit(target)
        path.pop()
        done.add(node)

    for node in graph:
        visit(node)
