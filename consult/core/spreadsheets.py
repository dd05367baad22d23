"""The one writer for exported tables: streamed, and safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel and LibreOffice; a comment reading `=HYPERLINK("http://evil", "click")` would run in
the analyst's spreadsheet (OWASP "CSV injection"). Every text cell goes through
`neutralise`, which prefixes such values with an apostrophe, the convention spreadsheets
show as plain text. Rows are written one at a time to a generator, so an export of any
size runs in constant memory.

Numbers stay numbers (a negative integer is a value, not a formula, to every spreadsheet);
only text is quoted. Control characters that XML 1.0 cannot carry (NUL and the other C0
controls but tab, line feed and carriage return) are dropped from text cells in CSV and
XLSX alike, before neutralising, so `"\x00=1+1"` cannot hide a formula behind a NUL and
both formats hold the same cell values.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet should show it: text that looks like a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell(value: Any) -> Any:
    """A value as both spreadsheet writers store it: text cleaned and neutralised."""
    if isinstance(value, str):
        return neutralise(_CONTROL.sub("", value))
    return value


def csv_stream(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Yield a CSV document (UTF-8 with BOM, so Excel reads Urdu) one line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Iterable[Any]) -> str:
        writer.writerow(["" if v is None else cell(v) for v in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    yield "\ufeff" + line(header)
    for row in rows:
        yield line(row)


def write_csv(header: Iterable[str], rows: Iterable[Iterable[Any]], out: IO[bytes]) -> None:
    """Write `csv_stream` to a binary file as UTF-8, line by line."""
    for line in csv_stream(header, rows):
        out.write(line.encode("utf-8"))


def write_xlsx(
    header: Iterable[str], rows: Iterable[Iterable[Any]], out: IO[bytes], title: str = "export"
) -> None:
    """Write one sheet with openpyxl's write-only workbook (rows go to a temporary file,
    never a tree in memory), every text cell through `cell`.

    openpyxl reads a string starting with `=` as a formula; after `cell` none does, and
    booleans and numbers keep their types.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    book.save(out)
