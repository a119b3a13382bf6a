"""The site's plugin on hand-built manifests: captions, results table, and refusals."""

import hashlib
import shutil
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError
from site_plugin import course_plugin, render

from tp_cnn.exports.builds import BuildError, build_site
from tp_cnn.figures.manifest import FigureRecord, Manifest, PageRecord, RunRecord
from tp_cnn.paths import ROOT
from tp_cnn.website.captions import caption, results_table

FULL = PageRecord("k", "full", "NVIDIA H100", "2.21.0", "2026-11-29T10:00:00+00:00", 60.0)
FAST = PageRecord("k", "fast", "CPU", "2.21.0", "2026-11-28T10:00:00+00:00", 6.0)


def test_a_real_full_run_has_a_caption_and_no_warning():
    text = caption(FigureRecord("p", 3, "h", "real", 20), FULL)
    assert "exécution complète · données réelles · 20 époque(s) · NVIDIA H100" in text
    assert "2026-11-29" in text and "TensorFlow 2.21.0" in text
    assert "résultat réel" not in text


@pytest.mark.parametrize(
    ("figure", "page", "warning"),
    [
        (FigureRecord("p", 3, "h", "stand-in", None), FULL, "données de substitution"),
        (FigureRecord("p", 3, "h", "real", 2), FAST, "entraînement raccourci"),
        (FigureRecord("p", 3, "h", "stand-in", 2), FAST, "substitution et après"),
    ],
)
def test_a_figure_that_is_not_a_real_result_says_so(figure, page, warning):
    text = caption(figure, page)
    assert warning in text and "elle ne montre pas un résultat réel" in text


def test_a_fast_figure_without_training_is_not_flagged():
    text = caption(FigureRecord("p", 3, "h", "real", None), FAST)
    assert "exécution rapide" in text and "résultat réel" not in text


NAV = ["index.md", "cnn-cifar10.md", "transfert-apprentissage.md"]
MIXED = PageRecord("k", "mixed", "CPU", "2.21.0", "2026-11-29T10:00:00+00:00", 3600.0)


def test_a_mixed_run_is_complete_on_real_data_and_cut_on_stand_ins():
    real = caption(FigureRecord("p", 3, "h", "real", 20), MIXED)
    assert "exécution complète · données réelles · 20 époque(s)" in real
    assert "résultat réel" not in real
    stand_in = caption(FigureRecord("p", 9, "h", "stand-in", 2), MIXED)
    assert "exécution rapide" in stand_in and "substitution et après un entraînement" in stand_in
    records = Manifest(
        {"p": MIXED},
        {},
        {
            "cut": RunRecord("p", "CIFAR-10", 10, 2.3, 0.1, None, 2, 5.0, "stand-in"),
            "modelA": RunRecord("p", "CIFAR-10", 10, 0.25, 0.91, None, 20, 900.0, "real"),
        },
    )
    rows = [line for line in results_table(records, NAV).splitlines() if "| [" in line]
    assert rows[0].startswith("| [`modelA`](p.md) | CIFAR-10 | 10 | 10,0\u202f% | 0,250")
    assert rows[1].startswith("| [`cut`](p.md) ⚠")


def test_the_results_table_puts_real_runs_first_and_warns_about_the_others():
    records = Manifest(
        {"cnn-cifar10": FAST, "transfert-apprentissage": FULL},
        {},
        {
            "basic_cnn": RunRecord(
                "cnn-cifar10", "CIFAR-10", 10, 2.3, 0.1, None, 2, 5.0, "stand-in"
            ),
            "modelA": RunRecord(
                "transfert-apprentissage", "Fashion-MNIST, tâche A", 8, 0.25, 0.91, None, 20,
                900.0, "real"
            ),
        },
    )
    table = results_table(records, NAV)
    rows = [line for line in table.splitlines() if line.startswith("| [")]
    assert rows[0].startswith(
        "| [`modelA`](transfert-apprentissage.md) | Fashion-MNIST, tâche A | 8 | 12,5\u202f% "
        "| 0,250 | 91,0\u202f%"
    )
    assert "| 20 | 900 s | NVIDIA H100 |" in rows[0]
    assert rows[1].startswith("| [`basic_cnn`](cnn-cifar10.md) ⚠ |")
    assert "ne sont pas des résultats réels" in table


def test_only_real_runs_need_no_warning():
    run = RunRecord("p", "CIFAR-10", 10, 0.3, 0.9, 0.99, 20, 10.0, "real")
    records = Manifest({"p": FULL}, {}, {"m": run})
    assert "⚠" not in results_table(records, NAV)
    assert "99,0\u202f%" in results_table(records, NAV)


FIGURE = FigureRecord("page", 1, "h", "stand-in", 2)


