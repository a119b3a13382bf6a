// Widget « noyaux » : one of the page's kernels, or nine values typed by the reader, applied
// to the page's photo (the flower) as the page's conv() does (padding "SAME"), redrawn at
// each change. Data (from the page's code): {image: {width, height, min, max, png},
// kernels: {name: [[…]]}}.
(function () {
  "use strict";
  const W = window.TPWidgets;
  const el = W.el;
  const CUSTOM = "personnalisé";

  // The image bordered by `half` zeros on each side, once: the filter then needs no test.
  function bordered(values, width, height, half) {
    const w = width + 2 * half;
    const out = new Float64Array(w * (height + 2 * half));
    for (let r = 0; r < height; r++) {
      out.set(values.subarray(r * width, (r + 1) * width), (r + half) * w + half);
    }
    return out;
  }

  // Cross-correlation with zeros around the image (tf.nn.conv2d, padding="SAME"), on the
  // bordered image; returns the smallest and the largest value.
  function filter(padded, width, height, kernel, out) {
    const k = kernel.length;
    const w = width + k - 1;
    const offsets = [];
    const weights = [];
    kernel.forEach((row, a) => row.forEach((v, b) => {
      if (v !== 0) {
        offsets.push(a * w + b);
        weights.push(v);
      }
    }));
    const n = offsets.length;
    let low = Infinity;
    let high = -Infinity;
    for (let r = 0; r < height; r++) {
      const base = r * w;
      const row = r * width;
      for (let c = 0; c < width; c++) {
        const i = base + c;
        let total = 0;
        for (let t = 0; t < n; t++) total += padded[i + offsets[t]] * weights[t];
        out[row + c] = total;
        if (total < low) low = total;
        if (total > high) high = total;
      }
    }
    return n ? [low, high] : [0, 0];
  }

  async function build(ui, data) {
    const {width, height} = data.image;
    const values = bordered(await W.photo(data.image), width, height, 1);
    const out = new Float64Array(width * height);
    const shown = new Float64Array(width * height);
    const names = Object.keys(data.kernels);

    const kernelChoice = W.select("Noyau", [...names, CUSTOM].map((n) => [n, n]), () => {
      if (kernelChoice.select.value !== CUSTOM) {
        data.kernels[kernelChoice.select.value].flat().forEach((v, i) => {
          cells[i].value = String(Number(v.toFixed(4)));
        });
      }
      update();
    }, names.includes("contour 1") ? "contour 1" : names[0]);
    const mapping = W.select("Affichage", [
      ["etire", "étiré, comme plt.imshow : minimum en noir, maximum en blanc"],
      ["absolu", "valeur absolue : 0 en noir, la plus grande en blanc"],
    ], () => update());
    const cells = [];
    const matrix = el("div", {class: "widget__kernel", role: "group",
      "aria-label": "Les neuf coefficients du noyau"});
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        const cell = el("input", {type: "number", step: "any", inputmode: "decimal",
          "aria-label": `Coefficient ligne ${a + 1}, colonne ${b + 1}`,
          oninput: () => {
            kernelChoice.select.value = CUSTOM;
            update();
          }});
        cells.push(cell);
        matrix.append(cell);
      }
    }
    const canvas = el("canvas", {class: "widget__photo", role: "img",
      "aria-label": "La fleur filtrée par le noyau choisi"});
    const legend = el("p", {class: "widget__legend"});
    const live = W.live();
    ui.append(
      el("div", {class: "widget__controls"}, kernelChoice.field, mapping.field),
      el("div", {class: "widget__panels"},
        el("figure", {}, el("figcaption", {text: "Noyau (3 × 3)"}), matrix),
        el("figure", {class: "widget__wide"}, canvas, legend)),
      live);

    function update() {
      const kernel = [0, 1, 2].map((a) => [0, 1, 2].map((b) => Number(cells[3 * a + b].value)));
      if (kernel.flat().some((v) => !Number.isFinite(v) || cells.some((c) => c.value === ""))) {
        legend.textContent = "Coefficient manquant ou invalide : tapez un nombre dans chaque case.";
        live.textContent = legend.textContent;
        return;
      }
      const start = performance.now();
      let [low, high] = filter(values, width, height, kernel, out);
      let source = out;
      let text;
      if (mapping.select.value === "absolu") {
        high = 0;
        for (let i = 0; i < out.length; i++) {
          shown[i] = Math.abs(out[i]);
          if (shown[i] > high) high = shown[i];
        }
        source = shown;
        text = `Valeurs absolues de 0 (noir) à ${W.num(high, 2)} (blanc) : un pixel négatif ` +
          "et son opposé ont le même gris.";
        W.draw(canvas, source, width, height, 0, high);
      } else {
        text = `Valeurs de ${W.num(low, 2)} (noir) à ${W.num(high, 2)} (blanc), étirées comme ` +
          "par plt.imshow : les valeurs négatives sont plus sombres que 0, qui n'est noir que " +
          "s'il est le minimum.";
        W.draw(canvas, source, width, height, low, high);
      }
      canvas.dataset.low = mapping.select.value === "absolu" ? 0 : low;
      canvas.dataset.high = high;
      canvas.dataset.ms = (performance.now() - start).toFixed(1);
      legend.textContent = `${text} Image de ${height} × ${width} pixels (padding « same »).`;
      live.textContent = `Noyau ${kernelChoice.select.value} : valeurs de ${W.num(low, 2)} ` +
        `à ${W.num(high, 2)}.`;
    }

    kernelChoice.select.dispatchEvent(new Event("change"));
  }

  W.mount("noyaux", build);
})();
