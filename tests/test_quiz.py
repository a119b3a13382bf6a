"""The quiz of a chapter (« Testez-vous », docs/assets/quiz/) in Chromium, with the setup of
tests/test_browser.py: answered with the keyboard only, its feedback and explanations in a
live region, its answers kept in the browser across a reload and cleared by
« Recommencer », nothing asked of the network; axe-core on the quiz with its feedback
shown; without JavaScript and in print, the static questions and their answers."""

from __future__ import annotations

import pytest
from built_site import AXE

CHAPTER = "convolution-pooling/"
KEY = "tp-cnn-quiz:convolution-pooling"
READY = '[data-quiz][data-ready="ready"]'


@pytest.fixture
def quiz(tab, server):
    """The chapter's quiz, built, with no answer kept from before (forgotten from a light
    page of the site: the chapter is loaded once)."""
    tab.goto(server.url + "sitemap.xml")
    tab.evaluate("(key) => localStorage.removeItem(key)", KEY)
    tab.goto(server.url + CHAPTER)
    root = tab.locator(READY)
    root.wait_for(timeout=10_000)
    root.scroll_into_view_if_needed()
    yield root
    tab.evaluate("(key) => localStorage.removeItem(key)", KEY)


def _question(root, index: int):
    return root.locator("[data-quiz-question]").nth(index)


def _focused(tab) -> str:
    return tab.evaluate(
        "() => { const e = document.activeElement;"
        " return `${e.tagName.toLowerCase()}:${e.type || ''}:${e.textContent || e.value}`; }"
    )


