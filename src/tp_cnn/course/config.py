"""The course's settings, read once: the one home of the navigation, the chapters and the
solution policy as the site, the notebooks and the PDF apply them.

- `site_config()`: mkdocs.yml as MkDocs' own loader reads it (its tags, `INHERIT`);
- `Course`: from that configuration (or from MkDocs' own, in the plugin), with one date
  for the whole build: the menu's files, the numbered chapters, the site's policy, and
  `rules(page)` (`course.solutions.Rules`) for each page.

The chapters are the course pages (a page of docs/ with Python code, see `reading.pages.
course_pages`) in menu order, numbered from 1 when the plugin's option
`exercise_numbers` is true (its default): no menu title decides it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.utils import yaml_load

from tp_cnn.course.front_matter import front_matter
from tp_cnn.course.solutions import Rules, policy
from tp_cnn.paths import CONFIG, DOCS
from tp_cnn.reading.navigation import course_pages, nav_files
from tp_cnn.reading.segments import Page

PLUGIN = "tp-cnn"  # the plugin's name under `plugins:` (pyproject's entry point)
SITE_POLICY = "mkdocs.yml (extra)"


def site_config(path: Path = CONFIG) -> dict:
    """mkdocs.yml read by MkDocs' own loader (its tags, INHERIT)."""
    with open(path, "rb") as file:
        return yaml_load(file)


def plugin_options(config: dict) -> dict:
    """The options of the `tp-cnn` plugin in a configuration read by `site_config`."""
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and PLUGIN in entry:
            return entry[PLUGIN] or {}
    return {}


@dataclass(frozen=True)
class Course:
    nav: tuple[str, ...]  # the menu's files, in order (relative to docs/)
    chapters: tuple[str, ...]  # the numbered chapters, in order; () when not numbered
    extra: dict = field(default_factory=dict)  # mkdocs.yml's `extra` (the site's policy)
    today: datetime.date = field(default_factory=datetime.date.today)

    @classmethod
    def from_config(cls, config, numbered: bool | None = None, docs: Path | None = None,
                    today: datetime.date | None = None, pages: list[Page] | None = None,
                    ) -> Course:  # fmt: skip
        """From a configuration (`site_config()` by default, or MkDocs' own in the plugin,
        which gives its option `exercise_numbers` and the course `pages` it has read). The
        site's policy is checked here."""
        config = site_config() if config is None else config
        if numbered is None:
            numbered = plugin_options(config).get("exercise_numbers", True)
        if pages is None:
            docs = Path(docs or config.get("docs_dir") or DOCS)
            pages = course_pages(docs if docs.is_absolute() else CONFIG.parent / docs)
        nav = tuple(nav_files(config.get("nav")))
        names = {page.path.name for page in pages}
        chapters = tuple(src for src in nav if src in names) if numbered else ()
        extra = dict(config.get("extra") or {})
        course = cls(nav, chapters, extra, today or datetime.date.today())
        policy(extra, SITE_POLICY, course.today)
        return course

    def rules(self, src: str, settings: dict) -> Rules:
        """The rules of the page `src` (relative to docs/) whose front matter is `settings`."""
        own = {"solutions", "solutions_after"} & set(settings)
        where = f"{src} (en-tête de la page)" if own else SITE_POLICY
        value, after = policy(settings if own else self.extra, where, self.today)
        chapter = self.chapters.index(src) + 1 if src in self.chapters else None
        return Rules(value, after, chapter)

    def page_rules(self, page: Page) -> Rules:
        """The rules of a course page (a file of docs/), its front matter read from its file."""
        text = page.path.read_text(encoding="utf-8-sig")
        return self.rules(page.path.name, front_matter(text, page.label))
