"""Outils du site « TP Module 2 : les réseaux de neurones convolutifs ».

- `pages`     : LE lecteur d'une page (segments : texte, blocs, marques, figures, encadrés) ;
- `marks`     : les marques acceptées avant un bloc ;
- `harness`, `standins` : l'exécution d'une page en mode complet ou rapide ;
- `executor`  : exécute les blocs d'une page dans un même espace de noms ;
- `cli`, `figures` : le script des figures (une page par processus) ;
- `manifest`, `outputs`, `merge` : la provenance des figures, écrite en entier ou pas du tout ;
- `results`, `notebooks`, `site_hooks`, `pytest_plugin` : résultats, Colab, site, tests.
"""
