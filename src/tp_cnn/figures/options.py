"""The figure script's options (`make figures ARGS="…"`), checked before anything runs,
and refused in French; `FrenchParser` also serves scripts/merge_figures.py.
Standard library only (`--list` runs on a bare Python).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from tp_cnn.paths import DOCS
from tp_cnn.running.modes import RECORDED


class FrenchParser(argparse.ArgumentParser):
    def error(self, message: str):
        message = message.replace("unrecognized arguments", "option(s) inconnue(s)")
        message = message.replace("the following arguments are required: ", "il manque : ")
        message = message.replace("expected one argument", "une valeur est attendue")
        message = message.replace("argument ", "option ").replace("invalid choice", "choix inconnu")
        message = message.replace("choose from", "valeurs possibles :")
        self.exit(2, f"Erreur : {message}\n{self.format_usage()}")


def _not_empty(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("valeur vide")
    return value


def _docs(value: str) -> Path:
    path = Path(_not_empty(value))
    if not path.is_dir() or not any(path.glob("*.md")):
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un dossier de pages (.md)")
    return path.resolve()


def _minutes(value: str) -> float:
    try:
        minutes = float(value)
    except ValueError:
        minutes = 0
    if not math.isfinite(minutes) or minutes <= 0:
        raise argparse.ArgumentTypeError(f"« {value} » : un nombre de minutes positif (et fini)")
    return minutes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = FrenchParser(
        prog="generate_figures.py",
        description="Exécute les pages du cours et régénère leurs figures et leurs résultats.",
    )
    add = parser.add_argument
    add(
        "--page", type=_not_empty, help="nom d'une page (ex. convolution-pooling) ; défaut : toutes"
    )
    add(
        "--mode",
        choices=RECORDED,
        default="full",
        help="full : pages telles qu'écrites ; mixed : données réelles présentes sur cette "
        "machine à pleine charge, substituts réduits ailleurs ; fast : tout réduit",
    )
    add(
        "--estimate",
        action="store_true",
        help="estimer la durée d'une exécution complète, sans rien écrire dans docs/",
    )
    add("--force", action="store_true",
        help="relancer aussi les pages à jour, et remplacer une exécution plus complète")
    add("--docs", type=_docs, default=DOCS, help="dossier des pages (docs/ du dépôt par défaut)")
    add("--timeout", type=_minutes, default=240, help="minutes au plus par page (240)")
    add("--list", action="store_true", help="afficher le nom des pages, dans l'ordre, et quitter")
    return parser.parse_args(argv)


def rerun_command(args: argparse.Namespace, page: str) -> str:
    """The command that runs this page again with the same options."""
    options = [f"--page {page}", f"--mode {args.mode}"]
    if args.docs != DOCS:
        options.append(f"--docs {args.docs}")
    if args.force:
        options.append("--force")
    return f'make figures ARGS="{" ".join(options)}"'
