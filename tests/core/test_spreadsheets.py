"""The export writer: formulas neutralised, streamed line by line, Urdu-safe for Excel."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from consult.core.spreadsheets import cell, csv_stream, neutralise, write_xlsx


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+92 300 1234567", "'+92 300 1234567"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("a = b", "a = b"),
        ("تعلیم = ترقی", "تعلیم = ترقی"),
        (42, 42),
        (-3, -3),  # numbers stay numbers
    ],
)
def test_neutralise(value, shown):
    assert neutralise(value) == shown


def test_csv_stream_yields_one_line_at_a_time_with_a_bom():
    chunks = list(csv_stream(["id", "note"], ([i, f"=cmd{i}"] for i in range(3))))
    assert len(chunks) == 4 and chunks[0].startswith("\ufeffid,note")
    rows = list(csv.reader(io.StringIO("".join(chunks).lstrip("\ufeff"))))
    assert rows == [["id", "note"], ["0", "'=cmd0"], ["1", "'=cmd1"], ["2", "'=cmd2"]]


def test_csv_stream_is_lazy():
    def rows():
        yield [1, "first"]
        raise AssertionError("read past what was asked for")

    stream = csv_stream(["id", "text"], rows())
    assert next(stream).startswith("\ufeff") and next(stream) == "1,first\r\n"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("\x00=1+1", "'=1+1"),  # a NUL cannot hide a formula
        ("a\x07b", "ab"),
        ("line one\nline two\ttab", "line one\nline two\ttab"),
        ("=تعلیم", "'=تعلیم"),
        (-1, -1),
        (True, True),
        (None, None),
    ],
)
def test_cell_cleans_then_neutralises(value, stored):
    assert cell(value) == stored


def test_xlsx_round_trip_has_no_formula_cells():
    out = io.BytesIO()
    write_xlsx(["id", "text"], [[1, "=1+1"], [-2, "@SUM(A1)"], [3, "اردو"]], out, "sheet")
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    rows = [[(c.value, c.data_type) for c in row] for row in book.active.iter_rows()]
    assert rows[1:] == [
        [(1, "n"), ("'=1+1", "s")],
        [(-2, "n"), ("'@SUM(A1)", "s")],
        [(3, "n"), ("اردو", "s")],
    ]
    assert book.active.title == "sheet"
