"""The site's one MkDocs plugin: `tp-cnn` under `plugins:` in mkdocs.yml (its entry point
is in pyproject.toml). Its state lives on the instance, for one build:

- `on_config`: the course's settings, read once (`course.config.Course`: the menu, the
  chapters, the site's solution policy and one date for the whole build);
- `on_pre_build`: the manifest (docs/figures/manifest.json), read and validated once;
- `on_files`: the site's notebooks rebuilt under this build's rules (a notebook written
  under another policy, or before a date, never reaches the site);
- `on_page_markdown`: each page read once, from its file, front matter included:
  exercises numbered, hidden solutions removed, provenance under each figure, the results
  table, the widgets, the quiz (`website.quizzes`), the notebook links; every change is
  made at the lines of that one reading (`course.edits`);
- `on_page_content`: solutions opened (`shown`), the widgets' and the quiz's assets,
  French typography;
- `on_post_page`: French typography in what the theme adds around the content;
- `on_post_build`: the search without accents; the temporary notebooks removed.

Every refusal stops the build with a French message: the file, the line, what to do.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.utils import get_relative_url

from tp_cnn.course import solutions
from tp_cnn.course.config import Course
from tp_cnn.course.edits import Edits
from tp_cnn.course.front_matter import front_matter
from tp_cnn.course.typography import french_html
from tp_cnn.exports.notebooks import NOTEBOOKS, notebook_text
from tp_cnn.figures import manifest, printed
from tp_cnn.figures.key import page_key
from tp_cnn.reading.navigation import course_pages
from tp_cnn.reading.pages import PageError, read_page
from tp_cnn.reading.segments import Code, Comment, Figure, Page, Quiz, Widget
from tp_cnn.website import accents, badges, captions, quizzes, widgets

RESULTS_MARKER = "tableau-des-resultats"  # the comment that the results table replaces
log = logging.getLogger("mkdocs.plugins.tp-cnn")


class CourseOptions(Config):
    exercise_numbers = config_options.Type(bool, default=True)  # « Exercice 2.3 » headings


def stop(problem: object) -> PluginError:
    return PluginError(f"Construction arrêtée : {problem}")


class CoursePlugin(BasePlugin[CourseOptions]):
    def __init__(self) -> None:
        self.course: Course | None = None
        self.docs = Path()
        self.pages: dict[str, Page] = {}  # the course pages, read once per build, by file
        self.manifest = manifest.Manifest()
        self.notebooks: Path | None = None  # the temporary folder of this build's notebooks
        self.shown: set[str] = set()  # pages whose solutions are shown open
        self.assets: dict[str, list[str]] = {}  # page → the tags that load its widgets, quiz
        self.command = "build"  # or "serve": a stale figure is shown, not a build error
        self.stale: str | None = None  # the page being read: the command that remakes it

    def on_startup(self, *, command, dirty):
        self.command = command

    def on_config(self, config):
        self.docs = Path(config["docs_dir"])
        try:
            pages = course_pages(self.docs)
            self.pages = {page.path.name: page for page in pages}
            self.course = Course.from_config(config, self.config.exercise_numbers, pages=pages)
        except PageError as error:
            raise stop(error) from None

    def on_pre_build(self, config):
        try:
            self.manifest = manifest.read(self.docs / manifest.MANIFEST)
        except manifest.ManifestError as error:
            raise stop(error) from None

    def on_files(self, files, config):
        self.notebooks = Path(tempfile.mkdtemp(prefix="tp-cnn-notebooks-"))
        folder = self.notebooks / NOTEBOOKS  # mkdocs-jupyter's `include` matches this path
        folder.mkdir()
        try:
            for page in self.pages.values():
                file = files.get_file_from_path(f"{NOTEBOOKS}/{page.name}.ipynb")
                if file is None or file.abs_src_path is None:
                    continue
                text = notebook_text(page, self.course.page_rules(page))
                if Path(file.abs_src_path).read_text(encoding="utf-8") != text:
                    (folder / f"{page.name}.ipynb").write_text(text, encoding="utf-8")
                    file.abs_src_path = str(folder / f"{page.name}.ipynb")
        except PageError as error:
            self._remove_notebooks()
            raise stop(error) from None
        return files

    @event_priority(100)  # first: the other plugins see the page as the site shows it
    def on_page_markdown(self, markdown, page, config, files):
        src = page.file.src_uri
        if src.endswith(".ipynb"):  # search finds the course pages, not their copies
            page.meta.setdefault("search", {})["exclude"] = True
            return markdown
        if not src.endswith(".md"):
            return markdown
        source = page.file.content_string
        path = Path(page.file.abs_src_path)
        try:
            read = self.pages.get(src) or read_page(path, source)
            rules = self.course.rules(src, front_matter(source, read.label))
        except PageError as error:  # SolutionsError included
            raise stop(error) from None
        if not source.endswith(markdown):
            raise stop(f"{src} : un autre greffon a modifié la page avant tp-cnn.")
        lines = source.split("\n")
        offset = source[: len(source) - len(markdown)].count("\n")
        if rules.solutions == "shown":
            self.shown.add(src)
        self.stale = self._stale(read)
        edits = solutions.edits(read, rules, lines)
        edits.update(self._provenance(read, page))
        if links := badges.notebook_links(page, config, files):
            title = next((s.lineno for s in read.segments if _is_title(s)), offset)
            edits.insert_after(title, ["", links, ""])
        return "\n".join(edits.apply(lines)[offset:])

    def _stale(self, read: Page) -> str | None:
        """The command that remakes the page's figures if its code changed since their run
        (`figures.key`), else None. `mkdocs build --strict` stops on it (a deploy never
        ships a stale figure as current); `make serve` shows it under each figure."""
        record = self.manifest.pages.get(read.name)
        if record is None or not read.blocks or page_key(read, record.mode) == record.key:
            return None
        command = captions.rerun_command(read.name, record.mode)
        message = (
            f"{read.path.name} : son code a changé depuis l'exécution qui a produit ses "
            f"figures et ses résultats ; relancez {command}"
        )
        (log.info if self.command == "serve" else log.warning)(message)
        return command

    def _provenance(self, read: Page, page) -> Edits:
        """Captions under the figures, the results table, the widgets, the quiz."""
        edits = Edits()
        tags = []
        outputs = printed.under_blocks(read, self.manifest.outputs)
        for segment in read.segments:
            if isinstance(segment, Comment) and segment.text == RESULTS_MARKER:
                table = captions.results_table(self.manifest, list(self.course.nav))
                edits.replace(segment.lineno, [table])
            elif isinstance(segment, Figure):
                record = self.manifest.figures.get(segment.path)
                if record is None:
                    raise stop(
                        f"{read.path.name}, ligne {segment.lineno} : la figure {segment.path} "
                        f"n'a pas de provenance dans {manifest.MANIFEST}. Générez-la : "
                        f'make figures ARGS="--page {read.name}".'
                    )
                caption = captions.caption(
                    record, self.manifest.pages[record.page], stale=self.stale
                )
                edits.insert_after(segment.lineno, [_indent(segment.line) + caption])
            elif isinstance(segment, Code) and segment.syntax == "python":
                if (output := outputs.get(segment.lineno)) is not None:
                    end = segment.lineno + len(segment.fence) - 1
                    indent = _indent(segment.fence[0])
                    page_record = self.manifest.pages[output.page]
                    lines = captions.output_lines(output, page_record, indent, self.stale)
                    edits.insert_after(end, lines)
            elif isinstance(segment, Quiz):
                html = quizzes.quiz_html(segment, read.name, page.file.src_uri in self.shown)
                margin = " " * (segment.within[-1].indent + 4 if segment.within else 0)
                edits.remove(segment.lineno, segment.end, [margin + html])
                tags += quizzes.assets(lambda target: get_relative_url(target, page.url))
        tags += self._widgets(read, page, edits)
        if tags:
            self.assets[page.file.src_uri] = tags
        return edits

    def _widgets(self, read: Page, page, edits: Edits) -> list[str]:
        """Each widget in place of its line; the tags that hold their data and load them."""
        placed = [s for s in read.segments if isinstance(s, Widget)]
        data = []
        for widget in placed:
            try:
                html, script = widgets.render(widget, read, page.url, self.docs,
                                              self.manifest, self.stale)  # fmt: skip
            except widgets.WidgetDataError as error:
                raise stop(
                    f"{read.path.name}, ligne {widget.lineno} : widget « {widget.name} » : "
                    f'{error} Générez-les : make figures ARGS="--page {read.name}".'
                ) from None
            edits.replace(widget.lineno, [_indent(widget.line) + html])
            data.append(script)
        if not placed:
            return []
        names = [widget.name for widget in placed]
        return [*data, *widgets.assets(names, lambda target: get_relative_url(target, page.url))]

    def on_page_content(self, html, page, config, files):
        src = page.file.src_uri
        if src in self.shown:
            html = re.sub(r'<details class="tf"(?=>)', '<details class="tf" open', html)
        # The widgets' data, style and scripts, at the end of the content of the pages that
        # use them (Material's instant navigation runs the scripts of the content it loads).
        return french_html("\n".join([html, *self.assets.pop(src, [])]))

    def on_post_page(self, output, page, config):
        # The theme's additions (the site's name, the menu, the table of contents), and the
        # content again: a plugin may have turned its no-break spaces into `&nbsp;`.
        return french_html(output)

    def on_post_build(self, config):
        self._remove_notebooks()
        accents.add_to_search(config)

    def on_build_error(self, error):
        self._remove_notebooks()

    def _remove_notebooks(self) -> None:
        if self.notebooks is not None:
            shutil.rmtree(self.notebooks, ignore_errors=True)
            self.notebooks = None


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


def _is_title(segment) -> bool:
    return not segment.within and getattr(segment, "text", "").startswith("# ")
