"""Le site à ouvrir sans serveur (`make offline`) : dist/tp-module-2-cnn-hors-ligne.zip.

python scripts/build_offline.py
"""

import sys

from tp_cnn.exports.offline import main

if __name__ == "__main__":
    sys.exit(main())
