// What the widgets of the course share (docs/assets/widgets/, loaded only by the pages that
// place a widget; see src/tp_cnn/website/plugin.py). Each widget script calls
// TPWidgets.mount(name, build): for each <div data-widget="name"> not yet built, the data
// exported by the figure script (data-src, a JSON of the same site, also put in the page
// by the hook as <script type="application/json" data-widget-data>) is read, then
// build(ui, data, root) fills a new element placed before the provenance; the static
// figure (the fallback, for readers without JavaScript and for print) is then hidden.
(function () {
  "use strict";
  const W = (window.TPWidgets = window.TPWidgets || {});

  // An element: el("button", {type: "button", onclick: f}, "Suivant").
  W.el = function (tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children.flat().filter((child) => child !== null && child !== undefined));
    return node;
  };

  let ids = 0;
  W.id = (prefix) => `${prefix}-${++ids}`;

  // A labelled <select>: options is a list of [value, text].
  W.select = function (label, options, onchange, value) {
    const id = W.id("widget-choix");
    const select = W.el("select", {id, onchange},
      options.map(([v, text]) => W.el("option", {value: v, text})));
    if (value !== undefined) select.value = value;
    return {select, field: W.el("div", {class: "widget__field"},
      W.el("label", {for: id, text: label}), select)};
  };

  // A number as the pages write it: decimal comma, U+2212 minus sign, at most `digits`
  // decimals (trailing zeros dropped).
  W.num = function (x, digits = 3) {
    const rounded = Number(x.toFixed(digits));
    const text = String(Object.is(rounded, -0) ? 0 : rounded).replace(".", ",");
    return text.replace("-", "\u2212");
  };

  // The live region of a widget: what a screen reader announces after each step.
  W.live = function () {
    return W.el("p", {class: "widget__live", role: "status", "aria-live": "polite"});
  };

  W.reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // A grayscale photo of the JSON ({width, height, min, max, png}) → its values, in the
  // units of the page (0 → min, 255 → max), as a Float64Array, row after row.
  W.photo = function (image) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => {
        const canvas = W.el("canvas", {width: image.width, height: image.height});
        const context = canvas.getContext("2d", {willReadFrequently: true});
        context.drawImage(img, 0, 0);
        const rgba = context.getImageData(0, 0, image.width, image.height).data;
        const values = new Float64Array(image.width * image.height);
        const scale = (image.max - image.min) / 255;
        for (let i = 0; i < values.length; i++) values[i] = image.min + rgba[4 * i] * scale;
        resolve(values);
      };
      img.onerror = () => reject(new Error("image illisible"));
      img.src = `data:image/png;base64,${image.png}`;
    });
  };

  // Draw `values` (width × height) in gray: `low` in black, `high` in white.
  W.draw = function (canvas, values, width, height, low, high) {
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d", {willReadFrequently: true});
    const pixels = context.createImageData(width, height);
    const rgba = pixels.data;
    const scale = high > low ? 255 / (high - low) : 0;
    for (let i = 0; i < values.length; i++) {
      const gray = Math.round((values[i] - low) * scale);
      rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = gray;
      rgba[4 * i + 3] = 255;
    }
    context.putImageData(pixels, 0, 0);
  };

  // Output size of a sliding window, as TensorFlow and Keras compute it, and the zeros
  // added before (top, left) the image: "same" puts the extra one after.
  W.windows = function (n, k, stride, padding) {
    if (padding === "same") {
      const size = Math.ceil(n / stride);
      const total = Math.max((size - 1) * stride + k - n, 0);
      return {size, before: Math.floor(total / 2), after: total - Math.floor(total / 2)};
    }
    return {size: Math.floor((n - k) / stride) + 1, before: 0, after: 0};
  };

  // Keys that move a window over a grid of rows × cols positions: arrows, Home, End.
  W.arrowStep = function (event, row, col, rows, cols) {
    const moves = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]};
    if (event.key in moves) {
      const [dr, dc] = moves[event.key];
      return [Math.min(Math.max(row + dr, 0), rows - 1), Math.min(Math.max(col + dc, 0), cols - 1)];
    }
    if (event.key === "Home") return [0, 0];
    if (event.key === "End") return [rows - 1, cols - 1];
    return null;
  };

  W.mount = function (name, build) {
    for (const root of document.querySelectorAll(`[data-widget="${name}"]:not([data-ready])`)) {
      root.dataset.ready = "loading";
      // The data is in the page (read under file:// too, where fetch() is refused).
      const inline = [...document.querySelectorAll("script[data-widget-data]")]
        .find((script) => script.dataset.widgetData === root.dataset.src);
      new Promise((resolve) => resolve(JSON.parse(inline.textContent)))
        .then((data) => {
          const ui = W.el("div", {class: "widget__ui", role: "group",
            "aria-label": `Schéma interactif : ${root.dataset.title}`});
          root.insertBefore(ui, root.querySelector(".widget__provenance"));
          return Promise.resolve(build(ui, data, root)).then(() => {
            root.classList.add("widget--active");
            root.dataset.ready = "ready";
          });
        })
        .catch((error) => {
          root.dataset.ready = "error";
          console.warn(`Widget ${name} : ${error}`);
        });
    }
  };
})();
