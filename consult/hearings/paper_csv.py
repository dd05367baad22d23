"""CSV import of a hearing's paper forms: one row per form, checked whole before writing.

The columns are `paper_layout.columns` (the template at `/hearings/<id>/paper/template.csv`
and `docs/hearings.md` list them). `import_forms` checks every row with the same service
as the entry screen; with `dry_run` (or any row in error) nothing is written and the
report names each row's errors by line and column. Otherwise every new form is written in
the caller's transaction, and one `hearing.paper_import` audit entry records the file's
SHA-256 and the counts. A row whose form number is already entered with the same content
is skipped ("already imported"), so importing a file twice changes nothing; with other
content it is an error that points at the correction screen.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, MultiDict

from consult.core import audit
from consult.errors import DomainError, ValidationError
from consult.hearings import paper, paper_layout
from consult.hearings.models import Hearing

MAX_BYTES = 1024 * 1024  # 1 MiB: some 2,000 forms with comments
MAX_ROWS = 2000
TRUE_MARKS = ("1", "x", "yes", "y", "true")
FALSE_MARKS = ("", "0", "no", "n", "false")


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class ImportRefused(DomainError):
    """Some rows are wrong: nothing was imported; the report says where."""

    status = 422
    code = "validation_error"

    def __init__(self, report: ImportReport) -> None:
        super().__init__(_("Nothing was imported: correct the rows below and upload again."))
        self.report = report


@dataclass
class RowReport:
    line: int
    form_number: str
    status: str  # ok | skipped | error
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    form: paper.CleanForm | None = None


@dataclass
class ImportReport:
    sha256: str
    rows: list[RowReport]
    imported: int = 0
    dry_run: bool = True

    @property
    def errors(self) -> list[RowReport]:
        return [r for r in self.rows if r.status == "error"]

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.rows if r.status == "skipped")

    @property
    def ready(self) -> int:
        return sum(1 for r in self.rows if r.status == "ok")


def read_upload(upload: FileStorage | None) -> bytes:
    """The uploaded file's bytes, refusing a missing, empty or oversized file."""
    if upload is None or not upload.filename:
        raise ValidationError(_("Choose a CSV file to upload."), {"file": _("No file chosen.")})
    try:
        raw = upload.stream.read(MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload is a temporary file: release it now
    if len(raw) > MAX_BYTES:
        raise PayloadTooLarge(
            _(
                "The file is larger than %(kb)d KB. Split it into smaller files.",
                kb=MAX_BYTES // 1024,
            ),
            {"file": _("Too large.")},
        )
    if not raw.strip():
        raise ValidationError(_("The file is empty."), {"file": _("Empty file.")})
    return raw


def decode(raw: bytes) -> str:
    """UTF-8 text, with or without a byte order mark; anything else is refused clearly."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError(
            _(
                "The file is saved as UTF-16. Save it as “CSV UTF-8 (comma delimited)” and "
                "upload it again."
            ),
            {"file": _("Not UTF-8.")},
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValidationError(
            _(
                "The file is not UTF-8 text (the first problem is on line %(line)d). In Excel, "
                "save it as “CSV UTF-8 (comma delimited)”; other encodings are not accepted.",
                line=line,
            ),
            {"file": _("Not UTF-8.")},
        ) from None
    if "\x00" in text:
        raise ValidationError(
            _("The file contains NUL characters: it is not a CSV text file."),
            {"file": _("Not a text file.")},
        )
    return text


def _check_header(header: list[str], expected: list[str]) -> None:
    names = [h.strip() for h in header]
    missing = [c for c in paper_layout.PROFILE_COLUMNS if c not in names]
    unknown = [c for c in names if c not in expected]
    repeated = sorted({c for c in names if names.count(c) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %(names)s", names=", ".join(missing)))
    if unknown:
        problems.append(_("unknown columns: %(names)s", names=", ".join(unknown[:20])))
    if repeated:
        problems.append(_("repeated columns: %(names)s", names=", ".join(repeated[:20])))
    if problems:
        raise ValidationError(
            _(
                "The header row does not match this hearing's template (%(problems)s). "
                "Download the template again and keep its first row.",
                problems="; ".join(problems),
            ),
            {"file": _("Wrong header.")},
        )


def _multiple_columns(scope: paper.Scope) -> dict[str, tuple[str, str]]:
    """Columns of multiple-choice items: column → (input name, option key)."""
    result = {}
    for block in paper_layout.blocks(scope):
        for q in block.questions:
            if q.type != "multiple":
                continue
            for item in q.question_type.item_keys(q):
                result[f"{block.survey.key}.{q.key}.{item}"] = (f"{block.survey.key}.{q.key}", item)
    return result


def _unquote(cell: str) -> str:
    """A cell as typed: the apostrophe spreadsheets put before `=`, `+`, `-`, `@` goes."""
    cell = cell.strip()
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@":
        return cell[1:]
    return cell


def _row_fields(
    header: list[str], cells: list[str], multiple: dict[str, tuple[str, str]]
) -> tuple[MultiDict, list[tuple[str, str]]]:
    fields: MultiDict = MultiDict()
    errors: list[tuple[str, str]] = []
    for name, cell in zip(header, cells, strict=True):
        value = _unquote(cell)
        if name in multiple:
            target, item = multiple[name]
            mark = value.lower()
            if mark in TRUE_MARKS:
                fields.add(target, item)
            elif mark not in FALSE_MARKS:
                errors.append((name, _("Mark a chosen option with 1 or x; leave others empty.")))
        else:
            fields.add(name, value)
    return fields, errors


def parse(hearing: Hearing, scope: paper.Scope, text: str) -> list[RowReport]:
    """Check every row; each report carries the row's errors or its checked form."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ValidationError(_("The file is empty."), {"file": _("Empty file.")}) from None
    except csv.Error as exc:
        raise ValidationError(_("Line 1 is not valid CSV: %(e)s", e=str(exc))) from None
    _check_header(header, paper_layout.columns(scope))
    multiple = _multiple_columns(scope)
    rows: list[RowReport] = []
    seen: dict[int, int] = {}
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(n)d forms. Split it.", n=MAX_ROWS),
                    {"file": _("Too many rows.")},
                )
            rows.append(_check_row(hearing, scope, header, cells, multiple, start, seen))
    except csv.Error as exc:
        raise ValidationError(
            _("Line %(line)d is not valid CSV: %(e)s", line=line + 1, e=str(exc))
        ) from None
    if not rows:
        raise ValidationError(_("The file has no forms below its header."), {"file": _("Empty.")})
    return rows


