"""The mock eGov portal (service `egov`): its format and checks (fields, the phone's SMS, parity),
grading of every move (the right path and each trap: a look-alike address, the code given in a
pop-up), typing slips that store nothing, bad forms refused, and playing it in both languages."""

import re

import pytest

from app.content.exercise import SERVICES, AttemptState, InvalidMove, WrongEntry, check_move, score, sms_code
from app.content.loader import load_course
from app.extensions import db
from app.models import Event
from tests.conftest import REAL_CONTENT, post, shared_course, sign_in
from tests.web.test_exercises import app, course_with  # noqa: F401  (the app fixture)

PAGE = "/learn/elementary/egov-certificate/practice/egov-portal"
PAGE_INTERMEDIATE = "/learn/intermediate/egov-services/practice/egov-portal"
ITEM = "egov-certificate/egov-portal"
SCREENS = ["address", "sign-in", "popup", "code", "search", "results", "service", "sign", "download"]
RIGHT = ["open-official", "sign-in", "close-popup", "enter-code", "search", "open-service", "order", "sign", "download"]
TYPICAL = ["open-official", "sign-in", "tell-code", *RIGHT[3:]]  # gives the code in the pop-up
QUERY = {"kk": "анықтама", "ru": "справка"}
ATTEMPT = "a" * 32

EGOV = """
::: exercise egov
service: egov
hints: shown
Intro.

screen: address
channel: address
trap: yes
Which address?
- [x] open-official: `egov.kz`
- [!] open-lookalike: `egov-kz.com`
  > A look-alike.

screen: code
channel: page
trap: no
sms: new
fields: code
Type the code.
- [x] enter-code: Confirm
:::
"""


@pytest.fixture(scope="module")
def real():
    return shared_course(REAL_CONTENT)  # the run's parse of the real course (checked: no problems)


def test_real_portal_is_the_same_in_both_languages_at_both_levels(real):
    for lesson_id, hints in (("egov-certificate", "shown"), ("egov-services", "on-request")):
        kk, ru = (real.items[lesson_id].exercise("egov-portal", lang) for lang in ("kk", "ru"))
        assert kk.service == "egov" and kk.hints == hints and kk.signature() == ru.signature()
        assert [s.id for s in kk.screens] == SCREENS and all(s.hint for s in kk.screens)
        assert [s.id for s in kk.screens if s.scam] == ["address", "popup"]


@pytest.mark.parametrize("lesson_id", ["egov-certificate", "egov-services"])
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_move_is_graded_and_the_right_path_passes(real, lesson_id, lang):
    ex = real.items[lesson_id].exercise("egov-portal", lang)
    right = score(ex, list(zip(SCREENS, RIGHT)))
    assert right.passed and right.score == 1.0 and (right.hits, right.scams, right.critical) == (2, 2, 0)
    for screen, right_move in zip(ex.screens, RIGHT, strict=True):
        for move in screen.moves:
            assert move.id in SERVICES["egov"].moves and move.feedback, (screen.id, move.id)
            assert (move.mark == "right") == (move.id == right_move), (screen.id, move.id)
            # the traps: any look-alike address, and giving the code, are the dangerous mistakes
            assert (move.mark == "critical") == (move.id in ("open-lookalike", "open-link", "tell-code"))
    # the right address is exactly egov.kz; no trap is egov.kz or ends in .egov.kz
    addresses = {m.mark: re.sub(r"<[^>]+>", "", m.text) for m in ex.screens[0].moves if m.mark == "right"}
    assert addresses == {"right": "egov.kz"}
    for trap in (re.sub(r"<[^>]+>", "", m.text) for m in ex.screens[0].moves if m.mark != "right"):
        assert trap != "egov.kz" and not trap.endswith(".egov.kz") and "gov" in trap


@pytest.mark.parametrize("moves, critical", [
    (TYPICAL, ("popup",)),
    (["open-lookalike", *RIGHT[1:]], ("address",)),
    (["open-link", *RIGHT[1:]], ("address",)),
])
def test_each_trap_is_a_critical_mistake(real, moves, critical):
    ex = real.items["egov-certificate"].exercise("egov-portal", "ru")
    result = score(ex, list(zip(SCREENS, moves)))
    assert result.critical_screens == critical and not result.passed and result.hits == 1


