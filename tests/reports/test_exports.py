"""Exports: the rows and columns of each kind, who gets which columns, formula-safe cells
read back from CSV and XLSX, the audit entry with the digest, pages, API and CLI."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from sqlalchemy import select, update

from consult.accounts.models import Participant
from consult.comments import services as comments
from consult.comments.models import Comment
from consult.core.spreadsheets import FORMULA_STARTS
from consult.extensions import db
from consult.hearings.attendees import AttendeeProfile, create_attendee
from consult.moderation import curation, dispositions
from consult.moderation.campaigns import confirm_campaign, state_token
from consult.moderation.models import CampaignGroup, CampaignSignature
from consult.policy.queries import get_policy
from consult.reports import exports
from consult.reports.filters import ReportFilters
from consult.surveys import services as surveys
from tests.factories import (
    make_comment,
    make_hearing,
    make_question,
    make_user,
    section_of,
    survey_of,
)
from tests.helpers import count_queries

URDU = "قومی سلامتی پالیسی پر میری رائے: تعلیم سب کے لیے"


def _options(role="moderator", personal=False, **filters):
    return exports.ExportOptions(
        get_policy("nsp-2022-2026"), ReportFilters(**filters), role, personal
    )


def _rows(kind, options, fmt="csv"):
    """Export to bytes and read it back as a list of dicts (CSV, XLSX or JSON)."""
    out = io.BytesIO()
    exports.write_export(kind, fmt, options, out)
    return _read(out.getvalue(), fmt)


def _read(data: bytes, fmt: str):
    if fmt == "csv":
        assert data.startswith("\ufeff".encode())
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        values = list(book.active.values)
        header = values[0]
        # A write-only sheet records no dimensions, so read-only rows stop at their last
        # value: pad them back to the header.
        return [
            dict(zip(header, (*row, *[None] * (len(header) - len(row))), strict=True))
            for row in values[1:]
        ]
    return json.loads(data)


@pytest.fixture
def data(nsp):
    """Comments of every status, a reply, themes, a confirmed campaign, a hearing with an
    attendee who gave a name but did not consent to show it, survey responses."""
    admin = make_user(role="admin")
    punjabi = make_user(email="amna@example.org", name="Amna", province="punjab")
    sindhi = make_user(email="bilal@example.org", name="Bilal", province="sindh")
    nc = section_of()
    c1 = make_comment(punjabi, nc, "First *comment*", objective_key="NC-1", stance="support")
    reply = make_comment(sindhi, nc, "A reply", parent_id=c1.id, stance="oppose")
    rejected = make_comment(sindhi, nc, "Rejected one")
    db.session.execute(update(Comment).where(Comment.id == rejected.id).values(status="rejected"))
    withdrawn = make_comment(punjabi, section_of(section_slug="defence"), "Withdrawn one")
    comments.withdraw_comment(punjabi, withdrawn)
    hearing = make_hearing(status="open", title="Lahore hearing")
    secret = create_attendee(
        hearing,
        AttendeeProfile(name="Zainab Secret", show_name=False, province="punjab"),
        "paper",
    )
    paper = comments.post_attendee_comment(
        secret, nc, "On paper", "NC-2", stance="concern", channel="paper", hearing_id=hearing.id
    )
    shown = create_attendee(hearing, AttendeeProfile(name="Omar Shown", show_name=True), "hearing")
    comments.post_attendee_comment(
        shown, nc, "In the hall", None, channel="hearing", hearing_id=hearing.id
    )
    text = "Please withdraw the proposed changes to the curriculum until teachers are heard."
    copies = [make_comment(make_user(), nc, text + s) for s in ("", "!", ".")]
    db.session.flush()
    group_id = db.session.get(CampaignSignature, copies[0].id).group_id
    confirm_campaign(admin, group_id, state_token(db.session.get(CampaignGroup, group_id)))
    teachers = curation.create_theme(admin, nsp, "Teachers")
    access = curation.create_theme(admin, nsp, "Access")
    curation.tag_comments(admin, [c1.id], add=[teachers.id, access.id])
    curation.tag_comments(admin, [rejected.id], add=[teachers.id])
    survey = survey_of()
    make_question(
        survey,
        "topics",
        "multiple",
        options=[{"key": k, "label": {"en": k}} for k in ("schools", "jobs", "water")],
    )
    surveys.submit_response(
        survey,
        punjabi.participant,
        {
            "ratings": {"NC-1": 4, "NC-2": 5, "NC-3": "no-opinion"},
            "priorities": ["NC-2", "NC-1", "NC-3"],
            "missing": URDU,
            "topics": ["schools", "water"],
        },
    )
    surveys.submit_response(
        survey, sindhi.participant, {"ratings": {"NC-1": 1, "NC-2": 2, "NC-3": 3}}
    )
    db.session.commit()
    return {
        "admin": admin,
        "c1": c1,
        "reply": reply,
        "rejected": rejected,
        "withdrawn": withdrawn,
        "paper": paper.comment if hasattr(paper, "comment") else paper,
        "hearing": hearing,
        "group": group_id,
    }


# --- the rows -------------------------------------------------------------------------


def test_comments_export_keeps_every_status_with_its_columns(data):
    rows = {int(r["id"]): r for r in _rows("comments", _options())}
    assert len(rows) == db.session.query(Comment).count()  # hidden from nobody: the record
    c1 = rows[data["c1"].id]
    assert c1["status"] == "published" and c1["section"] == "national-cohesion"
    assert c1["objective"] == "NC-1" and c1["stance"] == "support"
    assert c1["body"] == "First *comment*"  # the Markdown source
    assert c1["themes"] == "Access; Teachers"
    assert c1["province"] == "punjab" and c1["author"] == "Amna"
    assert c1["created_at"].endswith("+00:00")
    reply = rows[data["reply"].id]
    assert reply["thread_id"] == reply["parent_id"] == str(data["c1"].id)
    assert rows[data["rejected"].id]["status"] == "rejected"
    assert rows[data["rejected"].id]["themes"] == "Teachers"
    assert rows[data["withdrawn"].id]["status"] == "withdrawn"
    campaign = [r for r in rows.values() if r["campaign_id"]]
    assert len(campaign) == 3 and {r["campaign_id"] for r in campaign} == {str(data["group"])}
    paper = next(r for r in rows.values() if r["channel"] == "paper")
    assert paper["hearing"] == "Lahore hearing" and paper["participant_kind"] == "attendee"
    assert paper["hearing_id"] == str(data["hearing"].id)


def test_comments_export_follows_the_report_filters(data):
    punjab = _rows("comments", _options(province="punjab"))
    assert punjab and {r["province"] for r in punjab} == {"punjab"}
    paper = _rows("comments", _options(channel="paper"))
    assert [r["body"] for r in paper] == ["On paper"]
    defence = _rows("comments", _options(section="defence"))
    assert [r["status"] for r in defence] == ["withdrawn"]


def test_responses_are_wide_one_column_per_item(data):
    rows = _rows("responses", _options())
    assert len(rows) == 2
    first = rows[0]
    assert first["survey"] == "national-cohesion" and first["anonymous"] == "False"
    assert first["national-cohesion.ratings.NC-1"] == "4"
    assert first["national-cohesion.ratings.NC-3"] == "no-opinion"
    assert first["national-cohesion.priorities.NC-2"] == "1"  # its position
    assert first["national-cohesion.priorities.NC-3"] == "3"
    assert first["national-cohesion.missing"] == URDU
    assert [first[f"national-cohesion.topics.{k}"] for k in ("schools", "jobs", "water")] == [
        "1",
        "0",
        "1",
    ]
    assert rows[1]["national-cohesion.topics.schools"] == ""  # not answered
    assert first["defence.ratings.DT-1"] == ""  # another survey's column
    assert "email" not in first
    only = _rows("responses", _options(section="national-cohesion"))
    assert len(only) == 2 and not any(k.startswith("defence.") for k in only[0])
    assert _rows("responses", _options(section="defence")) == []


def test_hearings_export_counts_by_channel(data):
    (row,) = _rows("hearings", _options(), "json")
    assert row["title"] == "Lahore hearing" and row["status"] == "open"
    assert row["sections"] == "national-cohesion; human-security"
    assert (row["attendees_paper"], row["attendees_hearing"]) == (1, 1)
    assert (row["comments_paper"], row["comments_hearing"]) == (1, 1)
    assert _rows("hearings", _options(section="defence"), "json") == []


def test_a_batch_costs_a_fixed_number_of_queries(data, monkeypatch):
    """Themes are fetched per batch, not per row: more rows, same statements."""
    monkeypatch.setattr(exports, "BATCH", 1000)
    with count_queries() as few:
        _rows("comments", _options())
    for _ in range(30):
        make_comment(body=None)
    db.session.commit()
    with count_queries() as many:
        _rows("comments", _options())
    assert len(many) == len(few)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_comments_carry_their_current_disposition(data, fmt):
    """ "We did" travels with the record: the current disposition and its reason, never a
    superseded one; a comment without one has empty cells."""
    c1 = db.session.get(Comment, data["c1"].id)
    dispositions.set_comment_disposition(data["admin"], c1, "noted", "Passed on.")
    dispositions.set_comment_disposition(data["admin"], c1, "accepted", "Funded in 2027.")
    db.session.commit()
    rows = {int(r["id"]): r for r in _rows("comments", _options(), fmt)}
    assert (rows[c1.id]["disposition"], rows[c1.id]["disposition_reason"]) == (
        "accepted",
        "Funded in 2027.",
    )
    assert "Passed on." not in json.dumps(list(rows.values()), default=str)
    assert rows[data["reply"].id]["disposition"] in ("", None)


def test_dispositions_cost_one_query_per_batch(data, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)
    with count_queries() as statements:
        _rows("comments", _options())
    asked = [s for s in statements if "comment_dispositions" in s]
    batches = -(-len(_rows("comments", _options())) // 2)
    assert len(asked) == batches


# --- who gets which columns -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_moderators_never_get_emails_nor_undisclosed_names(data, fmt):
    text = b""
    for kind in ("comments", "responses", "hearings"):
        out = io.BytesIO()
        exports.write_export(kind, fmt, _options("moderator"), out)
        rows = _read(out.getvalue(), fmt)
        text += json.dumps(rows, ensure_ascii=False, default=str).encode()
    assert b"@example.org" not in text and b"Zainab Secret" not in text
    assert b"Omar Shown" in text  # consented: the public display name


def test_admins_get_personal_data_only_when_asking(data):
    plain = _rows("comments", _options("admin"))
    assert "email" not in plain[0] and "Zainab" not in json.dumps(plain)
    rows = {int(r["id"]): r for r in _rows("comments", _options("admin", personal=True))}
    assert rows[data["c1"].id]["email"] == "amna@example.org"
    paper = next(r for r in rows.values() if r["channel"] == "paper")
    assert paper["attendee_name"] == "Zainab Secret" and paper["email"] == ""
    assert paper["author"].startswith("Participant at")
    responses = _rows("responses", _options("admin", personal=True))
    assert responses[0]["email"] == "amna@example.org"


def test_extra_columns_join_by_one_registration(data):
    class Length:
        columns = ("body_length",)

        def values(self, options, ids):
            rows = db.session.execute(select(Comment.id, Comment.body).where(Comment.id.in_(ids)))
            return {i: (len(b),) for i, b in rows}

    provider = Length()
    exports.register_export_columns("comments", provider)
    try:
        rows = _rows("comments", _options())
    finally:
        exports.unregister_export_columns("comments", provider)
    assert {r["body_length"] for r in rows} == {str(len(r["body"])) for r in rows}
    assert "body_length" not in _rows("comments", _options())[0]


# --- formula neutralisation -----------------------------------------------------------

HOSTILE = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=x",
    "\r=x",
    '=HYPERLINK("http://evil.example","click")',
    "=تعلیم",
    "-" + URDU,
    "\x00=1+1",
    '=cmd|" /C calc"!A0',
    'A "quoted" body,\nover "two" lines\r\nand a third',
    URDU,
    "+92 300 1234567",
]


@pytest.fixture
def hostile(nsp):
    """Comments whose bodies, author, theme and hearing title are spreadsheet formulas, as
    they might arrive from an import or an older version (set under the service)."""
    admin = make_user(role="admin")
    hearing = make_hearing(status="open", title='=HYPERLINK("x")')
    corpus = list(HOSTILE)
    if db.engine.dialect.name == "postgresql":  # its text cannot hold a NUL at all
        corpus = [b.replace("\x00", "\x01") for b in corpus]
    ids = []
    for i, body in enumerate(corpus):
        comment = make_comment(body=f"placeholder {i}", channel="hearing", hearing_id=hearing.id)
        db.session.execute(update(Comment).where(Comment.id == comment.id).values(body=body))
        ids.append(comment.id)
    first = db.session.get(Comment, ids[0])
    db.session.execute(
        update(Participant)
        .where(Participant.id == first.participant_id)
        .values(display_name="@SUM(1+1)")
    )
    theme = curation.create_theme(admin, nsp, "Teachers")
    curation.tag_comments(admin, ids, add=[theme.id])
    db.session.execute(update(theme.__class__).values(name="-2+3"))
    db.session.commit()
    return corpus


def _cells(rows):
    return [v for row in rows for v in row.values()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_cell_reads_as_a_formula(hostile, fmt):
    out = io.BytesIO()
    exports.write_export("comments", fmt, _options(), out)
    exports_rows = _read(out.getvalue(), fmt)
    assert len(exports_rows) == len(hostile)
    for value in _cells(exports_rows):
        if isinstance(value, str):
            assert not value.startswith(FORMULA_STARTS), value
            assert "\x00" not in value and "\x01" not in value
    bodies = [r["body"] for r in exports_rows]
    assert bodies[0] == "'=1+1" and bodies[2] == "'-1" and bodies[9] == "'=1+1"
    assert bodies[7] == "'=تعلیم"
    # Quotes and line breaks intact (XML, and so XLSX, reads a CR LF as one LF).
    assert bodies[11] == (hostile[11] if fmt == "csv" else hostile[11].replace("\r\n", "\n"))
    assert bodies[12] == URDU  # byte for byte
    assert exports_rows[0]["author"] == "'@SUM(1+1)"
    assert exports_rows[0]["themes"] == "'-2+3"
    assert exports_rows[0]["hearing"].startswith("'=")
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
        for row in book.active.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value


def test_urdu_survives_byte_for_byte_in_csv(hostile):
    out = io.BytesIO()
    exports.write_export("comments", "csv", _options(), out)
    assert URDU.encode("utf-8") in out.getvalue()


def test_numbers_stay_numbers(data):
    (row,) = _rows("hearings", _options(), "xlsx")
    assert isinstance(row["id"], int) and row["comments_paper"] == 1


def test_json_keeps_exact_values(hostile):
    rows = _rows("comments", _options(), "json")
    assert [r["body"] for r in rows] == hostile
    assert isinstance(rows[0]["id"], int)


# --- bad input ------------------------------------------------------------------------


def test_unknown_kind_and_format_are_refused(nsp):
    from consult.errors import NotFound, ValidationError

    with pytest.raises(NotFound, match="comments, responses, hearings"):
        exports.get_kind("users")
    with pytest.raises(ValidationError, match="csv, xlsx, json"):
        exports.get_format("pdf")
    with pytest.raises(KeyError):
        exports.register_export_columns("users", object())
