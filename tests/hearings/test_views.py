"""Hearing pages: list, create, edit, status, outcome, facilitators; buttons follow perms."""

from __future__ import annotations

from sqlalchemy import select

from consult.comments.services import post_comment
from consult.extensions import db
from consult.hearings import queries
from consult.hearings.models import Hearing
from tests.factories import make_hearing, make_user, section_of
from tests.helpers import assert_redirect, count_rows

FORM = {
    "title": "Hearing at Quaid-i-Azam University",
    "institution": "Quaid-i-Azam University",
    "city": "Islamabad",
    "province": "islamabad",
    "venue": "Convocation hall",
    "starts_at": "2026-12-10T10:00",
    "ends_at": "2026-12-10T13:00",
    "sections": ["defence", "human-security"],
    "description": "Open to students and staff.",
}


def test_facilitator_creates_a_hearing(client, nsp, login_as):
    facilitator = login_as("facilitator")
    response = client.post("/hearings/new?policy=nsp-2022-2026", data=FORM)
    hearing = db.session.scalar(select(Hearing))
    assert_redirect(response, f"/hearings/{hearing.id}")
    assert [f.id for f in hearing.facilitators] == [facilitator.id]
    # Typed in Pakistan Standard Time (UTC+5), stored in UTC.
    assert hearing.starts_at.isoformat() == "2026-12-10T05:00:00+00:00"
    page = client.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    assert hearing.join_code in page and "Open the hearing" in page
    assert "/policies/nsp-2022-2026/sections/defence" in page


