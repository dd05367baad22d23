"""The one writer for exported tables: streamed, and safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel and LibreOffice; a comment reading `=HYPERLINK("http://evil", "click")` would run in
the analyst's spreadsheet (OWASP "CSV injection"). Every text cell goes through
`neutralise`, which prefixes such values with an apostrophe, the convention spreadsheets
show as plain text. Rows are written one at a time to a generator, so an export of any
size runs in constant memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet should show it: text that looks like a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_stream(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Yield a CSV document (UTF-8 with BOM, so Excel reads Urdu) one line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Iterable[Any]) -> str:
        writer.writerow(["" if v is None else neutralise(v) for v in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    yield "\ufeff" + line(header)
    for row in rows:
        yield line(row)
