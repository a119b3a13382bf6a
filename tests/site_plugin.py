"""The site's plugin run on pages written by a test, as MkDocs runs it, with a hand-made
manifest: the one fake MkDocs page of the tests."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from mkdocs.utils import meta

from tp_cnn.figures.manifest import Manifest
from tp_cnn.website.plugin import CoursePlugin

NO_FILES = SimpleNamespace(get_file_from_path=lambda path: None)


def course_plugin(docs: Path, records: Manifest, extra: dict | None = None) -> CoursePlugin:
    """The plugin as `mkdocs build` sets it up for `docs`, with `records` as its manifest."""
    plugin = CoursePlugin()
    plugin.load_config({})
    plugin.on_config(site(docs, extra))
    plugin.manifest = records
    return plugin


def site(docs: Path, extra: dict | None = None) -> dict:
    return {"docs_dir": str(docs), "nav": [], "extra": extra or {}, "repo_url": None}


def fake_page(path: Path, docs: Path) -> SimpleNamespace:
    """What the plugin reads of a MkDocs page: its file, its URL, its metadata."""
    src = path.relative_to(docs).as_posix()
    file = SimpleNamespace(
        src_uri=src, abs_src_path=str(path), content_string=path.read_text(encoding="utf-8")
    )
    return SimpleNamespace(file=file, url=src.removesuffix(".md") + "/", meta={})


def render(plugin: CoursePlugin, path: Path) -> tuple[str, str]:
    """The page's Markdown as the plugin gives it to Markdown, and its content's end."""
    docs = plugin.docs
    page = fake_page(path, docs)
    markdown, _ = meta.get_data(page.file.content_string)
    out = plugin.on_page_markdown(markdown, page, site(docs), NO_FILES)
    return out, plugin.on_page_content("<p>x</p>", page, site(docs), NO_FILES)
