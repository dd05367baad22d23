"""Live participation: joining with the code, the attendee session, commenting and answering
at a hearing (channel `hearing`), idempotent replays, the projector and its counters."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from consult.accounts.models import Participant
from consult.comments.models import Comment
from consult.core.idempotency import IdempotencyKey
from consult.errors import PermissionDenied, ValidationError
from consult.extensions import db
from consult.hearings import participation
from consult.hearings import services as hearings
from consult.hearings.models import HearingAttendee
from consult.hearings.qr import qr_svg
from consult.surveys.models import SurveyResponse
from tests.factories import make_comment, make_hearing, make_user, section_of
from tests.helpers import assert_redirect, bearer_for, count_queries, count_rows

PROFILE = {
    "name": "Ayesha Khan",
    "show_name": "y",
    "province": "sindh",
    "stakeholder_group": "student",
    "gender": "woman",
    "age_band": "18-24",
}
ANSWERS = {
    "q.ratings.NC-1": "4",
    "q.ratings.NC-2": "no-opinion",
    "q.ratings.NC-3": "2",
    "q.missing": "Say more about languages.",
}


def key(n: int = 1) -> str:
    return f"test-key-{n:08d}"


def join(client, hearing, profile=PROFILE, idem=None):
    return client.post(
        f"/join/{hearing.join_code}", data={**profile, "idempotency_key": idem or key(99)}
    )


def section_url(hearing, slug="national-cohesion"):
    return f"/join/{hearing.join_code}/sections/{slug}"


def rows(model) -> int:
    db.session.expire_all()
    if model is Participant:  # attendees only: every factory user is a participant too
        return len(
            db.session.scalars(select(Participant).where(Participant.kind == "attendee")).all()
        )
    return count_rows(model)


# --- joining ------------------------------------------------------------------------------


def test_a_wrong_code_is_a_clear_404(client, nsp):
    make_hearing(status="open")
    db.session.commit()
    for code in ("AAAAAA", "0O0O0O", "x"):
        response = client.get(f"/join/{code}")
        assert response.status_code == 404
        assert "No hearing has this join code" in response.get_data(as_text=True)
    assert client.post("/join/AAAAAA", data=PROFILE).status_code == 404
    typed = client.get("/join?code=nope")
    assert typed.status_code == 404 and "No hearing has this join code" in typed.get_data(True)
    assert rows(Participant) == 0


def test_the_code_form_normalises_what_was_typed(client, nsp):
    hearing = make_hearing(status="open")
    db.session.commit()
    code = hearing.join_code
    typed = f"{code[:3].lower()} - {code[3:].lower()}"
    assert_redirect(client.get("/join", query_string={"code": typed}), f"/join/{code}")
    assert client.get("/join").status_code == 200


@pytest.mark.parametrize(
    ("status", "text"),
    [("scheduled", "has not started yet: it opens at"), ("closed", "This hearing has ended")],
)
def test_a_hearing_not_open_says_so_and_writes_nothing(client, nsp, status, text):
    hearing = make_hearing(status=status)
    db.session.commit()
    page = client.get(f"/join/{hearing.join_code}")
    assert page.status_code == 200 and text in page.get_data(as_text=True)
    assert 'name="province"' not in page.get_data(as_text=True)
    posted = join(client, hearing)
    assert posted.status_code == 409 and text in posted.get_data(as_text=True)
    assert rows(Participant) == 0 and rows(HearingAttendee) == 0 and rows(IdempotencyKey) == 0
    with pytest.raises(PermissionDenied):
        participation.join_hearing(hearing, PROFILE, key())


def test_join_form_has_labelled_vocab_selects_and_consent(client, nsp):
    hearing = make_hearing(status="open", title="Hearing at NED")
    db.session.commit()
    response = client.get(f"/join/{hearing.join_code}")
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert '<option value="khyber-pakhtunkhwa">Khyber Pakhtunkhwa</option>' in html
    assert "Prefer not to say" in html and 'name="show_name"' in html
    assert "Participant at Hearing at NED" in html
    assert re.search(r'name="idempotency_key" type="hidden" value="[0-9a-f]{32}"', html)
    assert re.search(r'src="/static/js/hearing-offline\.[0-9a-f]{12}\.js"', html)
    assert "<script>" not in html
    assert 'data-saved="Saved on this phone; it will be sent when you are back online."' in html


def test_joining_creates_an_attendee_and_a_session(client, nsp):
    hearing = make_hearing(status="open")
    db.session.commit()
    response = join(client, hearing)
    assert_redirect(response, f"/join/{hearing.join_code}/take-part")
    db.session.expire_all()
    attendee = db.session.scalar(select(HearingAttendee))
    person = db.session.get(Participant, attendee.participant_id)
    assert (attendee.hearing_id, attendee.channel, attendee.given_name) == (
        hearing.id,
        "hearing",
        "Ayesha Khan",
    )
    assert (person.kind, person.display_name, person.province, person.age_band) == (
        "attendee",
        "Ayesha Khan",
        "sindh",
        "18-24",
    )
    with client.session_transaction() as sess:
        value = sess[participation.SESSION_KEY]
    assert (value["p"], value["h"]) == (person.id, hearing.id)
    assert "_user_id" not in sess  # not a Flask-Login session
    home = client.get(f"/join/{hearing.join_code}/take-part")
    html = home.get_data(as_text=True)
    assert home.status_code == 200 and home.headers["Cache-Control"] == "no-store"
    assert section_url(hearing) in html and section_url(hearing, "human-security") in html
    assert section_url(hearing, "defence") not in html  # not in scope
    # Back on the join page: already in, straight to the sections.
    assert_redirect(
        client.get(f"/join/{hearing.join_code}"), f"/join/{hearing.join_code}/take-part"
    )


def test_without_consent_the_name_stays_private(client, nsp):
    hearing = make_hearing(status="open", title="Karachi hearing")
    db.session.commit()
    join(client, hearing, {**PROFILE, "show_name": ""})
    db.session.expire_all()
    person = db.session.scalar(select(Participant).where(Participant.kind == "attendee"))
    assert person.display_name == "Participant at Karachi hearing"


def test_join_errors_show_per_field_and_write_nothing(client, nsp):
    hearing = make_hearing(status="open")
    db.session.commit()
    response = join(client, hearing, {**PROFILE, "province": "mars", "name": "x" * 81})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This is too long." in html or "Use at most 80 characters." in html
    assert rows(Participant) == 0 and rows(IdempotencyKey) == 0
    bad_key = client.post(f"/join/{hearing.join_code}", data={**PROFILE, "idempotency_key": "no"})
    assert bad_key.status_code == 422 and rows(Participant) == 0


def test_a_replayed_join_writes_once_and_answers_the_same(client, nsp, app):
    hearing = make_hearing(status="open")
    db.session.commit()
    first = join(client, hearing, idem=key(1))
    other = app.test_client()  # the same phone's resend, its cookie lost on the way
    second = join(other, hearing, idem=key(1))
    assert first.headers["Location"] == second.headers["Location"]
    assert rows(Participant) == 1 and rows(IdempotencyKey) == 1
    with client.session_transaction() as a, other.session_transaction() as b:
        assert a[participation.SESSION_KEY] == b[participation.SESSION_KEY]
    third = app.test_client()
    changed = join(third, hearing, {**PROFILE, "name": "Someone else"}, idem=key(1))
    assert changed.status_code == 409 and rows(Participant) == 1


def test_a_signed_in_account_joins_as_an_attendee(client, nsp, login_as):
    user = login_as("citizen")
    hearing = make_hearing(status="open")
    db.session.commit()
    page = client.get(f"/join/{hearing.join_code}").get_data(as_text=True)
    assert "You are signed in as" in page
    join(client, hearing)
    client.post(section_url(hearing), data={"body": "From the hall.", "idempotency_key": key(2)})
    db.session.expire_all()
    comment = db.session.scalar(select(Comment))
    assert comment.participant_id != user.participant_id and comment.channel == "hearing"


def test_joins_are_rate_limited_per_address(make_app, nsp):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_JOIN="2 per minute")
    with app.app_context():
        hearing = make_hearing(status="open")
        db.session.commit()
        code = hearing.join_code
    client = app.test_client()
    statuses = [
        client.post(f"/join/{code}", data={"idempotency_key": key(n)}).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    again = client.post(f"/join/{code}", data={"idempotency_key": key(3), "name": "Ayesha"})
    html = again.get_data(as_text=True)  # the join form again, with the name kept
    assert again.status_code == 429 and "You are posting too quickly" in html
    assert 'value="Ayesha"' in html
    with app.app_context():  # this second app's engine: close its connections now
        db.session.remove()
        db.engine.dispose()


def test_attendee_posts_are_rate_limited_per_attendee_not_per_address(make_app, nsp):
    """One hall shares an address: one phone's flood stops that phone, not its neighbours."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_ATTENDEE_POSTING="2 per minute")
    with app.app_context():
        hearing = make_hearing(status="open")
        db.session.commit()
        first, second = app.test_client(), app.test_client()
        for n, client in enumerate((first, second)):
            join(client, hearing, idem=key(200 + n))
        url = section_url(hearing)

        def post(client, n):
            data = {"body": f"Point {n} from the hall.", "idempotency_key": key(100 + n)}
            return client.post(url, data=data).status_code

        assert [post(first, n) for n in range(3)] == [302, 302, 429]
        assert client_survey_refused(first, url)  # the survey shares the bucket
        assert post(second, 9) == 302  # same address, another attendee
        assert first.get(url).status_code == 200  # reading is never limited
        assert db.session.scalar(select(func.count(Comment.id))) == 3
        db.session.remove()
        db.engine.dispose()


