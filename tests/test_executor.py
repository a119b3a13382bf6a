import pytest

from tp_cnn.paths import DOCS
from tp_cnn.reading.pages import PageError, load_page
from tp_cnn.running import harness
from tp_cnn.running.executor import BlockFailure, PageRun, describe_failure


def run_page(path):
    with harness.prepared("fast"):
        run = PageRun(load_page(path))
        return run, run.run()


def failing_run(path, error: type[BaseException]):
    """The page at `path` run until it raises `error`: its run, and the error."""
    with harness.prepared("fast"):
        run = PageRun(load_page(path))
        with pytest.raises(error) as excinfo:
            run.run()
    return run, excinfo.value


def test_blocks_share_one_namespace_and_their_output_is_captured(write_page):
    _, results = run_page(write_page("```python\nx = 2\n```\n\n```python\nprint(x * 21)\n```\n"))
    assert [result.output for result in results] == ["", "42\n"]


def test_an_output_shown_on_the_page_is_checked(write_page):
    path = write_page(
        """
        ```python
        print(6 * 7)
        ```

        <!--pytest-codeblocks:expected-output-->

        ```text
        43
        ```
        """
    )
    with pytest.raises(BlockFailure, match=r"page\.md, bloc de la ligne 1 .*ne correspond"):
        run_page(path)


def test_an_error_names_the_page_and_the_failing_line(write_page):
    path = write_page("```python\nx = 1\ny = undefined_name\n```\n")
    run, error = failing_run(path, NameError)
    report = describe_failure(run.page, error)
    assert "page.md" in report
    assert "ligne 3 : y = undefined_name" in report
    assert run.failed.lineno == 1


def test_a_typo_in_the_real_page_fails_with_its_name_and_line(tmp_path):
    broken = (DOCS / "convolution-pooling.md").read_text(encoding="utf-8")
    assert "conv(grayscale, contour1)" in broken
    path = tmp_path / "convolution-pooling.md"
    path.write_text(broken.replace("conv(grayscale, contour1)", "conv(grayscale, contuor1)"))
    run, error = failing_run(path, NameError)
    report = describe_failure(run.page, error)
    assert "convolution-pooling.md" in report
    assert "edges = conv(grayscale, contuor1)" in report
    assert "NameError: name 'contuor1' is not defined" in report


def test_a_syntax_error_names_the_page_and_line(write_page):
    path = write_page("# Titre\n\n```python\nx = (1,\n```\n")
    run, error = failing_run(path, SyntaxError)
    assert "ligne 4" in describe_failure(run.page, error)


def test_an_expected_error_must_be_raised(write_page):
    page = """
        <!--pytest.mark.xfail(raises=ZeroDivisionError, strict=True)-->

        ```python
        1 / {}
        ```
        """
    _, results = run_page(write_page(page.format(0)))
    assert results[0].output == "ZeroDivisionError: division by zero\n"
    with pytest.raises(BlockFailure, match="doit lever ZeroDivisionError"):
        run_page(write_page(page.format(1), "other.md"))


def test_a_skipped_block_is_not_run_and_says_why(write_page):
    path = write_page(
        '<!--pytest.mark.skip(reason="à compléter")-->\n\n```python\nraise SystemExit\n```\n'
    )
    _, results = run_page(path)
    assert results[0].skipped == "à compléter"


def test_a_skipped_block_without_a_reason_is_refused(write_page):
    path = write_page("<!--pytest.mark.skip-->\n\n```python\nx = 1\n```\n")
    with pytest.raises(PageError, match="dire pourquoi"):
        run_page(path)


def test_an_error_in_a_solution_with_blank_lines_points_at_its_true_line(write_page):
    path = write_page(
        'Texte\n\n??? tf "TensorFlow"\n\n    ```python\n    x = 1\n\n\n    y = 2\n\n'
        "    z = undefined_name\n    ```\n"
    )
    run, error = failing_run(path, NameError)
    assert "ligne 11 : z = undefined_name" in describe_failure(run.page, error)


def test_a_block_that_stops_python_fails_the_page(write_page):
    path = write_page("```python\nimport sys\nsys.exit(0)\n```\n")
    with pytest.raises(BlockFailure, match="arrête Python"):
        run_page(path)


def test_an_expected_error_may_be_named_by_the_page(write_page):
    page = """
        ```python
        class Oups(Exception):
            pass
        ```

        <!--pytest.mark.xfail(raises=Oups, strict=True)-->

        ```python
        raise Oups("voulu")
        ```
        """
    _, results = run_page(write_page(page))
    assert results[1].output.endswith("Oups: voulu\n")


def test_figures_are_collected_per_block(write_page):
    code = "```python\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\n```\n"
    _, results = run_page(write_page(code + "\n```python\nx = 1\n```\n"))
    assert [len(result.figures) for result in results] == [1, 0]


def test_under_pytest_n_the_pages_run_together_and_each_test_file_whole():
    """A page's blocks share one namespace: `pytest -n` gives all the pages, in reading
    order, to one process (tp_cnn.pytest_plugin), and each test file whole to one."""
    from types import SimpleNamespace

    from tp_cnn.pytest_plugin import pytest_xdist_make_scheduler

    # `pytest -n 2 --dist loadfile`, as the scheduler reads it
    config = SimpleNamespace(getoption={"dist": "loadfile"}.get, getvalue={"tx": ["2*popen"]}.get)
    scheduler = pytest_xdist_make_scheduler(config, log=None)
    scopes = {
        nodeid: scheduler._split_scope(nodeid)
        for nodeid in [
            "docs/convolution-pooling.md::ligne 12",
            "docs/vgg16.md::ligne 113",
            "tests/test_browser.py::test_the_page_loads_without_error[vgg16]",
            "tests/test_browser.py::test_the_prose_is_spelled_in_french",
            "tests/test_pdf.py::test_every_page_has_its_number",
        ]
    }
    assert list(scopes.values()) == ["pages"] * 2 + ["tests/test_browser.py"] * 2 + [
        "tests/test_pdf.py"
    ]
