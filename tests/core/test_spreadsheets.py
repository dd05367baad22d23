"""The export writer: formulas neutralised, streamed line by line, Urdu-safe for Excel."""

from __future__ import annotations

import csv
import io

import pytest

from consult.core.spreadsheets import csv_stream, neutralise


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
