import fcntl
import functools
import os
import pickle
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from built_site import SiteServer

from tp_cnn.exports.browser import CHROMIUM_FLAGS, find_chromium
from tp_cnn.exports.builds import build_site


@pytest.fixture
def write_page(tmp_path):
    """Write a Markdown page (dedented) under tmp_path/docs and return its path."""

    def write(text: str, name: str = "page.md") -> Path:
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


def _once_per_run(tmp_path_factory, name: str, make):
    """`make(folder)`, once for the whole run: under `pytest -n`, by the first process that
    needs it, while the others wait, then share its folder and what it returned."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        return folder, make(folder)
    shared = tmp_path_factory.getbasetemp().parent  # the run's, above each process's
    folder, made = shared / name, shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            made.write_bytes(pickle.dumps(make(folder)))
    return folder, pickle.loads(made.read_bytes())


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site built once (mkdocs build --strict, as `make build`) in a temporary folder."""
    return _once_per_run(tmp_path_factory, "site", build_site)[0]


@pytest.fixture(scope="session")
def hidden_site(tmp_path_factory) -> Path:
    """The site built once more, with `extra.solutions: hidden`."""
    build = functools.partial(build_site, solutions="hidden")
    return _once_per_run(tmp_path_factory, "site-hidden", build)[0]


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> tuple[Path, dict]:
    """The site built once for file:// (Material's offline plugin), as `make offline` and
    `make pdf` build it, with the solutions hidden (`extra.solutions: hidden`): the offline
    pack's and the PDF's tests share it. Its folder, and the configuration it was built with."""
    build = functools.partial(build_site, offline=True, solutions="hidden")
    return _once_per_run(tmp_path_factory, "offline-site", build)


# ---------------------------------------------------------------------------------------
# The server, the browser and one tab, for the whole session


@pytest.fixture(scope="session")
def server(site):
    with SiteServer(site) as server:
        yield server


@dataclass
class Journal:
    """What the browser did since the last reset."""

    errors: list[str] = field(default_factory=list)  # console errors, uncaught exceptions
    failed: list[str] = field(default_factory=list)  # failed requests, HTTP errors
    requests: list[str] = field(default_factory=list)  # every URL asked for

    def reset(self):
        self.errors.clear()
        self.failed.clear()
        self.requests.clear()


@pytest.fixture(scope="session")
def journal():
    return Journal()


# Every host but this machine's unknown to the browser: a request to another one fails at
# once (and is recorded: the privacy test reads them), and the browser's cache works (a
# Playwright route would disable it).
ONLY_LOCAL_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright, once for the whole session (Playwright's
    synchronous API runs one instance at a time): the site's, the PDF's and the offline
    pack's tests share it."""
    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "chromium introuvable : installez le paquet Debian chromium "
            "(`make test` l'installe quand il est lancé en root)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright introuvable : `make install` l'installe"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=[*CHROMIUM_FLAGS, ONLY_LOCAL_HOSTS]
        )
        yield browser
        browser.close()


# `pytest -n` (pyproject.toml: pytest-xdist, `--dist loadfile`): a test file runs whole in
# one process, all the pages in one (tp_cnn.pytest_plugin); the files go to the processes
# in this order: the workflows first (a test waits on PyPI), then the longest (measured).
FIRST_FILES = ["tests/test_workflows.py", "docs", "tests/test_browser.py",
               "tests/test_browser_views.py", "tests/test_figures.py", "tests/test_widgets.py",
               "tests/test_quiz.py", "tests/test_pdf.py"]  # fmt: skip


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        file = item.path.relative_to(config.rootpath).as_posix()
        return next((i for i, f in enumerate(FIRST_FILES) if file.startswith(f)), len(FIRST_FILES))

    items.sort(key=rank)  # stable: a file's tests, and the pages, keep their order


def pytest_terminal_summary(terminalreporter):
    """What a test reports to the reader (`record_property("rapport", text)`), printed
    at the end of the run, also from `pytest -n`'s processes."""
    for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed"):
        for name, text in report.user_properties:
            if name == "rapport" and report.when == "call":
                terminalreporter.write_line(text)


@pytest.fixture(scope="session")
def tab(browser, server, journal):
    """One tab of one browser context: a student's window on the local site (the browser
    reaches no other host: `ONLY_LOCAL_HOSTS`)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="fr-FR", color_scheme="light"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url[:-1])
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and journal.errors.append(msg.text))
    page.on("pageerror", lambda error: journal.errors.append(f"exception : {error}"))
    page.on("request", lambda request: journal.requests.append(request.url))
    page.on("requestfailed", lambda r: journal.failed.append(f"{r.url} ({r.failure})"))
    page.on(
        "response",
        lambda r: r.status >= 400 and journal.failed.append(f"{r.url} (HTTP {r.status})"),
    )
    yield page
    context.close()
