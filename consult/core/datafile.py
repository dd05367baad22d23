"""Validation helpers for data files (policies, surveys): every problem named by its path."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_RE = re.compile(r"^[A-Z][A-Z0-9]*-[0-9]+$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")

Text = dict[str, str]


def normalise(text: str) -> str:
    """Collapse the line wrapping of pasted text; keep blank-line paragraph breaks."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


class Checker:
    """Collects (field path, message) problems while reading a data file."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append((where, message))

    def unknown(self, data: dict[str, Any], allowed: set[str], where: str) -> None:
        for name in sorted(set(data) - allowed):
            self.fail(f"{where}.{name}" if where else name, "unknown field")

    def text(self, data: dict[str, Any], name: str, where: str, required: bool) -> Text | None:
        path = f"{where}.{name}" if where else name
        value = data.get(name)
        if value is None:
            if required:
                self.fail(path, "missing required field")
            return None
        if isinstance(value, str):
            value = {"en": value}
        if not isinstance(value, dict):
            self.fail(path, "must be a string or a table of language codes")
            return None
        result: Text = {}
        for lang, text in value.items():
            if not LANG_RE.match(str(lang)):
                self.fail(f"{path}.{lang}", "not a language code")
            elif not isinstance(text, str) or not text.strip():
                self.fail(f"{path}.{lang}", "must be non-empty text")
            else:
                result[lang] = normalise(text)
        if "en" not in value:
            self.fail(f"{path}.en", "missing required English text")
        return result if "en" in result else None

    def string(
        self, data: dict[str, Any], name: str, where: str, pattern: re.Pattern[str], what: str
    ) -> str | None:
        path = f"{where}.{name}" if where else name
        value = data.get(name)
        if value is None:
            self.fail(path, "missing required field")
            return None
        if not isinstance(value, str) or not pattern.match(value):
            self.fail(path, f"must be {what}, got {value!r}")
            return None
        return value

    def choice(
        self, data: dict[str, Any], name: str, options: tuple[str, ...], default: str
    ) -> str:
        value = data.get(name, default)
        if value not in options:
            self.fail(name, f"must be one of {', '.join(options)}, got {value!r}")
            return default
        return value

    def date(self, data: dict[str, Any], name: str) -> date | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(name, f"must be a date (YYYY-MM-DD), got {value!r}")
        return None

    def table_list(
        self, data: dict[str, Any], name: str, where: str, required: bool
    ) -> list[dict[str, Any]]:
        path = f"{where}.{name}" if where else name
        value = data.get(name)
        if value is None:
            if required:
                self.fail(path, "missing required field")
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(path, "must be a list of tables")
            return []
        return value

    def boolean(self, data: dict[str, Any], name: str, where: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.fail(f"{where}.{name}" if where else name, f"must be true or false, got {value!r}")
            return default
        return value

    def integer(
        self,
        data: dict[str, Any],
        name: str,
        where: str,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        path = f"{where}.{name}" if where else name
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be a whole number, got {value!r}")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.fail(path, f"must be between {minimum} and {maximum}, got {value}")
            return None
        return value

    def number(self, data: dict[str, Any], name: str, where: str) -> float | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{where}.{name}" if where else name, f"must be a number, got {value!r}")
            return None
        return float(value)
