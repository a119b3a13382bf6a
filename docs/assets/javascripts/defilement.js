// A block that scrolls sideways (a wide formula, a notebook's code cell) must be reachable
// with the keyboard to be scrolled: it gets tabindex="0", as Material does for its own code
// blocks (axe-core's rule scrollable-region-focusable, checked by tests/test_browser.py).
function focusableScrollers() {
  document
    .querySelectorAll(".md-content div.arithmatex, .md-content .jupyter-wrapper .highlight-ipynb, .md-content .jupyter-wrapper pre")
    .forEach((block) => {
      if (block.scrollWidth > block.clientWidth && !block.hasAttribute("tabindex")) {
        block.setAttribute("tabindex", "0");
      }
    });
}
document$.subscribe(() => requestAnimationFrame(focusableScrollers));
window.addEventListener("resize", focusableScrollers);