def test_wrong_but_not_dangerous_moves_lower_the_score(real):
    ex = real.items["egov-certificate"].exercise("egov-portal", "kk")
    moves = [*RIGHT[:5], "open-other", "pay", "sign", "visit-office"]
    result = score(ex, list(zip(SCREENS, moves)))
    assert (result.right, result.critical) == (6, 0) and not result.passed  # 6 of 9 < 80 %


def fields_for(ex, step, attempt, lang="ru", **over):
    """What a careful learner types on screen `step`."""
    typed = {"iin": "123456789012", "password": "demo-1234", "query": QUERY[lang],
             "code": ex.code_at(step, attempt), "chat": ""}
    typed.update(over)
    return {name: typed[name] for name, _ in ex.screens[step].fields}


def test_typed_fields_are_checked_only_for_the_right_move(real):
    ex = real.items["egov-certificate"].exercise("egov-portal", "ru")
    state = AttemptState(ATTEMPT, [("address", "open-official")])
    assert check_move(ex, state, ATTEMPT, 1, "sign-in", "sign-in", fields_for(ex, 1, ATTEMPT)).mark == "right"
    for slip, field in (({"iin": "123456789013"}, "iin"), ({"password": "Demo-1234"}, "password"), ({"iin": ""}, "iin")):
        with pytest.raises(WrongEntry) as caught:
            check_move(ex, state, ATTEMPT, 1, "sign-in", "sign-in", fields_for(ex, 1, ATTEMPT, **slip))
        assert caught.value.field == field
    assert check_move(ex, state, ATTEMPT, 1, "sign-in", "sign-in", {"iin": "123 456 789 012", "password": "demo-1234"})
    # the code is the one the phone shows in this attempt: six digits, new on the signing screen
    at_popup = AttemptState(ATTEMPT, [(s, m) for s, m in zip(SCREENS[:3], RIGHT[:3])])
    code = ex.code_at(3, ATTEMPT)
    assert re.fullmatch(r"\d{6}", code) and code == sms_code(ATTEMPT, "popup") == ex.code_at(2, ATTEMPT)
    assert ex.code_at(7, ATTEMPT) == sms_code(ATTEMPT, "sign") and ex.code_at(1, ATTEMPT) == ""
    assert check_move(ex, at_popup, ATTEMPT, 3, "code", "enter-code", {"code": code})
    with pytest.raises(WrongEntry):
        check_move(ex, at_popup, ATTEMPT, 3, "code", "enter-code", {"code": sms_code("b" * 32, "popup")})
    # the pop-up: sending is the mistake, whatever was typed; closing needs nothing typed
    at_two = AttemptState(ATTEMPT, [(s, m) for s, m in zip(SCREENS[:2], RIGHT[:2])])
    assert check_move(ex, at_two, ATTEMPT, 2, "popup", "tell-code", {}).mark == "critical"
    assert check_move(ex, at_two, ATTEMPT, 2, "popup", "close-popup", {"chat": code}).mark == "right"
    search = AttemptState(ATTEMPT, [(s, m) for s, m in zip(SCREENS[:4], RIGHT[:4])])
    assert check_move(ex, search, ATTEMPT, 4, "search", "search", {"query": "  Справка о судимости "})
    with pytest.raises(WrongEntry):
        check_move(ex, search, ATTEMPT, 4, "search", "search", {"query": "пенсия"})
    with pytest.raises(InvalidMove):  # the move of another screen
        check_move(ex, search, ATTEMPT, 4, "search", "sign", {"query": "справка"})


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace("fields: code", "fields: code=123456"), "02-beta/ru.md:51: screen 'code': field 'code' takes no value"),
    (lambda t: t.replace("fields: code", "fields: pin=1234"), "02-beta/ru.md:51: screen 'code': unknown field 'pin'"),
    (lambda t: t.replace("fields: code", "fields: iin"), "02-beta/ru.md:51: screen 'code': field 'iin' needs the value"),
    (lambda t: t.replace("sms: new\n", ""), "02-beta/ru.md:47: screen 'code' shows or asks for the phone's code, but no"),
    (lambda t: t.replace("sms: new", "sms: maybe"), "02-beta/ru.md:50: screen 'code': 'sms:' is 'new'"),
    (lambda t: t.replace("sms: new", "sms: new\nfrom: 1414"), "02-beta/ru.md:51: unknown screen key 'from'"),
    (lambda t: t.replace("- [x] open-official", "- [ ] open-official").replace("- [!] open-lookalike", "- [x] open-lookalike"),
     "02-beta/ru.md:44: move 'open-lookalike' is marked right, but the screen says 'trap: yes'"),
    (lambda t: t.replace("fields: code", "fields: code, chat"), "02-beta/ru.md:47: screen 'code': fields or sms differ from kk.md"),
    (lambda t: t.replace("- [!] open-lookalike", "- [ ] open-lookalike"),
     "02-beta/ru.md:39: screen 'address': moves or right answers differ from kk.md"),
])
def test_broken_portal_copy_is_named_with_file_and_line_and_left_out(tmp_path, change, message):
    course, problems = load_course(course_with(tmp_path, EGOV, change(EGOV)))
    assert any(message in str(p) for p in problems), [str(p) for p in problems]
    assert "beta" not in course.items


