// Widget « dimensions » : a stack of Keras layers (Conv2D, MaxPooling2D, Flatten, Dense,
// Activation), prefilled with the page's model; each layer's output shape and number of
// parameters, computed as Keras does, the total, or why Keras would refuse to build the
// model. Data (from the page's code): {input: [h, w, c], layers: [{type, …}], total}.
(function () {
  "use strict";
  const W = window.TPWidgets;
  const el = W.el;
  const FIELDS = {
    Conv2D: [["filters", "filtres"], ["kernel_size", "noyau"], ["strides", "pas"],
      ["padding", "bordure"]],
    MaxPooling2D: [["pool_size", "taille"], ["strides", "pas"], ["padding", "bordure"]],
    Flatten: [],
    Dense: [["units", "neurones"]],
    Activation: [],
  };
  const DEFAULTS = {filters: 32, kernel_size: 3, strides: 1, padding: "valid", pool_size: 2,
    units: 10};
  const spaced = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");

  // Each layer's output shape and parameters, as Keras computes them; stops at the first
  // layer that Keras would refuse, with the reason in French.
  function compute(input, layers) {
    let shape = input;
    const rows = [];
    const bad = (value) => !Number.isInteger(value) || value < 1;
    if (input.some(bad)) {
      return {rows, error: "L'entrée doit avoir une hauteur, une largeur et un nombre de " +
        "canaux entiers, au moins 1.", at: -1};
    }
    for (const [index, layer] of layers.entries()) {
      const name = `La couche ${index + 1} (${layer.type})`;
      const numbers = FIELDS[layer.type].map(([key]) => key).filter((key) => key !== "padding");
      const wrong = numbers.find((key) => bad(layer[key]));
      if (wrong) {
        return {rows, at: index, error: `${name} : « ${FIELDS[layer.type].find(
          ([key]) => key === wrong)[1]} » doit être un entier au moins égal à 1.`};
      }
      let params = 0;
      if (layer.type === "Conv2D" || layer.type === "MaxPooling2D") {
        if (shape.length !== 3) {
          return {rows, at: index, error: `${name} attend des cartes (hauteur, largeur, ` +
            `canaux), mais reçoit un vecteur de forme (None, ${shape.join(", ")}) : placez ` +
            "Flatten après la dernière couche Conv2D ou MaxPooling2D (Keras : « expected " +
            "ndim=4, found ndim=2 »)."};
        }
        const k = layer.type === "Conv2D" ? layer.kernel_size : layer.pool_size;
        const sizes = shape.slice(0, 2).map((n) => layer.padding === "same" ?
          Math.ceil(n / layer.strides) : Math.floor((n - k) / layer.strides) + 1);
        if (sizes.some((n) => n <= 0)) {
          return {rows, at: index, error: `${name} ne peut pas être construite : son entrée ` +
            `mesure ${shape[0]} × ${shape[1]} pixels, moins que sa fenêtre de ${k} × ${k} ; ` +
            `avec padding="valid", la taille de sortie serait ${Math.min(...sizes)}, nulle ` +
            "ou négative (Keras : « Computed output size would be zero or negative »). " +
            "Essayez padding=\"same\", ou retirez une couche qui réduit la taille plus haut."};
        }
        if (layer.type === "Conv2D") {
          params = k * k * shape[2] * layer.filters + layer.filters;
          shape = [...sizes, layer.filters];
        } else {
          shape = [...sizes, shape[2]];
        }
      } else if (layer.type === "Flatten") {
        shape = [shape.reduce((a, b) => a * b, 1)];
      } else if (layer.type === "Dense") {
        params = shape[shape.length - 1] * layer.units + layer.units;
        shape = [...shape.slice(0, -1), layer.units];
      }
      rows.push({shape, params});
    }
    return {rows, error: null, at: layers.length};
  }

  function build(ui, data) {
    const copy = () => data.layers.map((layer) => ({...layer}));
    let layers = copy();
    const input = [...data.input];
    const live = W.live();
    const error = el("p", {class: "widget__error", role: "alert"});
    const total = el("p", {class: "widget__total"});
    const body = el("tbody");
    const number = (label, value, onchange) => el("input", {type: "number", min: "1",
      step: "1", value, "aria-label": label, oninput: (e) => onchange(Number(e.target.value))});

    const inputs = el("div", {class: "widget__controls", role: "group",
      "aria-label": "Entrée du modèle"},
    ["hauteur", "largeur", "canaux"].map((label, d) => {
      const id = W.id("widget-entree");
      return el("div", {class: "widget__field"}, el("label", {for: id, text: `Entrée : ${label}`}),
        Object.assign(number(`Entrée : ${label}`, input[d], (v) => {
          input[d] = v;
          refresh();
        }), {id}));
    }));

    const addChoice = W.select("Nouvelle couche", Object.keys(FIELDS).map((t) => [t, t]));
    const button = (text, onclick) => el("button", {type: "button", class: "md-button", onclick}, text);
    const scroller = el("div", {class: "widget__scroller", tabindex: "0", role: "region",
      "aria-label": "Les couches du modèle"},
    el("table", {class: "widget__table"},
      el("thead", {}, el("tr", {}, ["N°", "Couche", "Réglages", "Forme de sortie",
        "Paramètres", "Action"].map((h) => el("th", {scope: "col", text: h})))), body));
    ui.append(inputs, scroller, error, total,
      el("div", {class: "widget__controls"}, addChoice.field,
        button("Ajouter la couche", () => {
          const type = addChoice.select.value;
          const layer = {type};
          for (const [key] of FIELDS[type]) layer[key] = DEFAULTS[key];
          if (type === "MaxPooling2D") layer.strides = layer.pool_size;
          layers.push(layer);
          render();
          body.lastElementChild.querySelector("select").focus();
        }),
        button("Tout retirer", () => {
          layers = [];
          render();
        }),
        button("Revenir au modèle de la page", () => {
          layers = copy();
          input.splice(0, 3, ...data.input);
          inputs.querySelectorAll("input").forEach((field, d) => (field.value = input[d]));
          render();
        })),
      live);

    function row(layer, index) {
      const n = index + 1;
      const type = W.select(`Couche ${n} : type`, Object.keys(FIELDS).map((t) => [t, t]), () => {
        const fresh = {type: type.select.value};
        for (const [key] of FIELDS[fresh.type]) fresh[key] = layer[key] ?? DEFAULTS[key];
        layers[index] = fresh;
        render();
        body.children[index].querySelector("select").focus();
      }, layer.type);
      type.field.querySelector("label").className = "widget__hidden";
      const settings = FIELDS[layer.type].map(([key, label]) => {
        if (key === "padding") {
          const choice = W.select(label, [["valid", "valid"], ["same", "same"]], () => {
            layer.padding = choice.select.value;
            refresh();
          }, layer.padding);
          choice.select.setAttribute("aria-label", `Couche ${n} : ${label}`);
          return choice.field;
        }
        const id = W.id("widget-reglage");
        return el("div", {class: "widget__field"}, el("label", {for: id, text: label}),
          Object.assign(number(`Couche ${n} : ${label}`, layer[key], (v) => {
            layer[key] = v;
            refresh();
          }), {id}));
      });
      return el("tr", {"data-layer": index},
        el("td", {text: String(n)}), el("td", {}, type.field),
        el("td", {}, el("div", {class: "widget__settings"}, settings)),
        el("td", {class: "widget__shape"}), el("td", {class: "widget__params"}),
        el("td", {}, button("Retirer", () => {
          layers.splice(index, 1);
          render();
          const next = body.children[index] || body.lastElementChild;
          (next ? next.querySelector("td:last-child button") : addChoice.select).focus();
        })));
    }

    function render() {
      body.replaceChildren(...layers.map(row));
      refresh();
    }

    function refresh() {
      const result = compute(input, layers);
      [...body.children].forEach((tr, index) => {
        const done = result.rows[index];
        tr.classList.toggle("widget__invalid", index === result.at);
        tr.querySelector(".widget__shape").textContent = done ?
          `(None, ${done.shape.join(", ")})` : "—";
        tr.querySelector(".widget__params").textContent = done ? spaced(done.params) : "—";
      });
      error.textContent = result.error || "";
      if (result.error) {
        total.textContent = "Modèle impossible à construire.";
        delete total.dataset.value;
        live.textContent = result.error;
      } else {
        const sum = result.rows.reduce((a, r) => a + r.params, 0);
        total.dataset.value = sum;
        const last = result.rows.length ? result.rows[result.rows.length - 1].shape : input;
        total.textContent = `Total : ${spaced(sum)} paramètres ; sortie (None, ${last.join(", ")}).`;
        live.textContent = total.textContent;
      }
    }

    render();
  }

  W.mount("dimensions", build);
})();