def test_create_errors_keep_what_was_typed(client, nsp, login_as):
    login_as("facilitator")
    bad = {**FORM, "ends_at": "2026-12-10T09:00", "sections": []}
    response = client.post("/hearings/new?policy=nsp-2022-2026", data=bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The hearing must end after it starts." in html
    assert "Choose at least one section." in html
    assert 'value="Quaid-i-Azam University"' in html and "Convocation hall" in html
    assert count_rows(Hearing) == 0


def test_citizen_cannot_open_the_create_form(client, nsp, login_as):
    login_as("citizen")
    assert client.get("/hearings/new").status_code == 403
    assert client.post("/hearings/new", data=FORM).status_code == 403
    assert count_rows(Hearing) == 0


def test_public_list_shows_counts_and_no_new_link_for_visitors(client, nsp):
    hearing = make_hearing(status="open")
    citizen = make_user()
    post_comment(
        citizen, section_of(), "Said in the hall", channel="hearing", hearing_id=hearing.id
    )
    db.session.commit()
    html = client.get("/hearings/").get_data(as_text=True)
    assert hearing.title in html and "1 contribution" in html
    assert 'href="/hearings/new"' not in html
    page = client.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    assert hearing.join_code not in page and "Close the hearing" not in page


def test_facilitator_sees_new_link_and_own_scheduled_hearings(client, nsp, login_as):
    facilitator = login_as("facilitator")
    hearing = make_hearing(facilitator)
    db.session.commit()
    html = client.get("/hearings/").get_data(as_text=True)
    assert 'href="/hearings/new"' in html and "Hearings you run" in html
    assert f'href="/hearings/{hearing.id}"' in html


def test_open_close_and_record_the_outcome(client, nsp, login_as):
    facilitator = login_as("facilitator")
    hearing = make_hearing(facilitator)
    db.session.commit()
    url = f"/hearings/{hearing.id}"
    assert_redirect(client.post(f"{url}/status", data={"status": "open"}), url)
    db.session.expire_all()
    assert hearing.status == "open"
    client.post(f"{url}/status", data={"status": "closed"})
    db.session.expire_all()
    assert hearing.status == "closed"
    # Reopening is refused, with the reason flashed.
    client.post(f"{url}/status", data={"status": "open"})
    assert "cannot be reopened" in client.get(url).get_data(as_text=True)
    db.session.expire_all()
    assert hearing.status == "closed"
    bad = client.post(f"{url}/outcome", data={"attendance": "-3", "minutes": "Notes"})
    assert bad.status_code == 422 and "Notes" in bad.get_data(as_text=True)
    done = client.post(
        f"{url}/outcome", data={"attendance": "140", "minutes": "Notes", "summary": "Good"}
    )
    assert_redirect(done, url)
    db.session.expire_all()
    assert (hearing.attendance, hearing.minutes, hearing.summary) == (140, "Notes", "Good")


def test_unassigned_facilitator_gets_403_and_no_controls(client, nsp, login_as):
    hearing = make_hearing()
    db.session.commit()
    login_as("facilitator")
    assert "Open the hearing" not in client.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    assert client.post(f"/hearings/{hearing.id}/status", data={"status": "open"}).status_code == 403
    assert client.get(f"/hearings/{hearing.id}/edit").status_code == 403
    db.session.expire_all()
    assert hearing.status == "scheduled"


def test_edit_shows_local_times_and_saves(client, nsp, login_as):
    facilitator = login_as("facilitator")
    client.post("/hearings/new?policy=nsp-2022-2026", data=FORM)
    hearing = db.session.scalar(select(Hearing))
    html = client.get(f"/hearings/{hearing.id}/edit").get_data(as_text=True)
    assert 'value="2026-12-10T10:00"' in html
    response = client.post(f"/hearings/{hearing.id}/edit", data={**FORM, "title": "New title"})
    assert_redirect(response, f"/hearings/{hearing.id}")
    db.session.expire_all()
    assert hearing.title == "New title" and hearing.facilitators[0].id == facilitator.id


def test_add_and_remove_a_facilitator(client, nsp, login_as):
    lead = login_as("facilitator")
    hearing = make_hearing(lead)
    colleague = make_user(role="facilitator")
    citizen = make_user()
    db.session.commit()
    url = f"/hearings/{hearing.id}/facilitators"
    client.post(url, data={"email": citizen.email})
    client.post(url, data={"email": colleague.email})
    db.session.expire_all()
    assert [f.id for f in hearing.facilitators] == [lead.id, colleague.id]
    client.post(f"{url}/{colleague.id}/remove")
    db.session.expire_all()
    assert [f.id for f in hearing.facilitators] == [lead.id]


def test_the_list_runs_the_same_queries_for_few_and_many_hearings(client, nsp, login_as):
    from tests.helpers import count_queries

    facilitator = login_as("facilitator")
    citizen = make_user()

    def add(n: int) -> None:
        for _i in range(n):
            hearing = make_hearing(facilitator, status="open")
            post_comment(
                citizen,
                section_of(),
                f"Point {hearing.id}",
                channel="hearing",
                hearing_id=hearing.id,
            )
        db.session.commit()

    add(1)
    with count_queries() as few:
        assert client.get("/hearings/").status_code == 200
    add(8)
    with count_queries() as many:
        html = client.get("/hearings/").get_data(as_text=True)
    assert len(many) == len(few)
    assert html.count("1 contribution<") == 18  # each hearing twice: yours and the public list


def test_past_hearings_are_paged_on_the_list_and_in_the_api(client, nsp, monkeypatch):
    monkeypatch.setattr(queries, "PAST_PER_PAGE", 2)
    closed = [make_hearing(status="closed", title=f"Closed {n}") for n in range(3)]
    db.session.commit()
    first = client.get("/hearings/").get_data(as_text=True)
    assert "Closed 2" in first and "Closed 1" in first and "Closed 0" not in first
    assert "Page 1 of 2" in first and 'href="/hearings/?page=2#past-heading"' in first
    second = client.get("/hearings/?page=2").get_data(as_text=True)
    assert "Closed 0" in second and "Closed 2" not in second and 'rel="prev"' in second
    assert client.get("/hearings/?page=abc").status_code == 422
    api = client.get("/api/v1/hearings?page=2").json
    assert [h["id"] for h in api["hearings"]] == [closed[0].id]
    assert (api["page"], api["per_page"], api["past_total"]) == (2, 2, 3)
    assert client.get("/api/v1/hearings?page=0").status_code == 422
