"""Tools of the browser tests (test_browser.py, test_browser_views.py…): the built site's
pages, a local server that counts what it sends, the prose, images and links of a page
read from its HTML, and axe-core's verdict."""

from __future__ import annotations

import functools
import gzip
import mimetypes
import os
import posixpath
import re
import subprocess
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from tp_cnn.course.config import site_config
from tp_cnn.paths import DOCS, ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WORDS = ROOT / "tests" / "mots-du-projet.txt"
CAPTURE = DOCS / "assets" / "captures" / "solution-ouverte.png"
# Where GitHub Pages serves the site (site_url's path, /tp-module-2-cnn/): the local server
# serves it there too, so that the 404 page's absolute links are checked as published.
SITE_PATH = urlsplit(site_config().get("site_url") or "/").path.rstrip("/") + "/"


def site_pages() -> list[str]:
    """Every page of the built site, as its URL path under the site's root."""
    pages = ["", "404.html"]
    pages += [f"{md.stem}/" for md in sorted(DOCS.glob("*.md")) if md.stem != "index"]
    pages += [f"notebooks/{nb.stem}/" for nb in sorted((DOCS / "notebooks").glob("*.ipynb"))]
    return pages


def pages_with(pattern: str) -> list[str]:
    """The pages whose Markdown has a line matching `pattern`."""
    return [
        "" if md.stem == "index" else f"{md.stem}/"
        for md in sorted(DOCS.glob("*.md"))
        if re.search(pattern, md.read_text(encoding="utf-8"), re.MULTILINE)
    ]


def html_file(site: Path, page: str) -> Path:
    return site / page / "index.html" if page == "" or page.endswith("/") else site / page


# ---------------------------------------------------------------------------------------
# The local server


