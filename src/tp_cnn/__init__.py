"""Outils du site « TP Module 2 : les réseaux de neurones convolutifs ».

- `pages`     : lit les pages Markdown (blocs Python, figures déclarées) ;
- `harness`   : prépare l'exécution d'une page (mode complet ou rapide) ;
- `executor`  : exécute les blocs d'une page dans un même espace de noms ;
- `figures`   : écrit les figures d'une page et leur provenance ;
- `pytest_plugin` : fait de chaque bloc d'une page un test pytest.
"""