def _check_row(
    hearing: Hearing,
    scope: paper.Scope,
    header: list[str],
    cells: list[str],
    multiple: dict[str, tuple[str, str]],
    line: int,
    seen: dict[int, int],
) -> RowReport:
    number_cell = cells[header.index("form_number")].strip() if len(cells) == len(header) else ""
    report = RowReport(line, number_cell, "error")
    if len(cells) != len(header):
        report.errors.append(
            ("", _("%(n)d cells, but the header has %(m)d.", n=len(cells), m=len(header)))
        )
        return report
    fields, cell_errors = _row_fields(header, cells, multiple)
    report.errors += cell_errors
    data, names, input_errors = paper_layout.from_fields(scope, fields)
    report.errors += list(input_errors.items())
    if not number_cell:
        report.errors.append(("form_number", _("Each row needs the number written on its form.")))
    try:
        form = paper.check_paper_form(hearing, data, scope)
    except ValidationError as exc:
        report.errors += list(paper_layout.error_fields(exc.fields, names).items())
        form = None
    if report.errors or form is None:
        return report
    number = form.form_number
    assert number is not None
    if number in seen:
        report.errors.append(
            ("form_number", _("Form %(n)d is also on line %(line)d.", n=number, line=seen[number]))
        )
        return report
    seen[number] = line
    existing = paper.get_form(hearing, number)
    if existing is not None:
        if paper.same_content(hearing, existing, form, scope):
            report.status = "skipped"
            return report
        report.errors.append(
            (
                "form_number",
                _(
                    "Form %(n)d is already entered with other content. Correct it on its "
                    "page (/hearings/%(hearing)d/paper/%(n)d) instead of importing it again.",
                    n=number,
                    hearing=hearing.id,
                ),
            )
        )
        return report
    report.status, report.form = "ok", form
    return report


def import_forms(actor: Any, hearing: Hearing, raw: bytes, *, dry_run: bool) -> ImportReport:
    """Check a whole file; unless `dry_run` or a row is wrong, write every new form."""
    error = paper.entry_refusal(actor, hearing)
    if error is not None:
        raise error
    scope = paper.scope_of(hearing)
    report = ImportReport(hashlib.sha256(raw).hexdigest(), parse(hearing, scope, decode(raw)))
    report.dry_run = dry_run
    if dry_run or report.errors:
        return report
    for row in report.rows:
        if row.status == "ok" and row.form is not None:
            paper.write_form(actor, hearing, row.form, audited=False)
            report.imported += 1
    audit.record(
        "hearing.paper_import",
        actor_id=actor.id,
        target_type="hearing",
        target_id=hearing.id,
        data={
            "sha256": report.sha256,
            "rows": len(report.rows),
            "imported": report.imported,
            "skipped": report.skipped,
        },
    )
    return report
