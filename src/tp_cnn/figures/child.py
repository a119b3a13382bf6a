"""One page run in this process: the child that the figure script starts for each page
(`python -m tp_cnn.figures PAGE MODE DOCS WORKDIR STATUS [--force] [--progress=FILE]`,
see `cli.run_page`): an internal command line, not for people."""

from __future__ import annotations

import json
from pathlib import Path

from tp_cnn.figures import estimate
from tp_cnn.figures.generate import KeptRun, generate
from tp_cnn.figures.widget_data import WidgetError
from tp_cnn.outputs import WriteError
from tp_cnn.reading.pages import PageError, load_page
from tp_cnn.running import harness
from tp_cnn.running.executor import describe_failure, failed_line


def main(argv: list[str]) -> int:
    """One page, in this process.

    Writes to STATUS a JSON report for the figure script: the figures written (or, with
    `kept`, why nothing was), or the line and the error of the failure. With `--force`, a
    more complete run may be replaced; with `--progress=FILE`, the line of each block that
    starts is written to FILE. Exit code 0 (written or kept), 1 (page failed), 3 (write
    error), 130 (interrupted).
    """
    path, mode, docs, workdir, status, *options = argv
    force = "--force" in options
    progress = next((o.removeprefix("--progress=") for o in options
                     if o.startswith("--progress=")), None)  # fmt: skip
    try:
        page = load_page(Path(path))
        harness.quiet_tensorflow()
        if mode == "estimate":
            report, code = {"ok": True, **estimate.run_page(page, Path(workdir))}, 0
        else:
            written = generate(page, mode, Path(workdir), Path(docs), echo=mode != "fast",
                               force=force, progress=progress)  # fmt: skip
            report, code = {"ok": True, "figures": len(written)}, 0
    except KeptRun as kept:
        report, code = {"ok": True, "figures": 0, "kept": str(kept)}, 0
    except KeyboardInterrupt:
        report, code = {"ok": False, "message": "interrompu"}, 130
    except WriteError as error:
        report, code = {"ok": False, "write_error": True, "message": str(error)}, 3
    except (PageError, WidgetError) as error:
        report, code = {"ok": False, "message": str(error), "error": type(error).__name__}, 1
    except Exception as error:
        report = {
            "ok": False,
            "message": describe_failure(page, error),
            "line": failed_line(page, error),
            "error": type(error).__name__,
        }
        code = 1
    Path(status).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return code

