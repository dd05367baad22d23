"""Parse and validate policy files into plain data classes, touching no database.

Validation collects every problem with the file name and the dotted path of the field, so
an operator fixes a file in one go; nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from consult.core.datafile import KEY_RE, SLUG_RE, Checker, Text
from consult.core.vocab import MODERATION_MODES, POLICY_STATUSES
from consult.policy.hooks import section_tables

SUPPORTED_FORMATS = {1}


@dataclass(frozen=True)
class ObjectiveData:
    key: str
    text: Text


@dataclass(frozen=True)
class SectionData:
    slug: str
    title: Text
    goal: Text
    objectives: tuple[ObjectiveData, ...]
    # Tables other domains own, by name (`surveys`), as their registered parser returned them.
    tables: dict[str, tuple[Any, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class QuotationData:
    key: str
    text: Text
    attribution: Text | None


@dataclass(frozen=True)
class PolicyData:
    slug: str
    title: Text
    status: str
    moderation: str
    opens_at: date | None
    closes_at: date | None
    preamble: Text | None
    vision: Text | None
    process: Text | None
    quotations: tuple[QuotationData, ...]
    sections: tuple[SectionData, ...]
    source_hash: str
    extra: dict[str, Any] = field(default_factory=dict)


class PolicyFileError(Exception):
    """The file is not a valid policy; `problems` lists (field path, message) pairs."""

    def __init__(self, path: str, problems: list[tuple[str, str]]) -> None:
        self.path = path
        self.problems = problems
        lines = [
            f"{path}: {where}: {msg}" if where else f"{path}: {msg}" for where, msg in problems
        ]
        super().__init__("\n".join(lines))


POLICY_FIELDS = {
    "format",
    "slug",
    "title",
    "status",
    "moderation",
    "opens_at",
    "closes_at",
    "preamble",
    "vision",
    "process",
    "quotations",
    "sections",
}
SECTION_FIELDS = {"slug", "title", "goal", "objectives"}  # plus the registered section tables
OBJECTIVE_FIELDS = {"key", "text"}
QUOTATION_FIELDS = {"key", "text", "attribution"}


def parse_policy(raw: dict[str, Any], path: str, source_hash: str = "") -> PolicyData:
    """Validate a decoded policy document and return it as data classes."""
    c = Checker()
    if not isinstance(raw, dict):
        raise PolicyFileError(path, [("", "the document must be a table")])
    c.unknown(raw, POLICY_FIELDS, "")
    fmt = raw.get("format")
    if fmt not in SUPPORTED_FORMATS:
        c.fail("format", f"must be one of {sorted(SUPPORTED_FORMATS)}, got {fmt!r}")
    slug = c.string(raw, "slug", "", SLUG_RE, "a lowercase slug")
    title = c.text(raw, "title", "", required=True)
    status = c.choice(raw, "status", POLICY_STATUSES, "draft")
    moderation = c.choice(raw, "moderation", MODERATION_MODES, "post")
    opens_at, closes_at = c.date(raw, "opens_at"), c.date(raw, "closes_at")
    if opens_at and closes_at and closes_at < opens_at:
        c.fail("closes_at", "must not be before opens_at")

    quotations: list[QuotationData] = []
    seen_quotes: set[str] = set()
    for i, q in enumerate(c.table_list(raw, "quotations", "", required=False)):
        where = f"quotations[{i}]"
        c.unknown(q, QUOTATION_FIELDS, where)
        key = c.string(q, "key", where, SLUG_RE, "a lowercase slug")
        if key in seen_quotes:
            c.fail(f"{where}.key", f"duplicate key {key!r}")
        seen_quotes.add(key or "")
        text = c.text(q, "text", where, required=True)
        attribution = c.text(q, "attribution", where, required=False)
        if key and text:
            quotations.append(QuotationData(key, text, attribution))

    sections: list[SectionData] = []
    seen_slugs: set[str] = set()
    seen_keys: set[str] = set()
    table_state: dict[str, dict[str, Any]] = {t.name: {} for t in section_tables()}
    section_fields = SECTION_FIELDS | set(table_state)
    raw_sections = c.table_list(raw, "sections", "", required=True)
    if "sections" in raw and not raw_sections:
        c.fail("sections", "a policy needs at least one section")
    for i, s in enumerate(raw_sections):
        where = f"sections[{i}]"
        c.unknown(s, section_fields, where)
        sslug = c.string(s, "slug", where, SLUG_RE, "a lowercase slug")
        if sslug in seen_slugs:
            c.fail(f"{where}.slug", f"duplicate section slug {sslug!r}")
        seen_slugs.add(sslug or "")
        stitle = c.text(s, "title", where, required=True)
        goal = c.text(s, "goal", where, required=True)
        objectives: list[ObjectiveData] = []
        for j, o in enumerate(c.table_list(s, "objectives", where, required=True)):
            owhere = f"{where}.objectives[{j}]"
            c.unknown(o, OBJECTIVE_FIELDS, owhere)
            key = c.string(o, "key", owhere, KEY_RE, "an objective key such as NC-1")
            if key in seen_keys:
                c.fail(f"{owhere}.key", f"duplicate objective key {key!r}")
            seen_keys.add(key or "")
            otext = c.text(o, "text", owhere, required=True)
            if key and otext:
                objectives.append(ObjectiveData(key, otext))
        keyed = [(o.key, o.text) for o in objectives]
        tables = {
            t.name: t.parse(
                c,
                c.table_list(s, t.name, where, required=False),
                f"{where}.{t.name}",
                keyed,
                table_state[t.name],
            )
            for t in section_tables()
        }
        if sslug and stitle and goal:
            sections.append(SectionData(sslug, stitle, goal, tuple(objectives), tables))

    if c.problems:
        raise PolicyFileError(path, c.problems)
    assert slug and title  # guaranteed when no problems were found
    return PolicyData(
        slug=slug,
        title=title,
        status=status,
        moderation=moderation,
        opens_at=opens_at,
        closes_at=closes_at,
        preamble=c.text(raw, "preamble", "", required=False),
        vision=c.text(raw, "vision", "", required=False),
        process=c.text(raw, "process", "", required=False),
        quotations=tuple(quotations),
        sections=tuple(sections),
        source_hash=source_hash,
    )


def read_policy_file(path: str | Path) -> PolicyData:
    """Read a `.toml` or `.json` policy file; raise PolicyFileError naming file and field."""
    path = Path(path)
    name = str(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise PolicyFileError(name, [("", f"cannot read file: {exc.strerror}")]) from exc
    digest = hashlib.sha256(content).hexdigest()
    try:
        text = content.decode("utf-8")
        if path.suffix == ".toml":
            raw = tomllib.loads(text)
        elif path.suffix == ".json":
            raw = json.loads(text)
        else:
            raise PolicyFileError(name, [("", "policy files end in .toml or .json")])
    except UnicodeDecodeError as exc:
        raise PolicyFileError(name, [("", "the file is not valid UTF-8")]) from exc
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise PolicyFileError(name, [("", f"syntax error: {exc}")]) from exc
    return parse_policy(raw, name, digest)


def policy_files(directory: str | Path) -> list[Path]:
    """Every policy file (TOML or JSON) in `directory`, in name order."""
    return sorted(
        p for p in Path(directory).iterdir() if p.suffix in {".toml", ".json"} and p.is_file()
    )