def _render(tmp_path, text: str, records: Manifest) -> list[str]:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return render(course_plugin(tmp_path, records), path)[0].splitlines()


@pytest.mark.parametrize(
    "link",
    [
        "![Une courbe](figures/page/a.svg)",
        '![Une courbe](figures/page/a.svg "Un titre")',
        '![Une courbe](figures/page/a.svg){ width="300" }',
        '    ![Une courbe](figures/page/a.svg "Titre"){ loading=lazy }',
    ],
)
def test_the_caption_follows_any_form_of_figure_link(tmp_path, link):
    records = Manifest({"page": FAST}, {"figures/page/a.svg": FIGURE})
    text = f'??? info "Encadré"\n\n    Texte.\n\n{link}\n' if link.startswith(" ") else f"{link}\n"
    out = _render(tmp_path, text, records)
    position = out.index(link)
    assert "Figure produite par le code ci-dessus" in out[position + 1]
    assert out[position + 1].startswith(link[: len(link) - len(link.lstrip())] + "<span")


def test_a_figure_without_provenance_stops_the_build(tmp_path):
    with pytest.raises(PluginError, match="ligne 1 : la figure figures/page/a.png n'a pas de"):
        _render(tmp_path, "![a](figures/page/a.png)\n", Manifest({"page": FAST}, {}))


def test_a_malformed_solution_stops_the_build(tmp_path):
    text = 'Texte\n\n  ??? tf "TensorFlow"\n\n      ```python\n      x = 1\n      ```\n'
    with pytest.raises(PluginError, match=r"page.md, ligne 3 : encadré « \?\?\? tf » indenté"):
        _render(tmp_path, text, Manifest())


@pytest.mark.parametrize("content", [None, "{}", '{"pages": [], "figures": {}, "runs": {}}'])
def test_a_missing_or_malformed_manifest_stops_the_build(tmp_path, content):
    (tmp_path / "figures").mkdir()
    if content is not None:
        (tmp_path / "figures" / "manifest.json").write_text(content, encoding="utf-8")
    with pytest.raises(PluginError, match="Construction arrêtée : .*manifest.json"):
        course_plugin(tmp_path, Manifest()).on_pre_build({"docs_dir": str(tmp_path)})


