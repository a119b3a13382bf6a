"""Mesure le script des figures : mode rapide complet, puis avec le cache, puis l'estimation.

python scripts/benchmark_figures.py [--runs 3]

Le script tourne sur une copie de docs/ : les figures du dépôt ne sont pas modifiées.
Objectifs (tickets des figures) : moins de 3 minutes pour tout régénérer sur 2 cœurs,
moins de 10 secondes quand rien n'a changé, moins de 2 minutes pour l'estimation
(`--estimate`). Affiche la médiane de chaque série, et la mémoire maximale d'une page
(le processus le plus gros, page par page : `resource.RUSAGE_CHILDREN`).
"""

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "generate_figures.py"


def timed(docs: Path, *options: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(SCRIPT), "--docs", str(docs), *options],
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
        fast = ("--mode", "fast")
        series = {
            "tout régénérer (--force)": [timed(docs, *fast, "--force") for _ in range(runs)],
            "rien n'a changé (cache)": [timed(docs, *fast) for _ in range(runs)],
            "estimation (--estimate)": [timed(docs, "--estimate") for _ in range(runs)],
        }
    for name, seconds in series.items():
        detail = ", ".join(f"{s:.1f}" for s in seconds)
        print(f"{name:28} médiane {statistics.median(seconds):6.1f} s  ({detail})")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2  # kB on Linux
    print(f"{'mémoire max d'une page':28} {peak:.2f} Go".replace(".", ","))


if __name__ == "__main__":
    main()
