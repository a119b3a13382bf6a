// The quiz of a page, « Testez-vous » (built by src/tp_cnn/website/quizzes.py, loaded only
// by the pages that have one). The <div data-quiz> holds the questions as static HTML: what
// readers without JavaScript and print see. This script builds the form of each question
// from it (native radio buttons, check boxes or a text field, a « Vérifier » button, the
// feedback in a live region), then hides the static parts on screen (quiz.css). Answers
// stay in this browser (localStorage, one key per page) until « Recommencer »: nothing
// is sent anywhere.
(function () {
  "use strict";
  const NBSP = "\u00a0";
  let ids = 0;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children.flat().filter((child) => child !== null && child !== undefined));
    return node;
  }

  // The children of `node` (an element of the static quiz), copied.
  const copy = (node) => (node ? [...node.cloneNode(true).childNodes] : []);

  const store = {
    read(key) {
      try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
    },
    write(key, value) {
      try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
    },
    clear(key) {
      try { localStorage.removeItem(key); } catch (e) { /* private mode */ }
    },
  };

  // « 165 514 », « 0,5 », « −3 » → a number; NaN when the text is not one.
  function parse(text) {
    const clean = text.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".").replace("\u2212", "-");
    return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(clean) ? Number(clean) : NaN;
  }

  function paragraph(strong, ...rest) {
    return el("p", {}, el("strong", {}, strong), rest.length ? " " : null, ...rest);
  }

  // The verdict on an answer: its state and what to say (nodes of the feedback).
  function judge(question, choices, value) {
    const kind = question.dataset.quizQuestion;
    if (kind === "number") {
      const number = parse(value || "");
      if (Number.isNaN(number)) {
        return {state: "empty", say: [el("p", {}, "Écrivez un nombre, par exemple 26 ou 0,5, puis vérifiez.")]};
      }
      const right = Math.abs(number - Number(question.dataset.value))
        <= Number(question.dataset.tolerance) + 1e-9;
      const why = copy(question.querySelector(":scope > .quiz__why"));
      return {state: right ? "right" : "wrong",
              say: [paragraph(right ? "Bonne réponse." : "Mauvaise réponse.", ...why)]};
    }
    const chosen = value || [];
    if (!chosen.length) {
      const what = kind === "single" ? "Choisissez une réponse" : "Cochez au moins une réponse";
      return {state: "empty", say: [el("p", {}, `${what}, puis vérifiez.`)]};
    }
    const rights = choices.filter((c) => c.dataset.right === "true").length;
    const wrong = chosen.some((i) => choices[i].dataset.right !== "true");
    const state = wrong ? "wrong" : chosen.length === rights ? "right" : "partial";
    const verdict = {right: "Bonne réponse.", wrong: "Mauvaise réponse.",
                     partial: `Presque${NBSP}: il manque au moins une bonne réponse.`}[state];
    const say = [el("p", {}, el("strong", {}, verdict))];
    for (const i of chosen) {
      const choice = choices[i];
      const mark = choice.dataset.right === "true" ? "juste" : "faux";
      say.push(el("p", {}, copy(choice.querySelector(".quiz__letter")), ` ${mark}${NBSP}: `,
                  copy(choice.querySelector(".quiz__why"))));
    }
    if (state !== "right") say.push(el("p", {}, "Essayez encore."));
    return {state, say};
  }

  // The fields of a question: a text field for a number, else a radio button or a check
  // box per choice, each with its label.
  function fields(kind, name, choices) {
    if (kind === "number") {
      const input = el("input", {type: "text", id: `${name}-valeur`, inputmode: "decimal",
                                 autocomplete: "off", class: "quiz__input"});
      return {inputs: [input], body: el("div", {class: "quiz__field"},
        el("label", {for: input.id}, `Votre réponse${NBSP}:`), " ", input)};
    }
    const inputs = choices.map((choice, i) => el("input", {
      type: kind === "single" ? "radio" : "checkbox", name, id: `${name}-${i}`, value: String(i)}));
    return {inputs, body: el("div", {class: "quiz__options"}, choices.map((choice, i) =>
      el("div", {class: "quiz__option"}, inputs[i], el("label", {for: inputs[i].id},
        copy(choice.querySelector(".quiz__letter")), " ", copy(choice.querySelector(".quiz__text"))))))};
  }

  // The form of one question, placed after its static parts; `save(value, checked)` keeps
  // the answer.
  function build(question, index, saved, save) {
    const kind = question.dataset.quizQuestion;
    const choices = [...question.querySelectorAll("[data-quiz-choice]")];
    const hint = question.querySelector(".quiz__hint");
    const legend = el("legend", {class: "quiz__legend"}, `${index + 1}. `,
      copy(question.querySelector(".quiz__prompt")),
      hint ? el("span", {class: "quiz__legend-hint"}, " ", copy(hint)) : null);
    const {inputs, body} = fields(kind, `quiz-${++ids}`, choices);
    const feedback = el("div", {class: "quiz__feedback", role: "status", "aria-live": "polite"});
    const value = () => (kind === "number" ? inputs[0].value
      : inputs.filter((input) => input.checked).map((input) => Number(input.value)));
    const show = (state, say) => {
      question.classList.remove("quiz__question--right", "quiz__question--wrong");
      if (state) question.classList.add(`quiz__question--${state === "right" ? "right" : "wrong"}`);
      feedback.replaceChildren(...say);
    };
    const verify = () => {
      const {state, say} = judge(question, choices, value());
      show(state === "empty" ? null : state, say);
      return state;
    };
    const changed = () => { show(null, []); save(value(), false); };
    question.append(el("form", {class: "quiz__ui", novalidate: true,
      onsubmit: (event) => { event.preventDefault(); save(value(), verify() !== "empty"); },
      onchange: changed, oninput: () => { if (kind === "number") changed(); }},
      el("fieldset", {}, legend, body, el("div", {class: "quiz__actions"},
        el("button", {type: "submit", class: "quiz__button"}, "Vérifier"))),
      feedback));
    if (saved) {
      if (kind === "number") inputs[0].value = saved.value || "";
      else inputs.forEach((input, i) => { input.checked = (saved.value || []).includes(i); });
      if (saved.checked) verify();
    }
    return {first: inputs[0], reset() {
      inputs.forEach((input) => { if (input.type === "text") input.value = ""; else input.checked = false; });
      show(null, []);
    }};
  }

  function mount(quiz) {
    quiz.dataset.ready = "loading";
    const key = `tp-cnn-quiz:${quiz.dataset.quiz}`;
    let answers = store.read(key);
    const questions = [...quiz.querySelectorAll("[data-quiz-question]")];
    const built = questions.map((question, index) => build(question, index, answers[index], (value, checked) => {
      answers[index] = {value, checked};
      store.write(key, answers);
    }));
    const status = el("p", {class: "quiz__status", role: "status", "aria-live": "polite"});
    const restart = el("button", {type: "button", class: "quiz__button", onclick: () => {
      store.clear(key);
      answers = {};
      built.forEach((question) => question.reset());
      status.textContent = "Vos réponses sont effacées.";
      built[0].first.focus();
    }}, "Recommencer");
    quiz.append(el("div", {class: "quiz__ui quiz__footer"},
      el("p", {class: "quiz__note"}, "Vos réponses restent dans ce navigateur."), restart, status));
    quiz.classList.add("quiz--active");
    quiz.dataset.ready = "ready";
  }

  document.querySelectorAll("[data-quiz]:not([data-ready])").forEach(mount);
})();
