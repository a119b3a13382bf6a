// Widget « convolution » : the window of a kernel moves over the page's small image (the 8);
// at each position, the nine products, their sum and the output cell it fills. Data (from
// the page's code): {image: [[…]], kernels: {name: [[…]]}}.
(function () {
  "use strict";
  const W = window.TPWidgets;
  const el = W.el;

  function build(ui, data) {
    const image = data.image;
    const names = Object.keys(data.kernels);
    const state = {kernel: names.includes("contour 3") ? "contour 3" : names[0],
      padding: "valid", stride: 1, pos: 0};
    let timer = null;
    let geometry = null;

    const kernelChoice = W.select("Noyau", names.map((n) => [n, n]), () => {
      state.kernel = kernelChoice.select.value;
      update(false);
    }, state.kernel);
    const paddingChoice = W.select("Bordure (padding)",
      [["valid", "valid : sans bordure"], ["same", "same : bordure de zéros"]], () => {
        state.padding = paddingChoice.select.value;
        update(true);
      });
    const strideChoice = W.select("Pas (stride)", [["1", "1"], ["2", "2"]], () => {
      state.stride = Number(strideChoice.select.value);
      update(true);
    });

    const button = (text, onclick) => el("button", {type: "button", class: "md-button", onclick}, text);
    const previous = button("Précédent", () => move(state.pos - 1));
    const next = button("Suivant", () => move(state.pos + 1));
    const play = button("Lecture", () => (timer ? stop() : start()));
    const where = el("p", {class: "widget__where"});
    const size = el("p", {class: "widget__size"});
    const input = el("div", {class: "widget__grid", tabindex: "0", role: "group",
      "aria-label": "Image d'entrée et fenêtre du noyau : flèches pour déplacer la fenêtre, " +
        "Début et Fin pour la première et la dernière position"});
    const products = el("div", {class: "widget__grid widget__products"});
    const sum = el("p", {class: "widget__sum"});
    const output = el("div", {class: "widget__grid", role: "group", "aria-label": "Sortie"});
    const live = W.live();

    input.addEventListener("keydown", (event) => {
      const {size: [rows, cols]} = geometry;
      const step = W.arrowStep(event, Math.floor(state.pos / cols), state.pos % cols, rows, cols);
      if (step) {
        event.preventDefault();
        move(step[0] * cols + step[1]);
      }
    });
    output.addEventListener("click", (event) => {
      const cell = event.target.closest("[data-pos]");
      if (cell) move(Number(cell.dataset.pos));
    });

    ui.append(
      el("div", {class: "widget__controls"}, kernelChoice.field, paddingChoice.field,
        strideChoice.field),
      el("div", {class: "widget__controls"}, previous, next, play, where),
      size,
      el("div", {class: "widget__panels"},
        el("figure", {}, el("figcaption", {text: "Image et fenêtre"}), input),
        el("figure", {}, el("figcaption", {text: "Produits (pixel × coefficient)"}),
          products, sum),
        el("figure", {}, el("figcaption", {text: "Sortie"}), output)),
      live);

    function start() {
      if (state.pos >= geometry.count - 1) move(0);
      play.textContent = "Pause";
      timer = setInterval(() => (state.pos < geometry.count - 1 ? move(state.pos + 1) : stop()),
        W.reducedMotion() ? 1500 : 700);
    }
    function stop() {
      clearInterval(timer);
      timer = null;
      play.textContent = "Lecture";
    }
    function move(pos) {
      state.pos = Math.min(Math.max(pos, 0), geometry.count - 1);
      draw();
    }

    // The padded image, the output size and every output value, for the current settings.
    function compute() {
      const kernel = data.kernels[state.kernel];
      const k = kernel.length;
      const axes = [image.length, image[0].length].map((n) =>
        W.windows(n, k, state.stride, state.padding));
      const padded = [];
      for (let r = -axes[0].before; r < image.length + axes[0].after; r++) {
        const row = [];
        for (let c = -axes[1].before; c < image[0].length + axes[1].after; c++) {
          const inside = r >= 0 && c >= 0 && r < image.length && c < image[0].length;
          row.push(inside ? image[r][c] : null);  // null: a zero of the border
        }
        padded.push(row);
      }
      const [rows, cols] = axes.map((axis) => Math.max(axis.size, 0));
      const out = [];
      for (let i = 0; i < rows; i++) {
        out.push([]);
        for (let j = 0; j < cols; j++) {
          let total = 0;
          for (let a = 0; a < k; a++) {
            for (let b = 0; b < k; b++) {
              total += (padded[i * state.stride + a][j * state.stride + b] || 0) * kernel[a][b];
            }
          }
          out[i].push(total);
        }
      }
      return {kernel, k, axes, padded, size: [rows, cols], count: rows * cols, out};
    }

    function update(reset) {
      stop();
      geometry = compute();
      if (reset || state.pos >= geometry.count) state.pos = 0;
      const {k, axes, size: [rows, cols]} = geometry;
      const text = axes.map((axis, d) => {
        const n = d ? image[0].length : image.length;
        const p = state.padding === "same" ? (k - 1) / 2 : 0;
        return `⌊(${n} + 2 × ${p} − ${k}) / ${state.stride}⌋ + 1 = ${axis.size}`;
      });
      let note = "";
      if (axes[0].before !== axes[0].after) {
        note = ` Comme TensorFlow, la bordure a ${axes[0].before} ligne de zéros en haut et à ` +
          `gauche, ${axes[0].after} en bas et à droite : c'est le dernier pixel qui en a besoin.`;
      }
      size.textContent = (text[0] === text[1] ? `Taille de la sortie : ${text[0]}` :
        `Hauteur de la sortie : ${text[0]} ; largeur : ${text[1]}`) +
        `, soit ${rows} × ${cols}.${note}`;
      draw();
    }

    function grid(container, rows, cols, cell) {
      container.style.setProperty("--cols", cols);
      container.replaceChildren();
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) container.append(cell(r, c));
    }

    function draw() {
      const {kernel, k, padded, size: [rows, cols], count, out} = geometry;
      const i = Math.floor(state.pos / cols);
      const j = state.pos % cols;
      const top = i * state.stride;
      const left = j * state.stride;
      const inWindow = (r, c) => r >= top && r < top + k && c >= left && c < left + k;
      grid(input, padded.length, padded[0].length, (r, c) => {
        const value = padded[r][c];
        return el("span", {class: `widget__cell${value === null ? " widget__pad" : ""}` +
          (inWindow(r, c) ? " widget__window" : ""), "data-value": value ?? 0},
        W.num(value ?? 0));
      });
      let total = 0;
      grid(products, k, k, (a, b) => {
        const pixel = padded[top + a][left + b] ?? 0;
        const product = pixel * kernel[a][b];
        total += product;
        return el("span", {class: "widget__cell widget__product", "data-value": product},
          el("small", {}, `${W.num(pixel)} × ${W.num(kernel[a][b])}`), W.num(product));
      });
      sum.dataset.value = out[i][j];
      sum.textContent = `Somme : ${W.num(out[i][j])}`;
      grid(output, rows, cols, (r, c) => {
        const pos = r * cols + c;
        const done = pos <= state.pos;
        return el("span", {class: "widget__cell" + (pos === state.pos ? " widget__window" : ""),
          "data-pos": pos, "data-value": done ? out[r][c] : null}, done ? W.num(out[r][c]) : "");
      });
      where.textContent = `Position ${state.pos + 1} sur ${count}`;
      previous.setAttribute("aria-disabled", String(state.pos === 0));
      next.setAttribute("aria-disabled", String(state.pos === count - 1));
      live.textContent = `Position ${state.pos + 1} sur ${count} : fenêtre en ligne ${top}, ` +
        `colonne ${left} ; somme ${W.num(out[i][j])}, case ${i}, ${j} de la sortie.`;
    }

    update(true);
  }

  W.mount("convolution", build);
})();
