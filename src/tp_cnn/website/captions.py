"""What the site says of where a figure, a widget's data, an output or a result comes from.

- `caption`: the provenance line under a figure (mode, data, epochs, device, date), and a
  visible warning when it comes from stand-in data or a shortened training, or from a
  previous version of the page's code;
- `output_lines`: what a block printed in the committed run, under the block;
- `results_table`: the TP's runs as a Markdown table, real results first.

Every value read from the manifest is escaped where it enters HTML (the manifest is a
generated file: it is validated, never trusted as markup).
"""

from __future__ import annotations

import re
from html import escape

from tp_cnn.course.numbers import number, percent
from tp_cnn.figures import manifest
from tp_cnn.figures.results import COLUMNS
from tp_cnn.reading.navigation import reading_order
from tp_cnn.running.modes import WORDS, shortened

_DATA = {"real": "données réelles", "stand-in": "données de substitution"}
FOLDED_FROM = 12  # lines: a longer recorded output is folded


def _warnings(data: str, mode: str, epochs: int | None) -> list[str]:
    found = []
    if data != "real":
        found.append("tracée avec des données de substitution")
    if epochs and shortened(mode, data):
        found.append("après un entraînement raccourci (quelques pas seulement)")
    return found


def describe(mode: str, data: str) -> str:
    """« exécution complète » or « exécution rapide (calcul réduit) », for what was run."""
    if shortened(mode, data):
        return f"exécution {WORDS['fast']} (calcul réduit)"
    return f"exécution {WORDS['full']}"


def caption(
    figure: manifest.FigureRecord,
    page: manifest.PageRecord,
    what="Figure produite",
    stale: str | None = None,
) -> str:
    """The provenance line of a figure (or of a widget's data, or of an output), its
    warning when it is not a real result, and when the page's code changed since (`stale`:
    the command that makes it again) a warning that says so."""
    parts = [f"{what} par le code ci-dessus", describe(page.mode, figure.data), _DATA[figure.data]]
    if figure.epochs:
        parts.append(f"{figure.epochs} époque(s)")
    parts.append(page.device)
    if page.tensorflow:
        parts.append(f"TensorFlow {page.tensorflow}")
    parts.append(page.date[:10])
    text = f'<span class="figure-provenance">{escape(" · ".join(parts))}</span>'
    if found := _warnings(figure.data, page.mode, figure.epochs):
        text += (
            '<span class="figure-provenance figure-stand-in">Attention : figure '
            f"{' et '.join(found)} ; elle ne montre pas un résultat réel.</span>"
        )
    if stale:
        text += (
            '<span class="figure-provenance figure-stale">⚠ Produite par une version '
            f"précédente du code : relancez <code>{escape(stale)}</code>.</span>"
        )
    return text


def rerun_command(page: str, mode: str) -> str:
    """The command that runs a page again in the mode of its committed run."""
    return f'make figures ARGS="--page {page}' + ("" if mode == "full" else f" --mode {mode}") + '"'



def results_table(records: manifest.Manifest, nav: list[str]) -> str:
    """The TP's runs as a Markdown table: real results first, then in reading order; each
    with its dataset, its number of classes and the accuracy of a random guess."""
    if not records.runs:
        return "*Aucun résultat enregistré pour l'instant.*"

    def flagged(run: manifest.RunRecord) -> bool:
        return bool(_warnings(run.data, records.pages[run.page].mode, run.epochs))

    headers = {code: header for header, code in COLUMNS.items()}
    names = ["Modèle", headers["dataset"], headers["classes"], "Hasard", headers["loss"],
             headers["accuracy"], headers["top5"], headers["epochs"], "Durée", "Appareil"]
    rows = [f"| {' | '.join(names)} |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: | --- |"]  # fmt: skip
    order = sorted(
        records.runs.items(),
        key=lambda item: (flagged(item[1]), reading_order(f"{item[1].page}.md", nav)),
    )
    for name, run in order:
        mark = " ⚠" if flagged(run) else ""
        loss = "—" if run.loss is None else number(run.loss, 3)
        chance = percent(1 / run.classes) if run.classes else "—"
        cells = [f"[`{escape(name)}`]({run.page}.md){mark}", escape(run.dataset or "—"),
                 str(run.classes or "—"), chance, loss, percent(run.accuracy),
                 percent(run.top5), str(run.epochs or "—"), f"{number(run.train_seconds)} s",
                 escape(records.pages[run.page].device)]  # fmt: skip
        rows.append(f"| {' | '.join(cells)} |")
    if any(flagged(run) for run in records.runs.values()):
        rows += [
            "",
            '!!! warning "Ces nombres ne sont pas des résultats réels"',
            "",
            "    Les lignes marquées ⚠ viennent d'un entraînement raccourci ou de données de "
            "substitution : elles ne disent rien de ce que le modèle apprend. Exécutez le "
            "notebook de la page dans Google Colab pour obtenir les vrais nombres.",
        ]
    return "\n".join(rows)


def output_lines(
    output: manifest.OutputRecord, page: manifest.PageRecord, indent: str, stale: str | None
) -> list[str]:
    """What a block printed in the committed run, as an admonition under the block: its
    provenance in a figure's words, then the text; folded when long."""
    lines = output.text.split("\n")
    ticks = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", output.text)), default=0))
    marker = "???" if len(lines) > FOLDED_FROM else "!!!"
    inside = indent + "    "
    return [
        "",
        f'{indent}{marker} output "Sortie de l\'exécution"',
        "",
        inside + caption(output, page, "Sortie produite", stale),
        "",
        f"{inside}{ticks}text",
        *(f"{inside}{line}" if line else "" for line in lines),
        f"{inside}{ticks}",
        "",
    ]
