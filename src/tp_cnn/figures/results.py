"""The TP's comparison table: the runs that the pages record, and how long they trained.

The pages keep their comparison table in `resultats_tp.csv`, in their working directory
(index `run`, French columns for the students: `COLUMNS` maps them to the codes of the
records, in this one place), so that it grows from page to page. While the figure
script runs a page, it reads that file after each block: a row
that appears or changes is a run of this page, credited with the time spent in `fit`
since the previous such row.
"""

from __future__ import annotations

import math
from pathlib import Path

from tp_cnn.running.harness import RunInfo

RESULTS_CSV = "resultats_tp.csv"
COLUMNS = {"Données": "dataset", "Classes": "classes", "Perte": "loss", "Précision": "accuracy",
           "Top-5": "top5", "Époques": "epochs"}  # fmt: skip
COLUMN_OF = {key: column for column, key in COLUMNS.items()}


def read_table(workdir: Path) -> dict[str, dict]:
    """The rows of the pages' table: {run: {"loss": …, "accuracy": …, "top5": …, "epochs": …}}."""
    path = Path(workdir) / RESULTS_CSV
    if not path.exists():
        return {}
    import pandas as pd

    frame = pd.read_csv(path, index_col="run")
    return {
        str(run): {key: _number(row.get(column)) for column, key in COLUMNS.items()}
        for run, row in frame.iterrows()
    }


def write_table(workdir: Path, runs: dict) -> None:
    """Start a run with the rows recorded before (`manifest.RunRecord`s), as if the earlier
    pages had just run."""
    if not runs:
        return
    import pandas as pd

    frame = pd.DataFrame(
        [{column: getattr(runs[run], key) for column, key in COLUMNS.items()} for run in runs],
        index=pd.Index(list(runs), name="run"),
    )
    frame.to_csv(Path(workdir) / RESULTS_CSV)


def forget(workdir: Path, runs: list[str]) -> None:
    """Take rows out of the table, so that a page that records them again is seen doing it."""
    path = Path(workdir) / RESULTS_CSV
    if not runs or not path.exists():
        return
    import pandas as pd

    frame = pd.read_csv(path, index_col="run")
    frame.drop(index=[run for run in runs if run in frame.index]).to_csv(path)


def _number(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):  # the dataset's name
        return value
    value = round(float(value), 4)
    return int(value) if value.is_integer() else value


class RunTracker:
    """Watches the table while a page runs and collects the runs that the page records."""

    def __init__(self, workdir: Path, info: RunInfo):
        self.workdir, self.info = Path(workdir), info
        self.table = read_table(workdir)
        self.credited = 0.0  # fit time already given to a run
        self.runs: dict[str, dict] = {}

    def after_block(self) -> None:
        table = read_table(self.workdir)
        changed = [run for run, row in table.items() if self.table.get(run) != row]
        if changed:
            seconds = self.info.fit_seconds - self.credited
            self.credited = self.info.fit_seconds
            for run in changed:
                self.runs[run] = {
                    **table[run],
                    "train_seconds": round(seconds, 1),
                    "data": self.info.data,
                }
        self.table = table
