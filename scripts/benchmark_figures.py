"""Mesure le script des figures en mode rapide : exécution complète, puis avec le cache.

python scripts/benchmark_figures.py [--runs 3]

Le script tourne sur une copie de docs/ : les figures du dépôt ne sont pas modifiées.
Objectifs (ticket des figures) : moins de 3 minutes pour tout régénérer sur 2 cœurs,
moins de 10 secondes quand rien n'a changé. Affiche la médiane de chaque série.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "generate_figures.py"


def timed(docs: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(SCRIPT), "--mode", "fast", "--docs", str(docs), *extra],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="mesures par série (3 par défaut)")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        shutil.copytree(ROOT / "docs", docs)
        series = {
            "tout régénérer (--force)": [timed(docs, "--force") for _ in range(runs)],
            "rien n'a changé (cache)": [timed(docs) for _ in range(runs)],
        }
    for name, seconds in series.items():
        detail = ", ".join(f"{s:.1f}" for s in seconds)
        print(f"{name:28} médiane {statistics.median(seconds):6.1f} s  ({detail})")


if __name__ == "__main__":
    main()
