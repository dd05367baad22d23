"""Paper forms: entered by a facilitator as one transaction, numbered, corrected with
revisions kept; the entry screen, the list of forms and the printable form."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from consult.comments.models import Comment, CommentRevision
from consult.core.audit import AuditEntry
from consult.errors import Conflict, PermissionDenied, ValidationError
from consult.extensions import db
from consult.hearings import paper
from consult.hearings.models import HearingAttendee
from consult.surveys.models import SurveyResponse, SurveyResponseRevision
from tests.factories import make_hearing, make_user, survey_of
from tests.helpers import count_rows

RATINGS = {"NC-1": 4, "NC-2": 5, "NC-3": "no-opinion"}
HS_RATINGS = {f"HS-{i}": 3 for i in range(1, 8)}


def form(number=None, **overrides):
    data = {
        "form_number": number,
        "participant": {"name": "Sana", "province": "sindh", "age_band": "18-24"},
        "comments": [
            {
                "section": "national-cohesion",
                "objective": "NC-1",
                "stance": "support",
                "body": "Teach the constitution in every school.",
            },
            {"section": "human-security", "body": "Clean water first."},
        ],
        "responses": [{"survey": "national-cohesion", "answers": {"ratings": RATINGS}}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def hall(app, nsp):
    facilitator = make_user(role="facilitator")
    hearing = make_hearing(facilitator, status="open")
    db.session.commit()
    return facilitator, hearing


def test_forms_are_numbered_and_land_in_threads_and_results(hall):
    facilitator, hearing = hall
    first = paper.submit_paper_form(facilitator, hearing, form())
    second = paper.submit_paper_form(facilitator, hearing, form(7, comments=[]))
    third = paper.submit_paper_form(facilitator, hearing, form(responses=[]))
    db.session.commit()
    assert (first.form_number, second.form_number, third.form_number) == (1, 7, 8)
    comments = db.session.scalars(select(Comment).where(Comment.id.in_(first.comment_ids))).all()
    assert {(c.channel, c.hearing_id, c.status) for c in comments} == {
        ("paper", hearing.id, "published")
    }
    assert {c.objective.key if c.objective else None for c in comments} == {"NC-1", None}
    response = db.session.get(SurveyResponse, first.response_ids[0])
    assert (response.channel, response.hearing_id, response.province) == (
        "paper",
        hearing.id,
        "sindh",
    )
    attendee = db.session.get(HearingAttendee, first.participant_id)
    assert (attendee.channel, attendee.form_number, attendee.given_name) == ("paper", 1, "Sana")
    assert attendee.entered_by_id == facilitator.id
    assert [r.attendee.form_number for r in paper.list_forms(hearing)] == [1, 7, 8]
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("hearing.paper_form") == 3


def test_same_text_on_two_objectives_is_kept_twice(hall):
    facilitator, hearing = hall
    result = paper.submit_paper_form(
        facilitator,
        hearing,
        form(
            comments=[
                {"section": "national-cohesion", "objective": "NC-1", "body": "Agreed."},
                {"section": "national-cohesion", "objective": "NC-2", "body": "Agreed."},
            ]
        ),
    )
    assert len(set(result.comment_ids)) == 2


def test_every_error_is_named_and_nothing_is_written(hall):
    facilitator, hearing = hall
    before = count_rows(Comment), count_rows(HearingAttendee), count_rows(SurveyResponse)
    bad = form(
        "x",
        participant={"province": "mars"},
        comments=[
            {"section": "defence", "body": "Out of scope"},
            {"section": "national-cohesion", "objective": "HS-1", "body": "Wrong key"},
            {"section": "national-cohesion", "stance": "maybe", "body": " "},
        ],
        responses=[{"survey": "national-cohesion", "answers": {"ratings": {"NC-1": 9}}}],
    )
    with pytest.raises(ValidationError) as caught:
        paper.submit_paper_form(facilitator, hearing, bad)
    assert set(caught.value.fields) >= {
        "form_number",
        "participant.province",
        "comments.0.section",
        "comments.1.objective",
        "comments.2.stance",
        "comments.2.body",
        "responses.0.ratings",
    }
    db.session.rollback()
    assert (count_rows(Comment), count_rows(HearingAttendee), count_rows(SurveyResponse)) == before


def test_duplicate_form_number_is_refused(hall):
    facilitator, hearing = hall
    paper.submit_paper_form(facilitator, hearing, form(17))
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        paper.submit_paper_form(facilitator, hearing, form(17))
    assert "form_number" in caught.value.fields
    db.session.rollback()
    assert count_rows(HearingAttendee) == 1


def test_only_assigned_facilitators_and_only_after_opening(app, nsp):
    owner = make_user(role="facilitator")
    scheduled = make_hearing(owner)
    closed = make_hearing(owner, status="closed")
    with pytest.raises(PermissionDenied):
        paper.submit_paper_form(make_user(role="facilitator"), closed, form())
    with pytest.raises(Conflict):
        paper.submit_paper_form(owner, scheduled, form())
    # After closing, the stack of paper is typed up: allowed.
    assert paper.submit_paper_form(owner, closed, form()).form_number == 1
    assert paper.submit_paper_form(make_user(role="admin"), closed, form()).form_number == 2


def test_corrections_keep_revisions(hall):
    facilitator, hearing = hall
    first = paper.submit_paper_form(facilitator, hearing, form(3))
    db.session.commit()
    corrected = form(
        participant={"name": "Sana Baloch", "show_name": True, "province": "balochistan"},
        comments=[
            {
                "section": "national-cohesion",
                "objective": "NC-1",
                "stance": "concern",
                "body": "Teach the constitution in every school, in every language.",
            },
            {"section": "national-cohesion", "objective": "NC-2", "body": "New remark."},
        ],
        responses=[
            {"survey": "national-cohesion", "answers": {"ratings": {**RATINGS, "NC-1": 2}}},
            {
                "survey": "human-security",
                "answers": {"ratings": HS_RATINGS, "missing": "Heat waves."},
            },
        ],
    )
    result = paper.correct_paper_form(facilitator, hearing, 3, corrected)
    db.session.commit()
    db.session.expire_all()
    edited = db.session.get(Comment, first.comment_ids[0])
    assert edited.stance == "concern" and "every language" in edited.body
    revision = db.session.scalar(
        select(CommentRevision).where(CommentRevision.comment_id == edited.id)
    )
    assert (
        revision.body == "Teach the constitution in every school." and revision.stance == "support"
    )
    assert db.session.get(Comment, first.comment_ids[1]).status == "withdrawn"
    assert len(result.comment_ids) == 2 and len(result.response_ids) == 2
    response = db.session.get(SurveyResponse, first.response_ids[0])
    assert response.answers["ratings"]["NC-1"] == 2 and response.province == "balochistan"
    old = db.session.scalar(select(SurveyResponseRevision))
    assert old.answers["ratings"]["NC-1"] == 4
    participant = edited.participant
    assert participant.display_name == "Sana Baloch" and participant.province == "balochistan"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "hearing.paper_correct")
    )
    data = json.loads(entry.data)
    assert data["form_number"] == 3 and "comment national-cohesion.NC-1 edited" in data["changes"]
    history = paper.form_history(hearing, db.session.get(HearingAttendee, participant.id))
    assert len(history.comment_revisions) == 1 and len(history.response_revisions) == 1
    assert paper.list_forms(hearing)[0].revisions == 2
    # A response cannot be removed by a correction.
    with pytest.raises(ValidationError):
        paper.correct_paper_form(facilitator, hearing, 3, form(responses=[]))


def test_entry_screen_saves_and_shows_an_empty_form(client, login_as, nsp):
    user = login_as("facilitator")
    hearing = make_hearing(user, status="open")
    db.session.commit()
    page = client.get(f"/hearings/{hearing.id}/paper")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "autofocus" in html
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    data = {
        "idempotency_key": key,
        "form_number": "17",
        "name": "Bilal",
        "province": "punjab",
        "national-cohesion.NC-1.comment": "More debate clubs.",
        "national-cohesion.NC-1.stance": "suggestion",
        "national-cohesion.comment": "Good section.",
        "national-cohesion.ratings.NC-1": "4",
        "national-cohesion.ratings.NC-2": "4",
        "national-cohesion.ratings.NC-3": "5",
        "national-cohesion.priorities.NC-1": "2",
        "national-cohesion.priorities.NC-2": "1",
        "national-cohesion.priorities.NC-3": "3",
    }
    saved = client.post(f"/hearings/{hearing.id}/paper", data=data)
    assert saved.status_code == 302
    again = client.post(f"/hearings/{hearing.id}/paper", data=data)  # a double submit
    assert again.status_code == 302
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Saved form 17" in shown
    db.session.expire_all()
    assert count_rows(HearingAttendee) == 1
    comments = db.session.scalars(select(Comment)).all()
    assert {(c.channel, c.hearing_id) for c in comments} == {("paper", hearing.id)}
    assert len(comments) == 2
    response = db.session.scalar(
        select(SurveyResponse).where(SurveyResponse.survey_id == survey_of().id)
    )
    assert response.answers["priorities"] == ["NC-2", "NC-1", "NC-3"]
    listing = client.get(f"/hearings/{hearing.id}/paper/forms").get_data(as_text=True)
    assert f"/hearings/{hearing.id}/paper/17" in listing


def test_entry_screen_errors_keep_what_was_typed(client, login_as, nsp):
    user = login_as("facilitator")
    hearing = make_hearing(user, status="open")
    db.session.commit()
    response = client.post(
        f"/hearings/{hearing.id}/paper",
        data={
            "idempotency_key": "paper-key-0001",
            "province": "mars",
            "national-cohesion.NC-2.comment": "Kept text",
            "national-cohesion.NC-2.stance": "maybe",
            "national-cohesion.ratings.NC-1": "4",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kept text" in html
    assert "Choose one of: support" in html  # the stance, beside its select
    assert "Choose one of: punjab" in html  # the province
    assert "Rate every item" in html  # the survey's matrix
    db.session.expire_all()
    assert count_rows(HearingAttendee) == 0 and count_rows(Comment) == 0


def test_correction_screen_shows_the_form_and_its_revisions(client, login_as, nsp):
    user = login_as("facilitator")
    hearing = make_hearing(user, status="open")
    paper.submit_paper_form(user, hearing, form(5))
    db.session.commit()
    url = f"/hearings/{hearing.id}/paper/5"
    page = client.get(url).get_data(as_text=True)
    assert "Teach the constitution in every school." in page
    data = {
        "name": "Sana",
        "province": "sindh",
        "age_band": "18-24",
        "national-cohesion.NC-1.comment": "Teach the constitution.",
        "national-cohesion.NC-1.stance": "support",
        "human-security.comment": "Clean water first.",
        **{f"national-cohesion.ratings.{k}": str(v) for k, v in RATINGS.items()},
    }
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert count_rows(CommentRevision) == 1
    page = client.get(url).get_data(as_text=True)
    assert "Teach the constitution in every school." in page  # the earlier version
    assert client.get(f"/hearings/{hearing.id}/paper/99").status_code == 404


def test_unassigned_facilitator_is_refused(client, login_as, nsp):
    hearing = make_hearing(status="open")
    db.session.commit()
    login_as("facilitator")
    for url in ("/paper", "/paper/forms", "/paper/import", "/paper/print", "/paper/template.csv"):
        assert client.get(f"/hearings/{hearing.id}{url}").status_code == 403, url


def test_printable_form_in_english_and_urdu(client, login_as, nsp):
    user = login_as("facilitator")
    hearing = make_hearing(user)  # printed before the hearing opens
    db.session.commit()
    english = client.get(f"/hearings/{hearing.id}/paper/print?lang=en").get_data(as_text=True)
    assert "NC-1" in english and "HS-7" in english and "form-number" in english
    assert "style=" not in english
    urdu = client.get(f"/hearings/{hearing.id}/paper/print?lang=ur")
    assert urdu.status_code == 200 and 'dir="rtl"' in urdu.get_data(as_text=True)
    assert client.get(f"/hearings/{hearing.id}/paper/print?lang=fr").status_code == 422


def test_paper_input_shows_in_threads_results_and_hearing_counts(client, nsp):
    from consult.hearings import queries
    from consult.surveys import queries as survey_queries

    facilitator = make_user(role="facilitator")
    hearing = make_hearing(facilitator, status="open", title="Peshawar University hearing")
    paper.submit_paper_form(facilitator, hearing, form())
    paper.submit_paper_form(
        facilitator, hearing, form(participant={"name": "Gul", "show_name": "1"})
    )
    db.session.commit()
    thread = client.get("/policies/nsp-2022-2026/sections/national-cohesion").get_data(as_text=True)
    assert "Teach the constitution in every school." in thread
    assert "Participant at Peshawar University hearing" in thread and "Gul" in thread
    results = survey_queries.survey_results(survey_of())
    assert results["responses"] == 2
    assert results["questions"]["ratings"]["rows"]["NC-1"]["distribution"]["4"] == 2
    counts = queries.count_contributions([hearing.id])[hearing.id]
    assert (counts.comments["paper"], counts.responses["paper"]) == (4, 2)
