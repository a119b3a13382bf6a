"""Régénère les figures du site en exécutant le code des pages (chacune dans son processus).

python scripts/generate_figures.py                 # toutes les pages, mode complet
python scripts/generate_figures.py --mode fast     # substituts et calcul réduit (CPU)
python scripts/generate_figures.py --page convolution-pooling
python scripts/generate_figures.py --list          # les pages, dans l'ordre (sans TensorFlow)
"""

import sys

from tp_cnn.figures.cli import main

if __name__ == "__main__":
    sys.exit(main())
