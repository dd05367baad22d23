"""Read an invitee CSV into checked rows, or into every error with its line and field.

Parsing is separate from writing (`services.import_invitees`) so the dry run and the real
import see exactly the same rows and the same errors, and nothing is written unless every
row is good.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _

from consult.accounts.services import normalise_email
from consult.core.vocab import BODY_KINDS, PROVINCES, STAKEHOLDER_GROUPS
from consult.errors import ValidationError
from consult.invitations.names import body_key, clean_text

HEADER = ("email", "name", "body", "body_kind", "stakeholder_group", "province")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_NAME = 120
MAX_BODY_NAME = 200


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)d, %(field)s: %(message)s", **self.__dict__)


@dataclass(frozen=True)
class Row:
    line: int
    email: str
    name: str
    body: str | None
    body_kind: str | None
    stakeholder_group: str
    province: str | None


def parse(data: bytes) -> tuple[list[Row], list[RowError]]:
    """Check every row; return the good rows and every error (empty when all are good)."""
    if len(data) > MAX_BYTES:
        return [], [RowError(0, "file", _("The file is larger than 2 MB."))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(0, "file", _("The file is not UTF-8 text."))]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [RowError(1, "header", str(exc))]
    if header is None or tuple(h.strip() for h in header) != HEADER:
        return [], [
            RowError(1, "header", _("The header must be exactly: %(h)s", h=",".join(HEADER)))
        ]
    rows: list[Row] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    kinds: dict[str, tuple[str | None, int]] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue  # blank lines (often the last one) are not rows
            if len(rows) + len(errors) >= MAX_ROWS:
                errors.append(RowError(line, "file", _("More than %(n)d rows.", n=MAX_ROWS)))
                break
            row, row_errors = _row(line, values)
            if row is not None:
                seen = first_line.get(row.email)
                if seen is not None:
                    row_errors.append(
                        RowError(line, "email", _("Same email as line %(line)d.", line=seen))
                    )
                else:
                    first_line[row.email] = line
                if row.body:
                    key = body_key(row.body)
                    kind_line = kinds.get(key)
                    if kind_line is not None and kind_line[0] != row.body_kind:
                        row_errors.append(
                            RowError(
                                line,
                                "body_kind",
                                _(
                                    "Line %(line)d gives this body another kind.",
                                    line=kind_line[1],
                                ),
                            )
                        )
                    kinds.setdefault(key, (row.body_kind, line))
            if row_errors:
                errors.extend(row_errors)
            elif row is not None:
                rows.append(row)
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "file", str(exc)))
    return rows, errors


def _row(line: int, values: list[str]) -> tuple[Row | None, list[RowError]]:
    if len(values) != len(HEADER):
        return None, [
            RowError(
                line,
                "row",
                _("Expected %(n)d columns, found %(found)d.", n=len(HEADER), found=len(values)),
            )
        ]
    raw = dict(zip(HEADER, (v.strip() for v in values), strict=True))
    errors: list[RowError] = []
    email = ""
    try:
        email = normalise_email(raw["email"])
    except ValidationError:
        errors.append(RowError(line, "email", _("Not a valid email address.")))
    name = clean_text(raw["name"])
    if not 1 <= len(name) <= MAX_NAME:
        errors.append(RowError(line, "name", _("Use 1 to %(n)d characters.", n=MAX_NAME)))
    body = clean_text(raw["body"]) or None
    kind = raw["body_kind"] or None
    if body and len(body) > MAX_BODY_NAME:
        errors.append(RowError(line, "body", _("Use at most %(n)d characters.", n=MAX_BODY_NAME)))
    if body and kind is None:
        errors.append(RowError(line, "body_kind", _("Give the kind of the body.")))
    elif kind and not body:
        errors.append(RowError(line, "body_kind", _("A body kind needs a body name.")))
    elif kind and kind not in BODY_KINDS:
        errors.append(RowError(line, "body_kind", _("Unknown body kind “%(v)s”.", v=kind[:40])))
    group = raw["stakeholder_group"]
    if group not in STAKEHOLDER_GROUPS:
        errors.append(
            RowError(
                line, "stakeholder_group", _("Unknown stakeholder group “%(v)s”.", v=group[:40])
            )
        )
    province = raw["province"] or None
    if province is not None and province not in PROVINCES:
        errors.append(RowError(line, "province", _("Unknown province “%(v)s”.", v=province[:40])))
    if errors:
        return None, errors
    return Row(line, email, name, body, kind, group, province), []
