"""Invitation fixtures: a CSV writer and an invited, joined person."""

from __future__ import annotations

import pytest

HEADER = "email,name,body,body_kind,stakeholder_group,province\n"


@pytest.fixture
def csv_file(tmp_path):
    def write(*rows: str, bom: bool = False, header: str = HEADER):
        path = tmp_path / "invitees.csv"
        text = header + "".join(r + "\n" for r in rows)
        path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
        return path

    return write
