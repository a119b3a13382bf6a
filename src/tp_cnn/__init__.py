"""Outils du site « TP Module 2 : les réseaux de neurones convolutifs ».

The package, from the bottom layer up (a module imports only from its own layer or the
ones below it; every `__init__.py` is empty of imports):

- `paths`, `outputs`: where things are; files written whole or not at all;
- `reading`: a page read as MkDocs reads it (segments, marks, widget lines, navigation);
  standard library only;
- `course`: the course's rules (site configuration, solutions and numbering, French
  typography and numbers);
- `running`: a page run in a mode (harness, workload, stand-ins, executor, step timing);
- `exports`: what is made from the pages (notebooks, site variants, PDF, offline pack);
- `figures`: the figure script (command line, one page per child process, manifest,
  results, cache key, merge, estimate report);
- `website`: the one MkDocs plugin (`tp-cnn` in mkdocs.yml);
- `pytest_plugin`: every block of every page as a test.
"""
