"""The site to open from disk (`make offline`): dist/tp-module-2-cnn-hors-ligne.zip.

Built with Material's offline plugin (OFFLINE=true, see `builds`): pages as .html files,
the search index in a script, the search's Web Worker run through the iframe-worker shim
served by the site itself; no server and no other host is needed. Unzipped, the folder
tp-module-2-cnn-hors-ligne/ opens with its index.html.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from pathlib import Path

from tp_cnn.course.typography import french
from tp_cnn.exports.builds import BuildError, build_site
from tp_cnn.outputs import written_whole
from tp_cnn.paths import ROOT

NAME = "tp-module-2-cnn-hors-ligne"
ZIP = ROOT / "dist" / f"{NAME}.zip"


def pack(site: Path, out: Path = ZIP) -> Path:
    """Zip the built site `site` into `out`, under a folder NAME/, in one step."""
    with written_whole(out) as temporary, zipfile.ZipFile(temporary, "w") as archive:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                archive.write(
                    path, f"{NAME}/{path.relative_to(site).as_posix()}", zipfile.ZIP_DEFLATED
                )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make offline",
        description=french(
            "Construit le site à ouvrir sans serveur (file://) et le range dans "
            f"{ZIP.relative_to(ROOT)} : décompressez, puis ouvrez {NAME}/index.html."
        ),
    )
    parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        try:
            build_site(Path(folder), offline=True)
        except BuildError as error:
            print(french(str(error)), file=sys.stderr)
            return 1
        pack(Path(folder))
    where = ZIP.relative_to(ROOT)
    print(french(f"Site hors ligne : {where} (décompressez-le, puis ouvrez {NAME}/index.html)."))
    return 0
