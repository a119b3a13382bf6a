"""Rassemble les figures et résultats de pages exécutées sur plusieurs machines.

python scripts/merge_figures.py DOSSIER   # DOSSIER/figures-<page>/ : manifest.json et figures
python scripts/merge_figures.py --force DOSSIER   # remplace aussi une exécution plus complète
"""

import argparse
import sys
from pathlib import Path

from tp_cnn.figures.manifest import ManifestError
from tp_cnn.figures.merge import MergeError, merge
from tp_cnn.figures.options import FrenchParser
from tp_cnn.outputs import WriteError
from tp_cnn.reading.pages import PageError


def _folder(value: str) -> Path:
    if not value.strip() or not Path(value).is_dir():
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un dossier (les artefacts)")
    return Path(value)


if __name__ == "__main__":
    parser = FrenchParser(
        prog="merge_figures.py",
        description="Rassemble dans docs/ les artefacts figures-<page> des pages exécutées "
        "sur d'autres machines.",
    )
    parser.add_argument("parts", metavar="DOSSIER", type=_folder,
                        help="dossier des artefacts figures-<page>")  # fmt: skip
    parser.add_argument(
        "--force",
        action="store_true",
        help="remplacer aussi une exécution plus complète et à jour par une moins complète",
    )
    args = parser.parse_args()
    try:
        merged = merge(args.parts, force=args.force)
    except (MergeError, ManifestError, PageError, WriteError, OSError) as error:
        sys.exit(f"Erreur : {error}")
    print(f"Pages rassemblées : {', '.join(merged) or 'aucune'}")
    sys.exit(0 if merged else 1)