def _answer_by_keyboard(tab, quiz) -> int:
    """Tab to the first option of the second question (a wrong one), Space to choose it,
    Enter on « Vérifier »; then the right option, chosen with the arrows. Returns it."""
    first, second = _question(quiz, 0), _question(quiz, 1)
    assert second.get_attribute("data-quiz-question") == "single"
    choices = second.locator("[data-quiz-choice]")
    why = [" ".join(text.split()) for text in choices.locator(".quiz__why").all_text_contents()]
    right = [c == "true" for c in choices.evaluate_all("cs => cs.map(c => c.dataset.right)")]
    assert right.index(True) > 0, "the test chooses the first option as a wrong one"
    first.get_by_role("button", name="Vérifier").focus()
    tab.keyboard.press("Tab")  # to the first option of the next question
    assert _focused(tab) == "input:radio:0"
    tab.keyboard.press("Space")  # a wrong answer, chosen
    tab.keyboard.press("Tab")
    assert _focused(tab).startswith("button:submit:Vérifier")
    tab.keyboard.press("Enter")
    feedback = second.locator(".quiz__feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    said = " ".join(feedback.inner_text().split())
    assert said.startswith("Mauvaise réponse.") and why[0] in said, said
    tab.keyboard.press("Shift+Tab")  # back to the chosen option
    for _ in range(right.index(True)):
        tab.keyboard.press("ArrowDown")  # the next option, chosen
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    said = " ".join(feedback.inner_text().split())
    assert said.startswith("Bonne réponse.") and why[right.index(True)] in said, said
    assert "quiz__question--right" in second.get_attribute("class")
    return right.index(True)


def test_a_question_answered_with_the_keyboard_only_is_explained(tab, quiz, journal):
    """A wrong answer gets its explanation, a right one a confirmation; a number is sent
    with Enter from its field; nothing is asked of the network meanwhile."""
    journal.reset()
    _answer_by_keyboard(tab, quiz)
    first = _question(quiz, 0)
    first.get_by_label("Votre réponse").focus()
    tab.keyboard.type("6")
    tab.keyboard.press("Enter")
    assert first.locator(".quiz__feedback").inner_text().startswith("Bonne réponse.")
    assert not journal.requests, f"requêtes pendant le quiz : {journal.requests}"


def test_a_reload_keeps_the_answers_and_recommencer_clears_them(tab, quiz):
    right = _answer_by_keyboard(tab, quiz)
    _question(quiz, 0).get_by_label("Votre réponse").fill("6")
    tab.reload()
    quiz = tab.locator(READY)
    quiz.wait_for()
    second = _question(quiz, 1)
    assert second.locator("input").nth(right).is_checked()
    assert second.locator(".quiz__feedback").inner_text().startswith("Bonne réponse.")
    assert _question(quiz, 0).get_by_label("Votre réponse").input_value() == "6"
    restart = quiz.get_by_role("button", name="Recommencer")
    restart.focus()
    tab.keyboard.press("Enter")
    assert not second.locator("input:checked").count()
    assert second.locator(".quiz__feedback").inner_text() == ""
    assert quiz.locator(".quiz__status").inner_text() == "Vos réponses sont effacées."
    assert tab.evaluate("(key) => localStorage.getItem(key)", KEY) is None
    tab.reload()
    tab.locator(READY).wait_for()
    assert _question(tab.locator(READY), 0).get_by_label("Votre réponse").input_value() == ""


def test_several_answers_are_checked_one_by_one(quiz):
    question = quiz.locator('[data-quiz-question="multiple"]').first
    rights = question.locator("[data-quiz-choice]").evaluate_all(
        "cs => cs.map((c, i) => c.dataset.right === 'true' ? i : -1).filter(i => i >= 0)"
    )
    assert len(rights) >= 2
    boxes = question.get_by_role("checkbox")
    check = question.get_by_role("button", name="Vérifier")
    check.click()
    assert question.locator(".quiz__feedback").inner_text().startswith("Cochez au moins")
    boxes.nth(rights[0]).check()
    check.click()
    assert question.locator(".quiz__feedback").inner_text().startswith("Presque")
    for index in rights[1:]:
        boxes.nth(index).check()
    check.click()
    assert question.locator(".quiz__feedback").inner_text().startswith("Bonne réponse.")


def test_a_number_accepts_french_writing_and_refuses_words(quiz):
    question = quiz.locator('[data-quiz-question="number"]').nth(1)  # 224 paramètres
    field, check = question.get_by_label("Votre réponse"), question.get_by_role("button")
    feedback = question.locator(".quiz__feedback")
    tries = [("deux cents", "Écrivez un nombre"), ("216", "Mauvaise réponse."),
             ("224,0", "Bonne réponse."), ("2\u202f24", "Bonne réponse.")]  # fmt: skip
    for typed, expected in tries:
        field.fill(typed)
        check.click()
        assert feedback.inner_text().startswith(expected), typed


def test_the_quiz_with_its_feedback_has_no_serious_accessibility_violation(tab, quiz):
    if not AXE.is_file():
        pytest.skip("axe-core introuvable : lancez `npm ci` (`make test` le fait)")
    _question(quiz, 1).get_by_role("radio").nth(1).check()
    _question(quiz, 1).get_by_role("button", name="Vérifier").click()
    tab.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = tab.evaluate(
        """() => axe.run(document.querySelector('[data-quiz]'), {resultTypes: ['violations']})
             .then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
             .map(v => `${v.id} : ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))"""
    )
    assert not found, found


def test_without_javascript_and_in_print_the_questions_and_answers_are_a_list(
    browser, server, tab, quiz
):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url + CHAPTER)
        static = page.locator("[data-quiz]")
        assert static.locator(".quiz__prompt").first.is_visible()
        assert static.locator(".quiz__choices li").first.is_visible()
        assert not static.locator(".quiz__choices .quiz__why").first.is_visible()
        assert static.locator(".quiz__answers").inner_text().startswith("Réponses")
        assert not static.locator("form, button").count()
    finally:
        context.close()
    tab.emulate_media(media="print")
    try:
        assert not quiz.locator(".quiz__ui").first.is_visible()
        assert not quiz.get_by_role("button").first.is_visible()
        assert quiz.locator(".quiz__prompt").first.is_visible()
        assert quiz.locator(".quiz__answers").is_visible()
    finally:
        tab.emulate_media(media="screen")
    assert quiz.locator(".quiz__ui").first.is_visible()
    assert not quiz.locator(".quiz__prompt").first.is_visible()
