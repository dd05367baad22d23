"""Extension points other domains register at set-up, so `policy` never imports them.

Two kinds, both keyed by name and kept in registration order:

- **section tables**: a table inside each section of a policy file that another domain
  owns (`surveys` registers `[[sections.surveys]]`). The loader hands it the raw tables to
  validate (problems go to the same checker, so a bad file still names every field), and
  `load_policy` hands it the parsed result to write, inside the same transaction.
- **section panels**: parts of the section page (the survey link, the comment thread).
  Each returns the template to include and the context it needs, or None to show nothing.
- **overview context**: what the policy overview shows per section (comment counts).
- **personal parts**: the holes a domain leaves in the shared section page
  (`core.holes`) and how to fill them for this reader (`comments`: own comments and
  endorsements), so the rendered page can be cached for every reader of one kind.
- **input stream**: which stream (`open` or `invited`) a participant's new comment or
  survey response on a policy is in (`invitations` registers it; `comments` and
  `surveys` both ask, so the rule is written once).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import CompoundSelect, Select, union_all

from consult.core import holes
from consult.core.datafile import Checker, Text

if TYPE_CHECKING:
    from consult.policy.models import Policy, Section
    from consult.policy.queries import SectionPage

# parse(checker, raw tables, path, [(objective key, text)], state shared across sections)
SectionTableParser = Callable[
    [Checker, list[dict[str, Any]], str, Sequence[tuple[str, Text]], dict[str, Any]],
    tuple[Any, ...],
]
# sync(policy, section, parsed items, list of changes to append to, actor id)
SectionTableSync = Callable[["Policy", "Section", tuple[Any, ...], list[str], "int | None"], None]


@dataclass(frozen=True)
class SectionTable:
    name: str
    parse: SectionTableParser
    sync: SectionTableSync


@dataclass
class Panel:
    """What a domain adds to the section page: a template and its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    objective_template: str | None = None  # included inside each objective, if any


# provider(section page, overrides from the edge re-rendering the page) -> Panel or None
PanelProvider = Callable[["SectionPage", dict[str, Any]], "Panel | None"]

# provider(policy) -> context for the overview page (e.g. comment counts per section)
OverviewProvider = Callable[["Policy"], dict[str, Any]]

_TABLES: dict[str, SectionTable] = {}
_OVERVIEW: dict[str, OverviewProvider] = {}
_PANELS: dict[str, tuple[int, PanelProvider]] = {}


def register_section_table(table: SectionTable) -> None:
    """Let policy files carry `[[sections.<name>]]`, parsed and synced by its owner."""
    _TABLES[table.name] = table


def section_tables() -> list[SectionTable]:
    """The registered section tables, in registration order."""
    return list(_TABLES.values())


def register_section_panel(name: str, provider: PanelProvider, order: int = 50) -> None:
    """Add a panel to every section page; lower `order` comes first."""
    _PANELS[name] = (order, provider)


def section_panels(page: SectionPage, overrides: dict[str, dict[str, Any]]) -> list[Panel]:
    """The panels of a section page, in order, each given its edge's overrides."""
    panels = []
    for name, (_order, provider) in sorted(_PANELS.items(), key=lambda item: item[1][0]):
        panel = provider(page, overrides.get(name, {}))
        if panel is not None:
            panels.append(panel)
    return panels


@dataclass
class PersonalParts:
    """How to fill one domain's holes in a shared section page for the current reader."""

    holes: dict[str, Callable[[str], str]] = field(default_factory=dict)
    choices: dict[str, Callable[[str], bool]] = field(default_factory=dict)
    # False: this reader's page differs beyond the holes (their own comment awaiting
    # moderation is in the thread), so it is rendered for them and never shared.
    shareable: bool = True


@dataclass(frozen=True)
class PersonalProvider:
    """One domain's per-reader parts of the shared section page, read in SQL.

    The page cache reads every domain's rows for a reader in one statement, joined to the
    section's version (one round trip per view), so a domain gives the statement and the
    reading of its rows separately:

    - `select(dialect)`: rows (kind, item, value) for the reader, with the bind parameters
      `reader` (participant id) and `section_id`, plus its own from `params`; its `kind`
      values are its own (prefixed with the domain's name); built once per dialect;
    - `params(page)`: those own bind values, from the shared page (`core.holes.Page`),
      such as the ids of the comments on it;
    - `parts(rows)`: the fillers, from every domain's rows (it skips kinds not its own),
      or from none for a reader who is not signed in.
    """

    select: Callable[[str], Select | CompoundSelect]
    params: Callable[[holes.Page], dict[str, Any]]
    parts: Callable[[Sequence[Sequence[Any]]], PersonalParts]


_PERSONAL: dict[str, PersonalProvider] = {}


def register_personal_parts(name: str, provider: PersonalProvider) -> None:
    """Fill this domain's holes in the shared section page, per reader."""
    _PERSONAL[name] = provider
    reader_select.cache_clear()


@lru_cache(maxsize=4)
def reader_select(dialect: str) -> Select | CompoundSelect | None:
    """Every domain's reader rows as one statement (None when no domain has any)."""
    selects = [provider.select(dialect) for provider in _PERSONAL.values()]
    if not selects:
        return None
    return selects[0] if len(selects) == 1 else union_all(*selects)


def reader_params(page: holes.Page) -> dict[str, Any]:
    """The domains' own bind values for `reader_select`, from the shared page."""
    params: dict[str, Any] = {}
    for provider in _PERSONAL.values():
        params.update(provider.params(page))
    return params


def personal_parts(rows: Sequence[Sequence[Any]]) -> PersonalParts:
    """Every registered domain's fillers for this reader, from their rows, merged."""
    merged = PersonalParts()
    for provider in _PERSONAL.values():
        parts = provider.parts(rows)
        merged.holes.update(parts.holes)
        merged.choices.update(parts.choices)
        merged.shareable = merged.shareable and parts.shareable
    return merged


def register_overview_context(name: str, provider: OverviewProvider) -> None:
    """Add template context to the policy overview page (feedback counts per section)."""
    _OVERVIEW[name] = provider


def overview_context(policy: Policy) -> dict[str, Any]:
    """Merge every registered provider's context for the policy overview."""
    context: dict[str, Any] = {}
    for provider in _OVERVIEW.values():
        context.update(provider(policy))
    return context


StreamResolver = Callable[[int, int], "str | None"]
_STREAM_RESOLVERS: dict[str, StreamResolver] = {}


def register_stream_resolver(name: str, resolver: StreamResolver) -> None:
    """Ask `resolver(participant_id, policy_id)` which input stream a new input is in.

    It returns a code of `INPUT_STREAMS` or None (no opinion); the first code wins, and
    with none the input is in the `open` stream.
    """
    _STREAM_RESOLVERS[name] = resolver


def resolve_stream(participant_id: int, policy_id: int) -> str:
    """The input stream of a new comment or response by this participant on this policy."""
    for resolver in _STREAM_RESOLVERS.values():
        stream = resolver(participant_id, policy_id)
        if stream:
            return stream
    return "open"
