"""CSV import of paper forms: the template, a dry run naming each row's errors, an
all-or-nothing import, re-import as a no-op, and the file's encoding, size and header."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from sqlalchemy import select

from consult.comments.models import Comment
from consult.core.audit import AuditEntry
from consult.extensions import db
from consult.hearings import paper_csv
from consult.hearings.models import HearingAttendee
from consult.surveys.models import SurveyResponse
from tests.factories import make_hearing
from tests.helpers import count_rows


@pytest.fixture
def setup(client, login_as, nsp):
    user = login_as("facilitator")
    hearing = make_hearing(user, status="open")
    db.session.commit()
    header = next(
        csv.reader(
            io.StringIO(
                client.get(f"/hearings/{hearing.id}/paper/template.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    return hearing, header


def row(header, **cells):
    return [cells.get(name.replace(".", "__").replace("-", "_"), "") for name in header]


def rows_csv(header, rows, bom=True):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


RATED = {
    "national_cohesion__ratings__NC_1": "4",
    "national_cohesion__ratings__NC_2": "3",
    "national_cohesion__ratings__NC_3": "no-opinion",
}


def good_rows(header):
    return [
        row(
            header,
            form_number="1",
            name="Ayesha",
            show_name="yes",
            province="punjab",
            national_cohesion__NC_1__comment="Teach civics.",
            national_cohesion__NC_1__stance="support",
            **RATED,
        ),
        row(
            header,
            form_number="2",
            province="sindh",
            gender="woman",
            human_security__comment="Water and heat.",
            human_security__stance="concern",
            national_cohesion__priorities__NC_1="3",
            national_cohesion__priorities__NC_2="1",
            national_cohesion__priorities__NC_3="2",
            **RATED,
        ),
        row(header, form_number="3", age_band="18-24", human_security__HS_2__comment="=SUM(A1)"),
    ]


def upload(client, hearing, data, action="check", name="forms.csv"):
    return client.post(
        f"/hearings/{hearing.id}/paper/import",
        data={"action": action, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_template_lists_the_columns_in_form_order(setup):
    hearing, header = setup
    assert header[:7] == [
        "form_number",
        "name",
        "show_name",
        "province",
        "stakeholder_group",
        "gender",
        "age_band",
    ]
    i = header.index
    assert (
        i("national-cohesion.NC-1.comment")
        < i("national-cohesion.comment")
        < i("national-cohesion.ratings.NC-1")
    )
    assert (
        i("national-cohesion.priorities.NC-3")
        < i("national-cohesion.missing")
        < i("human-security.HS-1.comment")
    )
    assert "human-security.HS-7.stance" in header and "defence.comment" not in header


def test_dry_run_reports_rows_and_writes_nothing_then_import_writes_all(client, setup):
    hearing, header = setup
    rows = good_rows(header)
    rows[1][header.index("province")] = "mars"
    rows[2][header.index("human-security.HS-2.stance")] = "maybe"
    bad = rows_csv(header, rows)
    checked = upload(client, hearing, bad)
    html = checked.get_data(as_text=True)
    assert checked.status_code == 422
    assert "province" in html and "human-security.HS-2.stance" in html
    imported = upload(client, hearing, bad, action="import")
    assert imported.status_code == 422
    db.session.expire_all()
    assert count_rows(HearingAttendee) == 0 and count_rows(Comment) == 0

    good = rows_csv(header, good_rows(header))
    assert upload(client, hearing, good).status_code == 200
    db.session.expire_all()
    assert count_rows(HearingAttendee) == 0  # the dry run wrote nothing
    done = upload(client, hearing, good, action="import")
    assert done.status_code == 302
    db.session.expire_all()
    attendees = db.session.scalars(
        select(HearingAttendee).order_by(HearingAttendee.form_number)
    ).all()
    assert [(a.form_number, a.channel, a.given_name, a.show_name) for a in attendees] == [
        (1, "paper", "Ayesha", True),
        (2, "paper", None, False),
        (3, "paper", None, False),
    ]
    comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    assert [(c.channel, c.hearing_id) for c in comments] == [("paper", hearing.id)] * 3
    assert comments[2].body == "=SUM(A1)"
    responses = db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)).all()
    assert [r.answers.get("priorities") for r in responses] == [None, ["NC-2", "NC-3", "NC-1"]]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hearing.paper_import"))
    data = json.loads(entry.data)
    assert data["sha256"] == hashlib.sha256(good).hexdigest()
    assert (data["rows"], data["imported"], data["skipped"]) == (3, 3, 0)

    # Importing the same file again changes nothing: every row is "already imported".
    again = upload(client, hearing, good, action="import")
    assert again.status_code == 302
    db.session.expire_all()
    assert count_rows(HearingAttendee) == 3 and count_rows(Comment) == 3
    # The same form number with other content points at the correction screen.
    changed = good_rows(header)
    changed[0][header.index("name")] = "Someone else"
    refused = upload(client, hearing, rows_csv(header, changed))
    assert refused.status_code == 422
    assert f"/hearings/{hearing.id}/paper/1" in refused.get_data(as_text=True)


def test_wrong_header_names_missing_and_unknown_columns(client, setup):
    hearing, header = setup
    wrong = [h for h in header if h != "province"] + ["favourite_colour"]
    response = upload(client, hearing, rows_csv(wrong, [[""] * len(wrong)]))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "missing columns: province" in html and "unknown columns: favourite_colour" in html


def test_encodings_bom_and_size(client, setup, monkeypatch):
    hearing, header = setup
    plain = rows_csv(header, good_rows(header), bom=False)
    assert upload(client, hearing, plain).status_code == 200  # UTF-8 without BOM
    latin = rows_csv(header, [row(header, form_number="1", name="x")], bom=False).replace(
        b"x", "é".encode("latin-1")
    )
    refused = upload(client, hearing, latin)
    assert refused.status_code == 422 and "not UTF-8" in refused.get_data(as_text=True)
    utf16 = "form_number\r\n1\r\n".encode("utf-16")
    assert "UTF-16" in upload(client, hearing, utf16).get_data(as_text=True)
    # (A small limit: the test client spools bodies past 500 KB to a file it never closes.)
    monkeypatch.setattr(paper_csv, "MAX_BYTES", 20_000)
    big = rows_csv(header, []) + b"#" * 20_000
    too_big = upload(client, hearing, big)
    assert too_big.status_code == 413
    assert upload(client, hearing, b"").status_code == 422
    db.session.expire_all()
    assert count_rows(HearingAttendee) == 0


def test_duplicate_numbers_in_a_file_and_rows_without_numbers(client, setup):
    hearing, header = setup
    rows = good_rows(header)
    rows[1][0] = "1"
    rows[2][0] = ""
    html = upload(client, hearing, rows_csv(header, rows)).get_data(as_text=True)
    assert "Form 1 is also on line 2" in html
    assert "Each row needs the number written on its form." in html
