"""The site built in a variant of its configuration (src/tp_cnn/exports/builds.py), for the PDF
and the offline pack: what the variant inherits and overrides, and files written whole."""

from __future__ import annotations

import pytest

from tp_cnn.course.config import site_config
from tp_cnn.exports.builds import SHIM, BuildError, build_site
from tp_cnn.outputs import written_whole
from tp_cnn.paths import ROOT


def test_the_variant_overrides_only_what_it_must(offline_site):
    """The offline build with the solutions hidden: mkdocs.yml merged under the variant
    (INHERIT), which is deleted once the site is built."""
    _, config = offline_site
    base = site_config()
    assert config["extra"] == {**base["extra"], "solutions": "hidden", "polyfills": [SHIM]}
    assert config["nav"] == base["nav"] and config["theme"]["name"] == base["theme"]["name"]
    features = [f for f in base["theme"]["features"] if "instant" not in f]
    assert config["theme"]["features"] == features != base["theme"]["features"]
    assert not list(ROOT.glob(".mkdocs-*.yml"))


def test_an_unknown_policy_is_refused_before_building(tmp_path):
    with pytest.raises(BuildError, match="inconnue"):
        build_site(tmp_path / "site", solutions="visible")
    assert not (tmp_path / "site").exists()


def test_a_failed_write_leaves_the_old_file_in_place(tmp_path):
    final = tmp_path / "tp.pdf"
    final.write_text("ancien", encoding="utf-8")
    with pytest.raises(RuntimeError), written_whole(final) as temporary:
        temporary.write_text("à moitié", encoding="utf-8")
        raise RuntimeError("interrompu")
    assert final.read_text(encoding="utf-8") == "ancien"
    assert list(tmp_path.iterdir()) == [final]
    with written_whole(final) as temporary:
        temporary.write_text("nouveau", encoding="utf-8")
    assert final.read_text(encoding="utf-8") == "nouveau" and list(tmp_path.iterdir()) == [final]
