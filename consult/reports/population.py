"""Population by province, read from a data file, for the report's representativeness.

The figures are data, not code (`policy_data/reference/population.toml`), so a new census
is an edit of that file with its source named beside every number. The file is checked
strictly, because a wrong code or a typo in a number would silently skew every ratio:
each problem is named by its path, as the policy files' are (`core.datafile.Checker`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app

from consult.core.datafile import Checker
from consult.core.vocab import PROVINCES

# Codes of PROVINCES that name no population (people abroad, people who did not say).
NO_POPULATION = ("overseas", "undisclosed")
REFERENCE_FILE = Path("reference") / "population.toml"


class PopulationFileError(ValueError):
    """The population file is missing, not TOML, or fails a check (every problem listed)."""

    def __init__(self, path: Path, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {where}: {message}" for where, message in problems)
        super().__init__(f"{path}:\n{lines}")


@dataclass(frozen=True)
class ProvincePopulation:
    code: str
    population: int
    source: str
    year: int
    outside_census: bool


@dataclass(frozen=True)
class Population:
    source: str
    year: int
    provinces: dict[str, ProvincePopulation]  # in PROVINCES order

    @property
    def total(self) -> int:
        return sum(p.population for p in self.provinces.values())


def _positive_int(check: Checker, value: Any, where: str) -> int | None:
    # bool is an int in Python; `population = true` is a mistake, not 1 person.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        check.fail(where, f"must be a whole number above 0, got {value!r}")
        return None
    return value


def _text(check: Checker, data: dict[str, Any], name: str, where: str) -> str | None:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        check.fail(f"{where}.{name}" if where else name, "must be non-empty text naming it")
        return None
    return value.strip()


def parse_population(data: dict[str, Any], path: Path) -> Population:
    """Validate the parsed file: known fields, every populated province exactly once with a
    positive count, a year and a named source; `overseas`/`undisclosed` are refused."""
    check = Checker()
    check.unknown(data, {"format", "source", "year", "provinces"}, "")
    if data.get("format") != 1:
        check.fail("format", f"must be 1, got {data.get('format')!r}")
    source = _text(check, data, "source", "")
    year = _positive_int(check, data.get("year"), "year")
    rows = data.get("provinces")
    found: dict[str, ProvincePopulation] = {}
    if not isinstance(rows, dict):
        check.fail("provinces", "missing table of provinces by code")
        rows = {}
    for code, row in rows.items():
        where = f"provinces.{code}"
        if code not in PROVINCES:
            check.fail(where, f"unknown province code; allowed: {', '.join(PROVINCES)}")
            continue
        if code in NO_POPULATION:
            check.fail(where, "has no population; leave it out")
            continue
        if not isinstance(row, dict):
            check.fail(where, "must be a table")
            continue
        check.unknown(row, {"population", "source", "year", "outside_census"}, where)
        population = _positive_int(check, row.get("population"), f"{where}.population")
        row_source = _text(check, row, "source", where)
        row_year = _positive_int(check, row.get("year"), f"{where}.year")
        outside = row.get("outside_census", False)
        if not isinstance(outside, bool):
            check.fail(f"{where}.outside_census", f"must be true or false, got {outside!r}")
        if population and row_source and row_year and isinstance(outside, bool):
            found[code] = ProvincePopulation(code, population, row_source, row_year, outside)
    for code in PROVINCES:
        if code not in NO_POPULATION and code not in rows:
            check.fail(f"provinces.{code}", "missing")
    if check.problems:
        raise PopulationFileError(path, check.problems)
    ordered = {code: found[code] for code in PROVINCES if code in found}
    return Population(source or "", year or 0, ordered)


def read_population_file(path: str | Path) -> Population:
    """Read and validate a population file; PopulationFileError names every problem."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise PopulationFileError(path, [("", "file not found")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise PopulationFileError(path, [("", f"not valid TOML: {exc}")]) from None
    return parse_population(data, path)


@cache
def _cached(path: str) -> Population:
    return read_population_file(path)


def population() -> Population:
    """The population of POLICY_DATA_DIR's reference file, read once per process."""
    return _cached(str(Path(current_app.config["POLICY_DATA_DIR"]) / REFERENCE_FILE))
