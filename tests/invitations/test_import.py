"""The CSV import: dry run, all-or-nothing, re-import, BOM, header; CLI exit codes."""

from __future__ import annotations

import json

from sqlalchemy import select

from consult.core.audit import AuditEntry
from consult.extensions import db
from consult.invitations import services
from consult.invitations.models import Invitation, Invitee, StakeholderBody
from tests.helpers import count_rows

GOOD = (
    "a.khan@example.org,Ayesha Khan,Council of Experts,expert-council,expert,punjab",
    "B.Shah@Example.org,Bilal Shah,Ministry of Interior,federal-ministry,government,",
    "c.ali@example.org,Chand Ali,,,civil-society,sindh",
    "d.raza@example.org,Dur Raza,council  of experts,expert-council,academic,",
)


def test_clean_file_writes_every_row_and_its_bodies(runner, nsp, csv_file):
    result = runner.invoke(
        args=["consult", "import-invitees", "--policy", nsp.slug, str(csv_file(*GOOD))]
    )
    assert result.exit_code == 0, result.output
    assert "created 4 invitee(s) and 2 body(ies)" in result.output
    db.session.expire_all()
    assert count_rows(Invitee) == 4 and count_rows(Invitation) == 4
    assert sorted(db.session.scalars(select(StakeholderBody.name))) == [
        "Council of Experts",
        "Ministry of Interior",
    ]
    bilal = db.session.scalar(select(Invitee).where(Invitee.name == "Bilal Shah"))
    assert bilal.email == "b.shah@example.org" and bilal.province is None
    assert bilal.body.kind == "federal-ministry"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "invitations.import"))
    import hashlib

    assert (
        json.loads(entry.data)["sha256"] == hashlib.sha256(csv_file(*GOOD).read_bytes()).hexdigest()
    )


def test_reimport_changes_nothing(runner, nsp, csv_file):
    path = csv_file(*GOOD)
    runner.invoke(args=["consult", "import-invitees", "--policy", nsp.slug, str(path)])
    audits = count_rows(AuditEntry)
    result = runner.invoke(args=["consult", "import-invitees", "--policy", nsp.slug, str(path)])
    assert result.exit_code == 0
    assert "created 0 invitee(s) and 0 body(ies); 0 updated, 4 unchanged" in result.output
    db.session.expire_all()
    assert count_rows(Invitee) == 4 and count_rows(StakeholderBody) == 2
    assert count_rows(AuditEntry) == audits


def test_bad_rows_are_all_named_and_nothing_is_written(runner, nsp, csv_file):
    path = csv_file(
        GOOD[0],
        "not-an-email,Someone,,,citizen,",
        "e@example.org,Eve,Some Body,,citizen,",
        "f@example.org,Fay,,military,citizen,",
        "g@example.org,Gul,X,no-such-kind,citizen,",
        "h@example.org,Hina,,,wizard,",
        "i@example.org,Imran,,,citizen,mars",
        "A.KHAN@example.org,Ayesha again,,,citizen,",
    )
    result = runner.invoke(args=["consult", "import-invitees", "--policy", nsp.slug, str(path)])
    assert result.exit_code == 1
    out = result.output
    for expected in (
        "line 3, email",
        "line 4, body_kind",
        "line 5, body_kind",
        "line 6, body_kind",
        "line 7, stakeholder_group",
        "line 8, province",
        "line 9, email: Same email as line 2",
        "7 bad row(s); nothing written",
    ):
        assert expected in out, expected
    db.session.expire_all()
    assert count_rows(Invitee) == 0 and count_rows(StakeholderBody) == 0


def test_dry_run_checks_and_writes_nothing(runner, nsp, csv_file):
    result = runner.invoke(
        args=["consult", "import-invitees", "--policy", nsp.slug, "--dry-run", str(csv_file(*GOOD))]
    )
    assert result.exit_code == 0
    assert "Dry run" in result.output and "would create 4" in result.output
    db.session.expire_all()
    assert count_rows(Invitee) == 0 and count_rows(StakeholderBody) == 0


def test_bom_is_accepted_and_a_wrong_header_refused(runner, nsp, csv_file):
    result = runner.invoke(
        args=["consult", "import-invitees", "--policy", nsp.slug, str(csv_file(GOOD[2], bom=True))]
    )
    assert result.exit_code == 0, result.output
    wrong = csv_file(GOOD[0], header="mail,name,body,body_kind,stakeholder_group,province\n")
    result = runner.invoke(args=["consult", "import-invitees", "--policy", nsp.slug, str(wrong)])
    assert result.exit_code == 1 and "line 1, header" in result.output


def test_changed_row_updates_and_kind_conflict_is_refused(app, nsp):
    head = b"email,name,body,body_kind,stakeholder_group,province\n"
    services.import_invitees(nsp, head + GOOD[0].encode())
    db.session.commit()
    report = services.import_invitees(
        nsp, head + b"a.khan@example.org,Ayesha K. Khan,Council of Experts,expert-council,expert,\n"
    )
    assert report.ok and report.updated == 1
    report = services.import_invitees(
        nsp, head + b"z@example.org,Zed,Council of Experts,academia,expert,\n"
    )
    assert not report.ok and report.errors[0].field == "body_kind"


def test_unknown_policy_and_large_file(runner, nsp, csv_file, tmp_path):
    result = runner.invoke(args=["consult", "import-invitees", "--policy", "nope", str(csv_file())])
    assert result.exit_code == 1 and "no policy" in result.output
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (3 * 1024 * 1024))
    result = runner.invoke(args=["consult", "import-invitees", "--policy", nsp.slug, str(big)])
    assert result.exit_code == 1 and "larger than" in result.output


def test_admin_upload_dry_run_then_import(client, nsp, login_as):
    import io

    login_as("admin")
    data = ("email,name,body,body_kind,stakeholder_group,province\n" + "\n".join(GOOD)).encode()
    response = client.post(
        f"/admin/invitations/import?policy={nsp.slug}",
        data={"file": (io.BytesIO(data), "x.csv"), "check": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "dry run" in response.get_data(as_text=True)
    db.session.expire_all()
    assert count_rows(Invitee) == 0
    bad = data + b"\nbad,Bad,,,citizen,"
    response = client.post(
        f"/admin/invitations/import?policy={nsp.slug}",
        data={"file": (io.BytesIO(bad), "x.csv"), "apply": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and 'id="import-errors"' in response.get_data(as_text=True)
    response = client.post(
        f"/admin/invitations/import?policy={nsp.slug}",
        data={"file": (io.BytesIO(data), "x.csv"), "apply": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert count_rows(Invitee) == 4