def test_good_portal_copy_checks(tmp_path):
    course, problems = load_course(course_with(tmp_path, EGOV, EGOV))
    assert problems == []
    screen = course.items["beta"].exercise("egov", "kk").screens[1]
    assert screen.fields == (("code", ""),) and screen.sms == "new" and screen.sender == ""


# Played in the browser's way: plain forms -------------------------------------------------------

def form_of(page: str) -> dict:
    return dict(re.findall(r'name="(attempt|step|screen)" value="([^"]*)"', page))


def phone_code(page: str) -> str:
    found = re.search(r'class="msg">[^<]*?(\d{6})', page)
    return found.group(1) if found else ""


def typed_on(page: str, lang: str) -> dict:
    """The fields of the page's form, filled in as the screen says."""
    values = {"iin": "123456789012", "password": "demo-1234", "query": QUERY[lang], "code": phone_code(page),
              "chat": ""}
    return {f"field-{name}": values[name] for name in re.findall(r'name="field-([a-z]+)"', page)}


def play(client, page_url, moves, lang):
    for move_id in moves:
        page = client.get(page_url).get_data(as_text=True)
        response = post(client, page_url, {**form_of(page), **typed_on(page, lang), "move": move_id}, page=page_url)
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return client.get(page_url).get_data(as_text=True)


def stored():
    return db.session.scalars(db.select(Event).where(Event.item_id == ITEM).order_by(Event.created_at)).all()


def test_right_path_in_kazakh_is_stored_without_what_was_typed(app, make):  # noqa: F811
    client = app.test_client()
    sign_in(client, make.learner(language="kk"))
    lesson = client.get("/learn/elementary/egov-certificate").get_data(as_text=True)
    assert PAGE in lesson and "eGov порталы: 9 қадам." in lesson
    first = client.get(PAGE).get_data(as_text=True)
    assert "нағыз eGov.kz порталы емес" in first and "ОҚУ КӨШІРМЕСІ" in first and 'class="ex-hint"' in first
    assert "egov-kz.com" in first and "e-gov.kz.login-page.net" in first
    result = play(client, PAGE, RIGHT, "kk")
    assert "Дұрыс шешім: 9 ішінен 9" in result and "Қауіпті қателер: 0" in result
    assert "Айналып өткен тұзақтар: 2 ішінен 2" in result
    assert '<li class="right"><strong>Тұзақ:</strong> <code>egov.kz</code></li>' in result
    assert '<li class="right">Кіру</li>' in result  # each step's move, as the learner saw it
    events = stored()
    assert [e.kind for e in events].count("exercise_move") == 9 and events[-1].payload["passed"]
    kept = repr([e.payload for e in events])
    assert "123456789012" not in kept and "demo-1234" not in kept and "анықтама" not in kept


def test_the_phone_shows_the_code_from_1414_beside_the_popup(app, make):  # noqa: F811
    client = app.test_client()
    sign_in(client, make.learner(language="ru"))
    play(client, PAGE, RIGHT[:2], "ru")
    page = client.get(PAGE).get_data(as_text=True)
    assert 'class="phone sms-phone"' in page and "<strong>1414</strong>" in page and 'role="dialog"' in page
    assert re.search(r"Код: \d{6}\. Никому не сообщайте этот код\.", page)
    assert 'name="field-chat"' in page and "УЧЕБНАЯ КОПИЯ" in page


