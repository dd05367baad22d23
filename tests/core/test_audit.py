"""The audit log's hash chain detects edits, deletions and reordering."""

from __future__ import annotations

from sqlalchemy import delete, update

from consult.core import audit
from consult.core.audit import AuditEntry
from consult.extensions import db


def _three_entries():
    for i in range(3):
        audit.record("test.action", target_type="thing", target_id=i, data={"n": i})
    db.session.commit()


def test_chain_links_each_entry_to_the_previous(app):
    _three_entries()
    entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert entries[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert audit.verify_chain().ok and audit.verify_chain().checked == 3


def test_edited_entry_is_detected(app, runner):
    _three_entries()
    db.session.execute(update(AuditEntry).where(AuditEntry.id == 2).values(data='{"n": 99}'))
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_id == 2
    result = runner.invoke(args=["consult", "verify-audit"])
    assert result.exit_code == 1 and "Audit entry 2" in result.output


def test_deleted_entry_is_detected(app, runner):
    _three_entries()
    db.session.execute(delete(AuditEntry).where(AuditEntry.id == 2))
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_id == 3


def test_intact_log_verifies_on_the_cli(app, runner):
    _three_entries()
    result = runner.invoke(args=["consult", "verify-audit"])
    assert result.exit_code == 0 and "3 entries verified" in result.output