def _copy_of_the_site(tmp_path) -> Path:
    """A copy of the site's sources (its notebooks aside): its mkdocs.yml."""
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("notebooks"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    config = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    config = config[: config.index("  - Notebooks:")] + config[config.index("\ntheme:") :]
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp_path / "mkdocs.yml"


def test_mkdocs_build_strict_fails_in_french_without_the_manifest(tmp_path):
    """The real command, on a copy of the site whose manifest is missing."""
    config = _copy_of_the_site(tmp_path)
    (tmp_path / "docs/figures/manifest.json").unlink()
    with pytest.raises(BuildError) as error:
        build_site(tmp_path / "site", config=config)
    assert "Construction arrêtée" in str(error.value)
    assert "manifest.json est absent" in str(error.value)


def test_the_offline_pack_and_the_pdf_build_as_strictly_as_the_site(tmp_path):
    """`make offline` and `make pdf` build through `build_site`: a missing figure (a mere
    warning for MkDocs) stops them, as it stops `mkdocs build --strict`."""
    config = _copy_of_the_site(tmp_path)
    (tmp_path / "docs/figures/convolution-pooling/grayscale.png").unlink()
    with pytest.raises(BuildError, match="grayscale.png"):
        build_site(tmp_path / "site", offline=True, solutions="hidden", config=config)


def _stale_page(tmp_path) -> tuple[Path, Manifest]:
    """A page whose committed run was made by another version of its code."""
    path = tmp_path / "page.md"
    path.write_text("```python\nx = 1\n```\n\n![a](figures/page/a.png)\n", encoding="utf-8")
    from tp_cnn.figures.key import page_key
    from tp_cnn.reading.pages import load_page

    key = page_key(load_page(path), "full")
    path.write_text(path.read_text().replace("x = 1", "x = 2"), encoding="utf-8")
    record = PageRecord(key, "full", "CPU", "2.21.0", "2026-11-29T10:00:00+00:00", 1.0)
    figure = FigureRecord("page", 1, "h", "real", None)
    return path, Manifest({"page": record}, {"figures/page/a.png": figure})


@pytest.mark.parametrize("command", ["build", "serve"])
def test_a_stale_figure_says_so_and_stops_a_strict_build(tmp_path, caplog, command):
    path, records = _stale_page(tmp_path)
    plugin = course_plugin(tmp_path, records)
    plugin.on_startup(command=command, dirty=False)
    with caplog.at_level("INFO", logger="mkdocs.plugins.tp-cnn"):
        markdown, _ = render(plugin, path)
    assert "version précédente du code" in markdown
    assert 'relancez <code>make figures ARGS=&quot;--page page&quot;</code>' in markdown
    (message,) = [r for r in caplog.records if "son code a changé" in r.getMessage()]
    # A warning fails `mkdocs build --strict`; `make serve` shows the figure and says it.
    assert message.levelname == ("WARNING" if command == "build" else "INFO")


def test_a_current_figure_is_not_stale(tmp_path, caplog):
    path, records = _stale_page(tmp_path)
    path.write_text(path.read_text().replace("x = 2", "x = 1"), encoding="utf-8")
    with caplog.at_level("INFO", logger="mkdocs.plugins.tp-cnn"):
        markdown, _ = render(course_plugin(tmp_path, records), path)
    assert "version précédente" not in markdown and not caplog.records


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def _page_with_output(tmp_path, text: str, lines: int = 3, data: str = "real") -> list[str]:
    from tp_cnn.figures.manifest import OutputRecord

    printed = "\n".join(f"Epoch {n}/{lines} - loss: 0.5" for n in range(1, lines + 1))
    output = OutputRecord("page", 3, _digest("print(1)\n"), data, 2, printed)
    records = Manifest({"page": FULL}, {}, {}, {"page:3": output})
    return _render(tmp_path, text, records)


def test_an_output_follows_its_block_when_lines_are_added_above_it(tmp_path):
    """The run recorded the block at line 3; a paragraph written since moved it to line 5."""
    out = _page_with_output(tmp_path, "# T\n\nNouveau.\n\n```python\nprint(1)\n```\n")
    assert out[out.index("```", 5) + 2] == '!!! output "Sortie de l\'exécution"'
    changed = _page_with_output(tmp_path, "# T\n\n```python\nprint(2)\n```\n")
    assert not any("Sortie" in line for line in changed)  # another code: not its output


def test_what_a_block_printed_is_shown_under_it_with_its_provenance(tmp_path):
    out = _page_with_output(tmp_path, "# Titre\n\n```python\nprint(1)\n```\n\nSuite.\n")
    start = out.index("```", 3)  # the block's closing fence
    assert out[start + 2] == '!!! output "Sortie de l\'exécution"'
    assert "Sortie produite par le code ci-dessus · exécution complète" in out[start + 4]
    assert out[start + 6 : start + 10] == [
        "    ```text", "    Epoch 1/3 - loss: 0.5", "    Epoch 2/3 - loss: 0.5",
        "    Epoch 3/3 - loss: 0.5",
    ]  # fmt: skip
    assert out[-1] == "Suite."


def test_a_long_output_is_folded_and_a_stand_in_one_says_so(tmp_path):
    out = _page_with_output(tmp_path, "# T\n\n```python\nprint(1)\n```\n", 20, "stand-in")
    assert '??? output "Sortie de l\'exécution"' in out
    assert any("ne montre pas un résultat réel" in line for line in out)


def test_an_output_inside_a_hidden_solution_is_hidden_with_it(tmp_path):
    from tp_cnn.figures.manifest import OutputRecord

    text = '# T\n\n??? tf "TensorFlow"\n\n    ```python\n    print("secret")\n    ```\n'
    records = Manifest({"page": FULL}, {}, {}, {"page:5": OutputRecord(
        "page", 5, _digest('print("secret")\n'), "real", None, "secret")})  # fmt: skip
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    plugin = course_plugin(tmp_path, records, extra={"solutions": "hidden"})
    markdown = render(plugin, path)[0]
    assert "secret" not in markdown and "Sortie" not in markdown
    shown = render(course_plugin(tmp_path, records), path)[0]
    assert '    !!! output "Sortie de l\'exécution"' in shown and "    secret" in shown


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("solutions_after: 2026-13-45", ["en-tête YAML illisible", "date réelle"]),
        ('title: "non fermé', ["page.md, ligne", "en-tête YAML illisible"]),
        ("- solutions\n- hidden", ["page.md, ligne 2", "« clé: valeur »"]),
        ("solutions: no", ["solutions vaut « False »"]),
        ("solutions: false", ["solutions vaut « False »"]),
        ("solutions:", ["solutions vaut « None »"]),
        ("solutions: cachées", ["solutions vaut « cachées »"]),
    ],
)
def test_a_front_matter_that_mkdocs_would_drop_or_misread_stops_the_build(
    tmp_path, header, words
):
    """MkDocs renders a front matter it cannot parse as text, and the page's policy with
    it: the plugin reads it itself and refuses it, with the file and what to do."""
    text = f"---\n{header}\n---\n\n# Titre\n\n??? tf \"S\"\n\n    secret\n"
    with pytest.raises(PluginError) as error:
        _render(tmp_path, text, Manifest())
    for word in words:
        assert word in str(error.value)


