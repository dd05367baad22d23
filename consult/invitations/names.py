"""How names of bodies and people are cleaned and compared."""

from __future__ import annotations

import unicodedata


def clean_text(value: str | None) -> str:
    """NFKC, spaces collapsed: what we store for a name someone typed or imported."""
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def body_key(name: str) -> str:
    """The key a body is matched by: "Council of Experts" and "council  of experts" are one."""
    return clean_text(name).casefold()[:200]
