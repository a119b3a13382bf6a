import pytest

from tp_cnn.pages import PageError, course_pages, find_page, load_page

PAGE = """
# Titre

```python
x = 1
```

??? tf "Solution"

    ```python
    print(x + 1)
    ```

    ![Une figure](figures/page/one.png)

```text
pas du Python
```
"""


def test_blocks_inside_admonitions_are_read_with_their_page_lines(write_page):
    page = load_page(write_page(PAGE))
    assert [block.code for block in page.blocks] == ["x = 1\n", "print(x + 1)\n"]
    assert [block.lineno for block in page.blocks] == [3, 9]


def test_figure_links_are_read_with_their_lines(write_page):
    page = load_page(write_page(PAGE))
    assert [(ref.lineno, ref.path) for ref in page.figures] == [(13, "figures/page/one.png")]


def test_an_unclosed_block_is_reported_in_french(write_page):
    with pytest.raises(PageError, match="refermé"):
        load_page(write_page("```python\nx = 1\n"))


def test_the_course_pages_are_those_with_python_code(write_page, tmp_path):
    write_page(PAGE, "b.md")
    write_page("# Accueil\n\nSans code.\n", "a.md")
    assert [page.name for page in course_pages(tmp_path / "docs")] == ["b"]


def test_an_unknown_page_name_lists_the_known_ones(write_page, tmp_path):
    write_page(PAGE, "convolution.md")
    with pytest.raises(PageError, match=r"« vgg »\..*convolution"):
        find_page("vgg", tmp_path / "docs")


def test_the_real_site_has_the_first_page():
    assert "convolution-pooling" in [page.name for page in course_pages()]