class SiteServer(ThreadingHTTPServer):
    """Serves the built site on 127.0.0.1 (a free port), gzipped like GitHub Pages, to be
    cached by the browser (a page's weight is what it asks for: `weigh`, not what it is
    sent again)."""

    daemon_threads = True
    COMPRESSED = ("text/", "application/javascript", "application/json", "image/svg+xml")

    def __init__(self, root: Path):
        super().__init__(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
        self.origin = f"http://127.0.0.1:{self.server_port}"
        self.url = self.origin + SITE_PATH
        self.root = root
        self.lock = threading.Lock()
        self._gzipped: dict[str, bytes] = {}
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()

    def resolve(self, url: str) -> tuple[int, Path | None]:
        """The status and the file that a request for `url` (a path) gets, as on GitHub
        Pages: a folder's index.html (301 to add its slash), else the site's 404 page."""
        file = self.root / unquote(url.removeprefix(SITE_PATH)).lstrip("/")
        if url.startswith(SITE_PATH) and ".." not in file.relative_to(self.root).parts:
            if file.is_dir() and not url.endswith("/"):
                return 301, None
            if file.is_dir():
                file = file / "index.html"
            if file.is_file():
                return 200, file
        missing = self.root / "404.html"
        return 404, missing if missing.is_file() else None

    def body(self, file: Path, gzip_ok: bool = True) -> tuple[bytes, str, bool]:
        """The bytes sent for `file`, its type, and whether they are gzipped."""
        body = file.read_bytes()
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if not (gzip_ok and ctype.startswith(self.COMPRESSED)):
            return body, ctype, False
        with self.lock:
            if file not in self._gzipped:
                self._gzipped[file] = gzip.compress(body, compresslevel=6, mtime=0)
            return self._gzipped[file], ctype, True

    def weigh(self, url: str) -> tuple[int, int]:
        """(bytes transferred, bytes of the file) for a request of `url` (a path)."""
        _, file = self.resolve(url)
        return (len(self.body(file)[0]), file.stat().st_size) if file else (0, 0)


class _Handler(SimpleHTTPRequestHandler):
    server: SiteServer

    def log_message(self, format, *args):  # noqa: A002 - quiet: the tests report
        pass

    def do_GET(self):
        url = urlsplit(self.path).path
        status, file = self.server.resolve(url)
        if status == 301:
            self.send_response(301)
            self.send_header("Location", url + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if file is None:
            self.send_error(404)
            return
        body, ctype, gzipped = self.server.body(
            file, "gzip" in self.headers.get("Accept-Encoding", "")
        )
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Cache-Control", "max-age=3600")  # the files do not change
        self.end_headers()
        self.wfile.write(body)


# ---------------------------------------------------------------------------------------
# A page read from its HTML: prose, images, ids and links

_INLINE = {"a", "abbr", "b", "cite", "em", "i", "mark", "q", "s", "small", "strong", "sub",
           "sup", "u", "del", "ins"}  # fmt: skip
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip
# Not prose: code, math, notebook cells' code and copy buttons, permalinks, hidden things.
_NOT_PROSE_TAGS = {"code", "pre", "script", "style", "svg", "math", "kbd", "button", "textarea",
                   "clipboard-copy", "template"}  # fmt: skip
_NOT_PROSE_CLASSES = {"arithmatex", "katex", "headerlink", "anchor-link", "jp-CodeCell",
                      "jp-InputPrompt", "jp-OutputArea", "clipboard-copy-txt",
                      "zeroclipboard-container", "colab-badge__logo"}  # fmt: skip
# In italics: foreign words, by French typography (*pooling*, *transfer learning*).
_ITALIC = {"em", "i"}


class PageHTML(HTMLParser):
    """The content of a built page (Material's `article`): its prose (what a student reads:
    text and alternative texts, without code, math or passages marked in another language),
    apart from its italics (`italics`: foreign words may be there), its content images,
    and, for the whole page, its ids, the URLs it links to, its anchors (`<a>` and their
    attributes) and the resources a browser fetches by itself to show it: the one reader
    of built pages in the tests."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, opens the article, skipped)
        self._in_article = 0
        self._skipped = 0
        self._italic = 0
        self._prose: list[str] = []
        self._italics: list[str] = []
        self.images: list[dict[str, str]] = []  # src and alt of the article's images
        self.ids: set[str] = set()
        self.links: list[str] = []  # href and src, as written
        self.elements: list[tuple[str, dict[str, str]]] = []  # every start tag, in order
        self.feed(text)
        self.close()

    @property
    def prose(self) -> str:
        """The prose out of italics, one line per block of text (hunspell reads lines)."""
        return _lines(self._prose)

    @property
    def italics(self) -> str:
        return _lines(self._italics)

    @property
    def anchors(self) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.elements if tag == "a"]

    @property
    def resources(self) -> list[str]:
        """What a browser fetches by itself when it shows the page (not <a> links)."""
        found = []
        for tag, attrs in self.elements:
            if tag in {"script", "img", "iframe", "source", "audio", "video"} and attrs.get("src"):
                found.append(attrs["src"])
            if tag == "link" and attrs.get("href") and attrs.get("rel") != "canonical":
                found.append(attrs["href"])
        return found

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attrs))
        for name in ("id", "name"):
            if attrs.get(name) and (name == "id" or tag == "a"):
                self.ids.add(attrs[name])
        for name in ("href", "src"):
            if attrs.get(name) and tag in {"a", "img", "link", "script", "source", "iframe"}:
                self.links.append(attrs[name])
        reading = self._in_article and not self._skipped
        if tag in _VOID:
            if tag == "img" and self._in_article:
                self.images.append({"src": attrs.get("src", ""), "alt": attrs.get("alt", "")})
                if reading:
                    self._prose.append(f"\n{attrs.get('alt', '')}\n")
            elif reading and tag != "wbr":
                self._prose.append("\n")
            return
        classes = set(attrs.get("class", "").split())
        opens = tag == "article" and "md-content__inner" in classes
        lang = attrs.get("lang", "fr")
        skip = bool(
            self._in_article
            and (
                tag in _NOT_PROSE_TAGS
                or classes & _NOT_PROSE_CLASSES
                or "hidden" in attrs
                or not lang.lower().startswith("fr")
            )
        )
        self._stack.append((tag, opens, skip))
        self._in_article += opens
        self._skipped += skip
        self._italic += tag in _ITALIC
        if tag in _ITALIC:
            self._italics.append("\n")
        if reading and tag not in _INLINE:
            self._prose.append("\n")
            self._italics.append("\n")

    def handle_endtag(self, tag):
        if tag in _VOID or tag not in (open_tag for open_tag, _, _ in self._stack):
            return
        while self._stack:
            open_tag, opens, skip = self._stack.pop()
            self._in_article -= opens
            self._skipped -= skip
            self._italic -= open_tag in _ITALIC
            if open_tag in _ITALIC:
                self._italics.append("\n")
            if open_tag == tag:
                break
        if self._in_article and not self._skipped and tag not in _INLINE:
            self._prose.append("\n")
            self._italics.append("\n")

    def handle_data(self, data):
        if self._in_article and not self._skipped:
            (self._italics if self._italic else self._prose).append(data)


def _lines(parts: list[str]) -> str:
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def read_page(site: Path, page: str) -> PageHTML:
    return PageHTML(html_file(site, page).read_text(encoding="utf-8"))


def broken_links(site: Path) -> list[str]:
    """Every internal link, image or resource of the built site that leads nowhere: a
    missing file, or an anchor (#…) that the target page does not have."""
    pages = {path: PageHTML(path.read_text(encoding="utf-8")) for path in site.rglob("*.html")}
    broken = []
    for path, page in sorted(pages.items()):
        here = SITE_PATH + path.relative_to(site).as_posix()
        for link in page.links:
            url = urlsplit(urljoin(here, link))
            if url.scheme or url.netloc or link.startswith(("javascript:", "data:")):
                continue  # another site (checked by the privacy test), or no file at all
            within = unquote(posixpath.normpath(url.path)) + "/"
            if not within.startswith(SITE_PATH):
                broken.append(f"{here} : {link} (hors du site, {SITE_PATH})")
                continue
            target = site / within.removeprefix(SITE_PATH).rstrip("/")
            if url.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{here} : {link} (fichier introuvable)")
            elif url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else PageHTML(target.read_text()).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{here} : {link} (ancre introuvable)")
    return list(dict.fromkeys(broken))  # a link of both menus, once


# ---------------------------------------------------------------------------------------
# French spelling


def project_words() -> list[str]:
    """tests/mots-du-projet.txt without its comments."""
    lines = WORDS.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


_ELISION = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=\w)", re.IGNORECASE)


def misspelled(text: str, personal: Path, dictionaries: str = "fr_FR") -> list[str]:
    """The words of `text` that hunspell's dictionaries and the project's words reject."""
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", " ", text, flags=re.DOTALL)  # notebooks' math
    text = _ELISION.sub("", text)  # « d'ImageNet » : ImageNet
    text = re.sub(r"\.(?=\s|$)", " ", text)  # « GPU. » : GPU
    check = subprocess.run(
        ["hunspell", "-d", dictionaries, "-p", str(personal), "-i", "utf-8", "-l"],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "LC_ALL": "C.UTF-8"},
        check=True,
    )
    return sorted(set(check.stdout.split()))


def let_through(context, prefix: str, outside: list[str] | None = None) -> None:
    """Every request of the browser `context` that does not start with `prefix` is blocked
    (and noted in `outside`): the filter of the pages opened from disk (file://), where the
    browser's own (tests/conftest.py, `ONLY_LOCAL_HOSTS`) cannot tell the site from the rest
    of the disk. A pattern, matched by Playwright itself: the requests let through never
    come back to Python."""

    def block(request_route):
        if outside is not None:
            outside.append(request_route.request.url)
        request_route.abort("blockedbyclient")

    context.route(re.compile(f"^(?!{re.escape(prefix)})"), block)


# ---------------------------------------------------------------------------------------
# What the browser tests share: a page's name in a test id, the widgets settled, axe-core


def page_id(page: str) -> str:
    return page.strip("/") or "accueil"


# Widths of a phone and a tablet; 1280 px is the tab's. Only the rules that depend on the
# layout run again there; the others are checked at 1280 px (those on colors in both
# palettes), and on the home page at every width: what only narrow screens show (the
# menu's button and drawer) is the same on every page. Every page at the phone's width
# (what scrolls sideways at 800 px scrolls at 375 px too); at the tablet's, the home page
# (the header) and the chapters with widgets (their grids and controls are placed by the
# width).
NARROW_WIDTHS = (800, 375)
LAYOUT_RULES = ["scrollable-region-focusable", "target-size"]
# The page's `resize` handlers run at the next frame.
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
NOTHING_MOVES = "() => document.getAnimations().every((a) => a.playState !== 'running')"


@functools.cache
def tablet_pages() -> list[str]:
    return ["", *pages_with(r"^<div data-widget=")]


def narrow_violations(tab, axe: str, page: str, widths=NARROW_WIDTHS) -> list[str]:
    """axe-core's serious violations of the page shown by `tab` at `widths` (the tablet's
    only for `tablet_pages()`), one line each; the tab is left at the last width. The page
    is settled (its widgets built), as in the visits: only its layout changes."""
    widths = [w for w in widths if w == NARROW_WIDTHS[-1] or page in tablet_pages()]
    found = []
    for width in widths:
        tab.set_viewport_size({"width": width, "height": 800})
        tab.evaluate(TWO_FRAMES)
        tab.wait_for_function(NOTHING_MOVES)  # Material's transitions at the new width
        rules = None if page == "" else LAYOUT_RULES
        if serious := serious_of(axe_violations(tab, axe, rules)):
            found.append(f"/{page} à {width} px : {serious}")
    return found


# The widgets built (or failed): axe then sees them as a student does.
WIDGETS_SETTLED = """() => [...document.querySelectorAll('[data-widget]')]
  .every((w) => ['ready', 'error'].includes(w.dataset.ready))"""



def axe_violations(tab, axe: str, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page shown by `tab` (only `rules`, if given)."""
    if not tab.evaluate("() => 'axe' in window"):
        tab.add_script_tag(content=axe)
    only = {"runOnly": {"type": "rule", "values": rules}} if rules else {}
    result = tab.evaluate(
        "(only) => axe.run(document, {resultTypes: ['violations'], ...only})", only
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [" ".join(map(str, node["target"])) for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]


def serious_of(violations: list[dict]) -> str:
    """The serious and critical violations, one line each ('' if none)."""
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}) : {', '.join(v['targets'][:5])}"
        + (f" et {len(v['targets']) - 5} autres" if len(v["targets"]) > 5 else "")
        for v in violations
        if v["impact"] in {"serious", "critical"}
    )
