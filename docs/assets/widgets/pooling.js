// Widget « pooling » : max or average pooling (windows of 2 or 4, stride = window, padding
// "valid", as Keras' MaxPooling2D and AveragePooling2D), cell by cell on the page's small
// image (the 8), and at once on its photo (the flower). Data (from the page's code):
// {grid: [[…]], image: {width, height, min, max, png}}.
(function () {
  "use strict";
  const W = window.TPWidgets;
  const el = W.el;

  // Pool `values` (rows × cols, row after row) by windows of size × size.
  function pool(values, rows, cols, size, average) {
    const outRows = Math.floor(rows / size);
    const outCols = Math.floor(cols / size);
    const out = new Float64Array(outRows * outCols);
    for (let i = 0; i < outRows; i++) {
      for (let j = 0; j < outCols; j++) {
        let best = -Infinity;
        let total = 0;
        for (let a = 0; a < size; a++) {
          const row = (i * size + a) * cols + j * size;
          for (let b = 0; b < size; b++) {
            const v = values[row + b];
            total += v;
            if (v > best) best = v;
          }
        }
        out[i * outCols + j] = average ? total / (size * size) : best;
      }
    }
    return {out, outRows, outCols};
  }

  async function build(ui, data) {
    const grid = data.grid;
    const rows = grid.length;
    const cols = grid[0].length;
    const flat = Float64Array.from(grid.flat());
    const photo = await W.photo(data.image);
    const state = {average: false, size: 2, pos: 0};
    let result = null;

    const operation = W.select("Opération", [["max", "max pooling (maximum)"],
      ["moyenne", "average pooling (moyenne)"]], () => {
      state.average = operation.select.value === "moyenne";
      update();
    });
    const sizeChoice = W.select("Taille de la fenêtre", [["2", "2 × 2"], ["4", "4 × 4"]], () => {
      state.size = Number(sizeChoice.select.value);
      state.pos = 0;
      update();
    });
    const button = (text, onclick) => el("button", {type: "button", class: "md-button", onclick}, text);
    const previous = button("Précédent", () => move(state.pos - 1));
    const next = button("Suivant", () => move(state.pos + 1));
    const where = el("p", {class: "widget__where"});
    const input = el("div", {class: "widget__grid", tabindex: "0", role: "group",
      "aria-label": "Le 8 et la fenêtre de pooling : flèches pour déplacer la fenêtre"});
    const output = el("div", {class: "widget__grid", role: "group", "aria-label": "Sortie"});
    const size = el("p", {class: "widget__size"});
    const canvas = el("canvas", {class: "widget__photo", role: "img",
      "aria-label": "La fleur après le pooling choisi"});
    const legend = el("p", {class: "widget__legend"});
    const live = W.live();

    input.addEventListener("keydown", (event) => {
      const step = W.arrowStep(event, Math.floor(state.pos / result.outCols),
        state.pos % result.outCols, result.outRows, result.outCols);
      if (step) {
        event.preventDefault();
        move(step[0] * result.outCols + step[1]);
      }
    });
    output.addEventListener("click", (event) => {
      const cell = event.target.closest("[data-pos]");
      if (cell) move(Number(cell.dataset.pos));
    });
    ui.append(
      el("div", {class: "widget__controls"}, operation.field, sizeChoice.field),
      el("div", {class: "widget__controls"}, previous, next, where),
      size,
      el("div", {class: "widget__panels"},
        el("figure", {}, el("figcaption", {text: "Le 8 et la fenêtre"}), input),
        el("figure", {}, el("figcaption", {text: "Sortie"}), output),
        el("figure", {class: "widget__wide"}, canvas, legend)),
      live);

    function move(pos) {
      state.pos = Math.min(Math.max(pos, 0), result.outRows * result.outCols - 1);
      draw();
    }

    function update() {
      result = pool(flat, rows, cols, state.size, state.average);
      const start = performance.now();
      const pooled = pool(photo, data.image.height, data.image.width, state.size, state.average);
      W.draw(canvas, pooled.out, pooled.outCols, pooled.outRows, data.image.min, data.image.max);
      canvas.dataset.ms = (performance.now() - start).toFixed(1);
      const s = state.size;
      size.textContent = `Le 8 : ${rows} × ${cols} → ${result.outRows} × ${result.outCols} ` +
        `(⌊${rows} / ${s}⌋ = ${result.outRows}).`;
      legend.textContent = `La fleur : ${data.image.height} × ${data.image.width} pixels → ` +
        `${pooled.outRows} × ${pooled.outCols} (⌊${data.image.height} / ${s}⌋ = ` +
        `${pooled.outRows}, ⌊${data.image.width} / ${s}⌋ = ${pooled.outCols}), affichée ` +
        "avec les gris de la photo d'origine, agrandie à la même largeur.";
      canvas.setAttribute("aria-label", `La fleur après le pooling : ${pooled.outRows} × ` +
        `${pooled.outCols} pixels`);
      draw();
    }

    function cells(container, count, width, cell) {
      container.style.setProperty("--cols", width);
      container.replaceChildren();
      for (let p = 0; p < count; p++) container.append(cell(Math.floor(p / width), p % width, p));
    }

    function draw() {
      const {out, outRows, outCols} = result;
      const s = state.size;
      const i = Math.floor(state.pos / outCols);
      const j = state.pos % outCols;
      cells(input, rows * cols, cols, (r, c) => el("span", {
        class: "widget__cell" + (Math.floor(r / s) === i && Math.floor(c / s) === j ?
          " widget__window" : ""), "data-value": grid[r][c]}, W.num(grid[r][c])));
      cells(output, outRows * outCols, outCols, (r, c, p) => el("span", {
        class: "widget__cell" + (p === state.pos ? " widget__window" : ""), "data-pos": p,
        "data-value": p <= state.pos ? out[p] : null}, p <= state.pos ? W.num(out[p]) : ""));
      where.textContent = `Position ${state.pos + 1} sur ${outRows * outCols}`;
      previous.setAttribute("aria-disabled", String(state.pos === 0));
      next.setAttribute("aria-disabled", String(state.pos === outRows * outCols - 1));
      const kind = state.average ? "moyenne" : "maximum";
      live.textContent = `Fenêtre ${state.pos + 1} sur ${outRows * outCols}, lignes ${i * s} à ` +
        `${i * s + s - 1}, colonnes ${j * s} à ${j * s + s - 1} : ${kind} ${W.num(out[state.pos])}.`;
    }

    update();
  }

  W.mount("pooling", build);
})();
