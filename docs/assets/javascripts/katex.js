// Typeset the math written with pymdownx.arithmatex (generic mode), on every page load,
// instant navigation included.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    throwOnError: false,
  });
  // The notebooks rendered by mkdocs-jupyter keep Jupyter's $…$ and $$…$$.
  body.querySelectorAll(".jupyter-wrapper .jp-MarkdownOutput").forEach((cell) => {
    renderMathInElement(cell, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
      ],
      throwOnError: false,
    });
  });
});
