"""Rassemble les figures et résultats de pages exécutées sur plusieurs machines.

python scripts/merge_figures.py DOSSIER   # DOSSIER/figures-<page>/ : manifest.json et figures
"""

import sys
from pathlib import Path

from tp_cnn.figures.manifest import ManifestError
from tp_cnn.figures.merge import merge
from tp_cnn.outputs import WriteError

if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        sys.exit("Usage : python scripts/merge_figures.py DOSSIER (les artefacts figures-<page>)")
    try:
        merged = merge(Path(sys.argv[1]))
    except (ManifestError, WriteError, OSError) as error:
        sys.exit(f"Erreur : {error}")
    print(f"Pages rassemblées : {', '.join(merged) or 'aucune'}")
    sys.exit(0 if merged else 1)
