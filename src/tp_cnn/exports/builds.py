"""The site built in a variant of its configuration, for `make pdf` and `make offline`.

A variant is a config file generated next to mkdocs.yml (`.mkdocs-*.yml`, deleted after
the build, ignored by git) that inherits it (`INHERIT: mkdocs.yml`) and overrides only
`extra` (mkdocs merges dictionaries): the solution policy (`extra.solutions`), and, for
the site opened from disk, the local iframe-worker shim (`extra.polyfills`; without it,
Material's offline plugin would load it from unpkg.com) and the theme's features less
instant navigation (over file://, Material turns it off but then never announces the
page loaded: `document$` never emits, and the math is never typeset). The offline plugin
itself is switched on by the environment (`OFFLINE=true`, see mkdocs.yml). The build
goes into a folder of its own: a failed build never touches site/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from tp_cnn.course.config import site_config
from tp_cnn.course.solutions import VALUES
from tp_cnn.paths import CONFIG, ROOT

SHIM = "assets/iframe-worker/shim.js"  # docs/assets: Web Workers over file:// (search)


class BuildError(Exception):
    """A build that failed: the message, in French, says why."""


def build_site(
    out: Path, *, offline: bool = False, solutions: str | None = None, config: Path = CONFIG
) -> dict:
    """Build the site of `config` into `out` (mkdocs build --strict), in a variant when
    `offline` or `solutions` ask for one; return the configuration it was built with, as
    `course.config.site_config` reads it. The one way the project and its tests build."""
    extra: dict = {}
    variant: dict = {"INHERIT": config.name, "extra": extra}
    if solutions is not None:
        if solutions not in VALUES:
            raise BuildError(f"Politique des solutions inconnue : « {solutions} ».")
        extra["solutions"] = solutions
    if offline:
        extra["polyfills"] = [SHIM]
        features = site_config(config)["theme"].get("features", [])
        variant["theme"] = {"features": [f for f in features if "instant" not in f]}
    if not extra:
        return _build(config, out, offline)
    with tempfile.NamedTemporaryFile(
        "w", dir=config.parent, prefix=".mkdocs-", suffix=".yml", encoding="utf-8"
    ) as file:
        file.write(yaml.safe_dump(variant, allow_unicode=True))
        file.flush()
        return _build(Path(file.name), out, offline)


def _build(config: Path, out: Path, offline: bool) -> dict:
    built_with = site_config(config)
    build = subprocess.run(
        # Never --quiet: it drops the warnings that --strict turns into failures.
        [sys.executable, "-m", "mkdocs", "build", "--strict"]
        + ["--config-file", str(config), "--site-dir", str(out)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "OFFLINE": str(offline).lower(),
            # The plugin's package: from this checkout, whatever is installed.
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        },
    )
    if build.returncode != 0:
        raise BuildError(f"La construction du site a échoué (mkdocs build) :\n{build.stderr}")
    return built_with
