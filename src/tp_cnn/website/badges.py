"""The links under a page's title: « Ouvrir dans Colab » and « Télécharger le notebook »."""

from __future__ import annotations

import posixpath
import re
from html import escape
from pathlib import Path

from mkdocs.utils import get_relative_url

from tp_cnn.exports.notebooks import NOTEBOOKS


def colab_url(config, notebook_src: str) -> str | None:
    """Where Colab opens a notebook of docs/: the GitHub copy on the site's branch."""
    repo = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?", config["repo_url"] or "")
    if repo is None:
        return None
    docs = Path(config["docs_dir"]).relative_to(Path(config["config_file_path"]).resolve().parent)
    branch = config["extra"].get("notebooks_branch", "main")
    return (
        f"https://colab.research.google.com/github/{repo[1]}/blob/{branch}/"
        f"{docs.as_posix()}/{notebook_src}"
    )


def notebook_links(page, config, files) -> str | None:
    """The HTML of the Colab badge and the download link, or None: no notebook."""
    src = page.file.src_uri
    notebook = files.get_file_from_path(f"{NOTEBOOKS}/{src.removesuffix('.md')}.ipynb")
    if not src.endswith(".md") or notebook is None:
        return None
    # mkdocs-jupyter (include_source) copies the .ipynb into the folder of its page.
    folder, name = posixpath.dirname(notebook.dest_uri), posixpath.basename(notebook.src_uri)
    download = get_relative_url(posixpath.join(folder, name), page.url)
    links = [
        f'<a class="notebook-download" href="{escape(download)}" download>'
        "Télécharger le notebook</a>"
    ]
    if url := colab_url(config, notebook.src_uri):
        links.insert(
            0,
            f'<a class="colab-badge" href="{escape(url)}" title="Ouvrir cette page comme '
            'notebook dans Google Colab"><span class="colab-badge__logo">CO</span>'
            '<span class="colab-badge__text">Ouvrir dans Colab</span></a>',
        )
    return f'<p class="notebook-links">{" ".join(links)}</p>'