def test_an_attendee_over_the_limit_keeps_what_they_wrote(make_app, nsp):
    """Without JavaScript (which would keep it on the phone), the form comes back with the
    text and the answers in it and says to wait: nothing typed is lost to a 429."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_ATTENDEE_POSTING="1 per minute")
    with app.app_context():
        hearing = make_hearing(status="open")
        db.session.commit()
        phone = app.test_client()
        join(phone, hearing, idem=key(400))
        url = section_url(hearing)
        first = {"body": "The first point, sent in time.", "idempotency_key": key(401)}
        assert phone.post(url, data=first).status_code == 302
        later = {"body": "A second point & <its> detail.", "idempotency_key": key(402)}
        response = phone.post(url, data=later)
        html = response.get_data(as_text=True)
        assert response.status_code == 429
        assert "You are posting too quickly" in html
        assert "A second point &amp; &lt;its&gt; detail.</textarea>" in html
        answers = {**ANSWERS, "idempotency_key": key(403)}
        response = phone.post(url + "/survey", data=answers)
        html = response.get_data(as_text=True)
        assert response.status_code == 429 and "You are posting too quickly" in html
        assert "Say more about languages.</textarea>" in html  # the answers are kept
        assert db.session.scalar(select(func.count(Comment.id))) == 1
        db.session.remove()
        db.engine.dispose()


def client_survey_refused(client, url) -> bool:
    return client.post(url + "/survey", data={"idempotency_key": key(300)}).status_code == 429


# --- taking part --------------------------------------------------------------------------


@pytest.fixture
def attendee(client, nsp):
    """An open hearing (national-cohesion and human-security) this client has joined."""
    hearing = make_hearing(status="open", title="Hearing at Punjab University")
    db.session.commit()
    join(client, hearing)
    db.session.expire_all()
    return hearing


def test_an_attendee_comments_with_channel_and_hearing(client, attendee):
    hearing = attendee
    page = client.get(section_url(hearing))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "NC-1" in html and 'name="objective"' in html and 'name="stance"' in html
    assert f"{section_url(hearing)}/survey" in html  # the section's survey is open
    response = client.post(
        section_url(hearing),
        data={
            "objective": "NC-2",
            "stance": "support",
            "body": "More federal harmony.",
            "idempotency_key": key(3),
        },
    )
    assert_redirect(response, section_url(hearing))
    db.session.expire_all()
    comment = db.session.scalar(select(Comment))
    assert (comment.channel, comment.hearing_id, comment.stance, comment.objective.key) == (
        "hearing",
        hearing.id,
        "support",
        "NC-2",
    )
    assert comment.participant.display_name == "Ayesha Khan"
    after = client.get(section_url(hearing)).get_data(as_text=True)
    assert "your comment is in the record" in after


def test_comment_errors_keep_what_was_typed(client, attendee):
    response = client.post(
        section_url(attendee),
        data={"objective": "XX-9", "body": "Typed text stays.", "idempotency_key": key(4)},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Typed text stays." in html and "Unknown objective" in html
    assert key(4) in html  # the same key: nothing was stored for it
    assert rows(Comment) == 0 and rows(IdempotencyKey) == 1  # only the join's


def test_a_replayed_comment_writes_once_and_answers_the_same(client, attendee):
    data = {"body": "Said once, sent twice.", "idempotency_key": key(5)}
    first = client.post(section_url(attendee), data=data)
    second = client.post(section_url(attendee), data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert rows(Comment) == 1
    offline = client.post(section_url(attendee), data=data, headers={"X-Hearing-Offline": "1"})
    assert offline.get_json() == {"location": section_url(attendee)}
    assert rows(Comment) == 1


def test_a_section_out_of_scope_is_refused(client, attendee):
    for method in ("get", "post"):
        response = getattr(client, method)(
            section_url(attendee, "defence"), data={"body": "x", "idempotency_key": key(6)}
        )
        assert response.status_code == 403
        assert "not part of this hearing" in response.get_data(as_text=True)
    assert client.get(section_url(attendee, "no-such-section")).status_code == 404
    with pytest.raises(PermissionDenied):
        participation.in_scope_section(attendee, "defence")
    assert rows(Comment) == 0


def test_participants_see_only_their_hearings_pages(client, attendee):
    other = make_hearing(status="open")
    db.session.commit()
    response = client.get(section_url(other))
    assert_redirect(response, f"/join/{other.join_code}")
    posted = client.post(section_url(other), data={"body": "x", "idempotency_key": key(7)})
    assert posted.status_code == 302 and rows(Comment) == 0
    stranger = client.application.test_client()
    assert_redirect(stranger.get(section_url(attendee)), f"/join/{attendee.join_code}")


def test_a_forged_session_is_refused(client, attendee):
    with client.session_transaction() as sess:
        value = dict(sess[participation.SESSION_KEY])
        sess[participation.SESSION_KEY] = {**value, "p": value["p"] + 1}
    assert client.get(section_url(attendee)).status_code == 302


def test_an_attendee_answers_the_sections_survey(client, attendee):
    url = f"{section_url(attendee)}/survey"
    page = client.get(url)
    assert page.status_code == 200 and 'name="q.ratings.NC-1"' in page.get_data(True)
    bad = client.post(url, data={**ANSWERS, "q.ratings.NC-1": "9", "idempotency_key": key(8)})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="q-ratings-error"' in html
    assert "Say more about languages." in html  # what was typed stays
    assert rows(SurveyResponse) == 0
    ok = client.post(url, data={**ANSWERS, "idempotency_key": key(8)})
    assert_redirect(ok, section_url(attendee))
    again = client.post(url, data={**ANSWERS, "idempotency_key": key(8)})
    assert again.headers["Location"] == ok.headers["Location"]
    db.session.expire_all()
    response = db.session.scalar(select(SurveyResponse))
    assert (response.channel, response.hearing_id, response.province) == (
        "hearing",
        attendee.id,
        "sindh",
    )
    assert rows(SurveyResponse) == 1
    assert "You have answered this survey" in client.get(url).get_data(as_text=True)
    second = client.post(url, data={**ANSWERS, "idempotency_key": key(9)})
    assert second.status_code == 409 and rows(SurveyResponse) == 1


def test_the_attendee_session_ends_when_the_hearing_closes(client, attendee):
    facilitator = attendee.facilitators[0]
    hearings.close_hearing(facilitator, attendee)
    db.session.commit()
    page = client.get(section_url(attendee))
    assert page.status_code == 403 and "This hearing has ended" in page.get_data(True)
    posted = client.post(section_url(attendee), data={"body": "Late", "idempotency_key": key(10)})
    assert posted.status_code == 403 and rows(Comment) == 0
    with client.session_transaction() as sess:
        assert participation.SESSION_KEY not in sess
    survey = client.post(
        f"{section_url(attendee)}/survey", data={**ANSWERS, "idempotency_key": key(11)}
    )
    assert survey.status_code == 403 and rows(SurveyResponse) == 0


def test_the_services_refuse_a_closed_hearing_and_a_stranger(app, nsp):
    hearing = make_hearing(status="open")
    person = participation.join_hearing(hearing, {}, key(12))
    assert participation.join_hearing(hearing, {}, key(12)).id == person.id
    other = make_hearing(status="open")
    with pytest.raises(PermissionDenied, match="Join this hearing first"):
        participation.post_comment(other, person, section_of(), {"body": "x"}, key(13))
    done = participation.post_comment(hearing, person, section_of(), {"body": "Once"}, key(14))
    hearings.close_hearing(hearing.facilitators[0], hearing)
    # A replay of what landed before the close still gets its answer; nothing new lands.
    replay = participation.post_comment(hearing, person, section_of(), {"body": "Once"}, key(14))
    assert replay.replayed and replay.body == done.body
    with pytest.raises(PermissionDenied, match="has ended"):
        participation.post_comment(hearing, person, section_of(), {"body": "New"}, key(15))
    with pytest.raises(ValidationError):
        participation.post_comment(hearing, person, section_of(), {"body": "x"}, "bad")
    assert count_rows(Comment) == 1


# --- the thread names the hearing -----------------------------------------------------------


def _hearing_comments(n: int, hearing_count: int) -> None:
    from consult.comments.services import post_attendee_comment
    from consult.hearings.attendees import AttendeeProfile, create_attendee

    hs = [make_hearing(status="open", title=f"Hall {i}") for i in range(hearing_count)]
    for i in range(n):
        h = hs[i % hearing_count]
        person = create_attendee(h, AttendeeProfile(), "hearing")
        post_attendee_comment(person, section_of(), f"Hall comment {i}", hearing_id=h.id)
    make_comment(body="An online comment")
    db.session.commit()


def test_thread_labels_hearing_comments_in_a_fixed_number_of_queries(client, nsp):
    url = "/policies/nsp-2022-2026/sections/national-cohesion"
    _hearing_comments(2, 1)
    with count_queries() as few:
        html = client.get(url).get_data(as_text=True)
    assert "At a hearing: Hall 0" in html
    _hearing_comments(12, 4)
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert "At a hearing: Hall 3" in html
    assert len(many) == len(few)


# --- the projector ------------------------------------------------------------------------


def test_projector_shows_code_url_qr_and_counters(client, nsp, login_as):
    facilitator = login_as("facilitator")
    hearing = make_hearing(facilitator, status="open")
    db.session.commit()
    show = client.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    assert f"/hearings/{hearing.id}/projector" in show
    response = client.get(f"/hearings/{hearing.id}/projector")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert hearing.join_code in html
    assert f"http://127.0.0.1:5000/join/{hearing.join_code}" in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<title>QR code: open http://127.0.0.1:5000/join/" in svg and 'role="img"' in svg
    assert "style=" not in svg and "<script" not in svg
    assert re.search(r'src="/static/js/hearing-projector\.[0-9a-f]{12}\.js"', html)
    assert f'data-counters-url="/hearings/{hearing.id}/counters.json"' in html


def test_qr_svg_is_csp_safe():
    svg = qr_svg("https://consult.example.org/join/AC34KX", "Join <now>")
    assert svg.startswith('<svg role="img"') and "style" not in svg
    assert "<title>Join &lt;now&gt;</title>" in svg


def test_counters_in_one_query_by_channel(client, nsp, login_as):
    facilitator = login_as("facilitator")
    hearing = make_hearing(facilitator, status="open")
    db.session.commit()
    phone = client.application.test_client()
    join(phone, hearing)
    phone.post(section_url(hearing), data={"body": "From a phone", "idempotency_key": key(16)})
    phone.post(f"{section_url(hearing)}/survey", data={**ANSWERS, "idempotency_key": key(17)})
    db.session.expire_all()
    db.session.refresh(hearing)
    with count_queries() as statements:
        counts = participation.count_live(hearing).as_json()
    assert len(statements) == 1
    assert counts["attendees"] == {"online": 0, "hearing": 1, "paper": 0, "total": 1}
    assert counts["comments"]["hearing"] == 1 and counts["responses"]["total"] == 1
    data = client.get(f"/hearings/{hearing.id}/counters.json").get_json()
    assert data["status"] == "open" and data["comments"]["total"] == 1


def test_projector_and_counters_are_for_managers(client, nsp, login_as):
    hearing = make_hearing(status="open")
    db.session.commit()
    for path in ("projector", "counters.json"):
        assert client.get(f"/hearings/{hearing.id}/{path}").status_code == 302
    login_as("facilitator")  # not assigned
    for path in ("projector", "counters.json"):
        assert client.get(f"/hearings/{hearing.id}/{path}").status_code == 403


def test_api_counters_for_managers(client, nsp):
    facilitator = make_user(role="facilitator")
    hearing = make_hearing(facilitator, status="open")
    db.session.commit()
    url = f"/api/v1/hearings/{hearing.id}/counters"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer_for(make_user(role="facilitator"))).status_code == 403
    data = client.get(url, headers=bearer_for(facilitator)).get_json()
    assert data["hearing_id"] == hearing.id and data["attendees"]["total"] == 0
    assert (
        client.get("/api/v1/hearings/999/counters", headers=bearer_for(facilitator)).status_code
        == 404
    )