def test_typical_mistake_in_russian_is_critical(app, make):  # noqa: F811
    client = app.test_client()
    sign_in(client, make.learner(language="ru"))
    play(client, PAGE, RIGHT[:2], "ru")
    page = client.get(PAGE).get_data(as_text=True)
    response = post(client, PAGE, {**form_of(page), "field-chat": phone_code(page), "move": "tell-code"}, page=PAGE)
    assert response.status_code == 302
    feedback = client.get(PAGE).get_data(as_text=True)
    assert "Опасная ошибка!" in feedback and "нужен только вам" in feedback
    result = play(client, PAGE, RIGHT[3:], "ru")
    assert "Опасных ошибок: 1" in result or "Опасные ошибки: 1" in result, result[-3000:]
    done = stored()[-1]
    assert done.payload["critical_screens"] == ["popup"] and not done.payload["passed"]
    assert phone_code(page) not in repr([e.payload for e in stored()])


def test_a_typing_slip_shows_the_screen_again_and_stores_nothing(app, make):  # noqa: F811
    client = app.test_client()
    sign_in(client, make.learner(language="ru"))
    play(client, PAGE, RIGHT[:1], "ru")
    page = client.get(PAGE).get_data(as_text=True)
    response = post(client, PAGE, {**form_of(page), "field-iin": "123", "field-password": "demo-1234",
                                   "move": "sign-in"}, page=PAGE)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in text and "Это не тот ИИН" in text
    assert len(stored()) == 1 and form_of(text) == form_of(page)
    play(client, PAGE, RIGHT[1:3], "ru")
    page = client.get(PAGE).get_data(as_text=True)
    wrong = "000000" if phone_code(page) != "000000" else "111111"
    response = post(client, PAGE, {**form_of(page), "field-code": wrong, "move": "enter-code"}, page=PAGE)
    assert response.status_code == 422 and "Это не тот код" in response.get_data(as_text=True)
    assert len(stored()) == 3


def test_forged_replayed_and_skipped_moves_are_refused(app, make):  # noqa: F811
    client = app.test_client()
    sign_in(client, make.learner(language="kk"))
    fields = form_of(client.get(PAGE).get_data(as_text=True))
    for bad in ({**fields, "step": "1", "screen": "sign-in", "move": "sign-in"},  # a skipped screen
                {**fields, "screen": "popup", "move": "open-official"},  # another screen's id
                {**fields, "move": "download"},  # not a move of this screen
                {**fields, "attempt": "forged", "move": "open-official"}):
        response = post(client, PAGE, bad, page=PAGE)
        assert response.status_code == 400 and "Ештеңе сақталмады" in response.get_data(as_text=True)
    assert stored() == []
    assert post(client, PAGE, {**fields, "move": "open-official"}, page=PAGE).status_code == 302
    assert post(client, PAGE, {**fields, "move": "open-official"}, page=PAGE).status_code == 400  # replayed
    assert len(stored()) == 1


def test_intermediate_hints_on_request(app, make):  # noqa: F811
    client = app.test_client()
    sign_in(client, make.learner(language="ru"))
    page = client.get(PAGE_INTERMEDIATE).get_data(as_text=True)
    assert '<details class="hint">' in page and 'class="ex-hint"' not in page
    assert "egov.kz.login-page.net" in page
    result = play(client, PAGE_INTERMEDIATE, RIGHT, "ru")
    assert "Правильных решений: 9 из 9" in result or "9 из 9" in result


def test_the_code_field_does_not_ask_the_phone_for_real_sms_codes(app, make):  # noqa: F811
    """The training copy's code comes from the simulated phone on the page. A field marked
    'one-time-code' makes the phone's keyboard offer the codes of the learner's real SMS (a bank's,
    eGov's): one tap would send a real code to a training page, the habit the lesson warns against."""
    client = app.test_client()
    sign_in(client, make.learner(language="kk"))
    play(client, PAGE, RIGHT[:3], "kk")
    page = client.get(PAGE).get_data(as_text=True)
    code_field = re.search(r'<input[^>]*name="field-code"[^>]*>', page).group(0)
    assert "one-time-code" not in page and 'autocomplete="off"' in code_field
