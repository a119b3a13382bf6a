// A block that scrolls sideways (code, a wide formula or table, a notebook's cell) must be
// reachable with the keyboard to be scrolled: it gets tabindex="0" (axe-core's rule
// scrollable-region-focusable, checked by tests/test_browser.py at 375, 800 and 1280 px).
// Material does it for its code blocks only on devices with a mouse (`(hover)`), and takes
// it back on the others (phones, tablets): it is given back here.
const SCROLLERS = ".md-content pre > code, .md-content div.arithmatex, .md-typeset__scrollwrap, " +
  ".md-content .jupyter-wrapper .highlight-ipynb, .md-content .jupyter-wrapper pre";

function focusable(block) {
  if (block.scrollWidth > block.clientWidth && !block.hasAttribute("tabindex")) {
    block.setAttribute("tabindex", "0");
  }
}

// Every block, at the next frame (once per frame, however many times it is asked).
let asked = false;
function focusableScrollers() {
  if (asked) return;
  asked = true;
  requestAnimationFrame(() => {
    asked = false;
    document.querySelectorAll(SCROLLERS).forEach(focusable);
  });
}
document$.subscribe(focusableScrollers);
window.addEventListener("resize", focusableScrollers);
// Blocks come after the page is shown (Material wraps the tables to scroll them, the
// widgets draw theirs), and Material takes tabindex back: check again after each change.
new MutationObserver((changes) => changes.forEach((change) => {
  if (change.type === "childList") focusableScrollers();
  else if (change.target.matches(SCROLLERS)) focusable(change.target);
})).observe(document.body, {subtree: true, childList: true, attributeFilter: ["tabindex"]});
