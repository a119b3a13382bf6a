"""Le TP en un seul PDF, imprimé par Chromium depuis le site construit (`make pdf`).

python scripts/build_pdf.py              # site/pdf/tp-module-2-cnn.pdf (solutions selon mkdocs.yml)
python scripts/build_pdf.py --solutions  # site/pdf/tp-module-2-cnn-enseignant.pdf (toutes dépliées)
"""

import sys

from tp_cnn.exports.pdf_command import main

if __name__ == "__main__":
    sys.exit(main())