def test_generated_text_is_escaped_where_it_enters_html(tmp_path):
    device = '<img src=x onerror="alert(1)">'
    page = PageRecord("k", "full", device, "2.21.0", "2026-11-29T10:00:00+00:00", 1.0)
    records = Manifest({"page": page}, {"figures/page/a.png": FIGURE})
    line = next(line for line in _render(tmp_path, "![a](figures/page/a.png)\n", records)
                if "figure-provenance" in line)  # fmt: skip
    assert "<img" not in line and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in line
    run = RunRecord("page", "<b>CIFAR</b>", 10, 0.3, 0.9, None, 2, 1.0, "real")
    table = results_table(Manifest({"page": page}, {}, {"<i>m</i>": run}), NAV)
    assert "<b>" not in table and "<i>" not in table and "<img" not in table
QUIZ_PAGE = """# Une page

## Testez-vous

```quiz
? Que vaut `a < b` dans <script>alert("x")</script> ?
= *Vrai* & juste | Car **a** < b.
- Faux | « Non » : a est plus petit.

?? Lesquelles ?
= une | oui
= deux | oui aussi
- trois | non

? Combien ?
~ 0,5 ± 0.01 | La moitié.
```
"""


def _quiz(tmp_path, extra: dict | None = None) -> tuple[str, str]:
    path = tmp_path / "page.md"
    path.write_text(QUIZ_PAGE, encoding="utf-8")
    return render(course_plugin(tmp_path, Manifest(), extra), path)


def test_a_quiz_becomes_one_element_with_its_questions_escaped(tmp_path):
    from built_site import PageHTML

    markdown, content = _quiz(tmp_path)
    assert "```quiz" not in markdown and "? Combien" not in markdown
    (line,) = [line for line in markdown.splitlines() if "data-quiz" in line]
    elements = PageHTML(f'<article class="md-content__inner">{line}</article>').elements
    quizzes = [attrs for tag, attrs in elements if "data-quiz" in attrs]
    assert [attrs["data-quiz"] for attrs in quizzes] == ["page"]
    questions = [attrs for _, attrs in elements if "data-quiz-question" in attrs]
    assert [q["data-quiz-question"] for q in questions] == ["single", "multiple", "number"]
    assert (questions[2]["data-value"], questions[2]["data-tolerance"]) == ("0.5", "0.01")
    choices = [attrs["data-right"] for _, attrs in elements if "data-quiz-choice" in attrs]
    assert choices == ["true", "false", "true", "true", "false"]
    # Text is escaped; only code, italics and bold become HTML.
    assert "<script>" not in line and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in line
    assert "<code>a &lt; b</code>" in line and "<em>Vrai</em> &amp; juste" in line
    assert "Car <strong>a</strong> &lt; b." in line
    # The answers, at the end: the right choices with their letters, the number.
    answers = line[line.index('class="quiz__answers'):]
    assert "Réponses :" in answers and "a) <em>Vrai</em> &amp; juste — Car" in answers
    assert "a) une — oui</p><p>b) deux — oui aussi" in answers
    assert "0,5 (à 0,01 près) — La moitié." in answers
    # Its style and script, at the end of the content, from this site.
    assert content.endswith('<link rel="stylesheet" href="../assets/quiz/quiz.css">\n'
                            '<script src="../assets/quiz/quiz.js"></script>')


def test_the_instructors_copy_puts_each_answer_under_its_question(tmp_path):
    markdown, _ = _quiz(tmp_path, {"solutions": "shown"})
    (line,) = [line for line in markdown.splitlines() if "data-quiz" in line]
    assert 'class="quiz__answers quiz__static"' not in line
    questions = line.split('<li class="quiz__question"')[1:]
    assert len(questions) == 3
    assert all('class="quiz__answer quiz__static"' in question for question in questions)
    assert "Réponse :" in questions[2] and "0,5 (à 0,01 près)" in questions[2]


def test_hidden_solutions_keep_the_quiz_and_its_explanations(tmp_path):
    markdown, _ = _quiz(tmp_path, {"solutions": "hidden"})
    assert "Réponses :" in markdown and "La moitié." in markdown and "quiz__why" in markdown


def test_a_page_without_quiz_loads_no_quiz_asset(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("# Une page\n\nSans quiz.\n", encoding="utf-8")
    _, content = render(course_plugin(tmp_path, Manifest()), path)
    assert "quiz" not in content


def test_a_malformed_quiz_stops_the_build_with_its_line(tmp_path):
    with pytest.raises(PluginError, match=r"page.md, ligne 4 : .*n'a pas de bonne réponse"):
        _render(tmp_path, "# T\n\n```quiz\n? Q ?\n- a | non\n- b | non\n```\n", Manifest())
