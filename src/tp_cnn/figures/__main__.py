"""`python -m tp_cnn.figures …`: one page run by the figure script's child (see `child`)."""

import sys

from tp_cnn.figures.child import main

sys.exit(main(sys.argv[1:]))
