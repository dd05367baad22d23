"""Exports of a policy's feedback: comments, survey responses and hearings, row by row.

The report aggregates; an export is the record itself, for the policy team's own analysis.
So a comments export keeps every status (published, pending, hidden, rejected, withdrawn)
with a `status` column rather than the report's published-only rule: leaving a rejected
comment out of the record would hide a moderation decision. The report's filters narrow it
the same way (`reports.queries.comment_conditions`); responses and hearings count as the
report counts them.

Kinds and formats are classes in registries (DESIGN rule 18): a new kind or format is one
class and one line in `KINDS` or `FORMATS`. Other features add columns to a kind without
touching it through `register_export_columns` (the disposition of a comment is one
provider in `reports/export_columns.py`, registered in `consult/reports/__init__.py`).

Memory stays constant whatever the size: rows come from the database in batches
(`yield_per`, a server-side cursor on PostgreSQL), what a batch needs besides (themes,
answers, counts) is one query per batch, and every writer writes a row at a time to a
temporary file, which is hashed (SHA-256, for the audit log) before anyone receives it.

Who gets which columns (`ExportOptions.personal_data`, decided by `permissions`):
moderators never get emails nor the name an attendee gave without consenting to show it
(the author column is the participant's public display name, "Participant at <hearing>"
for them); an admin gets `email` and `attendee_name` only when asking for them.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, ClassVar, Protocol

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from consult.accounts.models import Participant, User
from consult.comments.models import Comment
from consult.core import audit
from consult.core.spreadsheets import write_csv, write_xlsx
from consult.errors import NotFound, ValidationError
from consult.extensions import db
from consult.hearings.models import Hearing, HearingAttendee, hearing_sections
from consult.moderation.models import CampaignGroup, CampaignSignature, CommentTheme, Theme
from consult.policy.models import Objective, Policy, Section
from consult.reports.filters import ReportFilters
from consult.reports.queries import comment_conditions, response_conditions, response_profile
from consult.surveys.models import Answer, Question, Survey, SurveyResponse

BATCH = 1000
PROFILE_COLUMNS = ("province", "stakeholder_group", "gender", "age_band")


@dataclass(frozen=True)
class ExportOptions:
    """What to export and for whom; `personal_data` only ever True for an admin who asked."""

    policy: Policy
    filters: ReportFilters
    role: str  # the audience: "moderator" or "admin" (the CLI exports as an admin)
    personal_data: bool = False


def _iso(value: datetime | None) -> str | None:
    """A timestamp as ISO 8601 in UTC, to the second."""
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


# --- extra columns --------------------------------------------------------------------


class ColumnProvider(Protocol):
    """Columns another feature adds to a kind, filled one batch of rows at a time."""

    columns: tuple[str, ...]

    def values(self, options: ExportOptions, ids: Sequence[int]) -> Mapping[int, Sequence[Any]]:
        """Values per row id of the batch (`len(columns)` each); missing ids get None."""
        ...


_EXTRA_COLUMNS: dict[str, list[ColumnProvider]] = defaultdict(list)


def register_export_columns(kind: str, provider: ColumnProvider) -> None:
    """Add columns to every export of `kind` (e.g. a comment's disposition), after the
    kind's own, in registration order. Registered at app set-up."""
    if kind not in KINDS:
        raise KeyError(f"no export kind {kind!r}")
    if provider not in _EXTRA_COLUMNS[kind]:
        _EXTRA_COLUMNS[kind].append(provider)


def unregister_export_columns(kind: str, provider: ColumnProvider) -> None:
    """Take a provider off again (tests)."""
    if provider in _EXTRA_COLUMNS[kind]:
        _EXTRA_COLUMNS[kind].remove(provider)


# --- kinds ----------------------------------------------------------------------------


class ExportKind(ABC):
    """One kind of row. Subclasses give their columns and their rows in batches; the
    first value of each row is its id, which extra column providers key on."""

    name: ClassVar[str]

    @abstractmethod
    def base_columns(self, options: ExportOptions) -> list[str]:
        """The kind's own column names, for this audience."""

    @abstractmethod
    def batches(self, options: ExportOptions) -> Iterator[list[tuple[Any, ...]]]:
        """The rows, in id order, a batch at a time (never all at once)."""

    def columns(self, options: ExportOptions) -> list[str]:
        extra = [c for p in _EXTRA_COLUMNS[self.name] for c in p.columns]
        return self.base_columns(options) + extra

    def rows(self, options: ExportOptions) -> Iterator[tuple[Any, ...]]:
        providers = list(_EXTRA_COLUMNS[self.name])
        for batch in self.batches(options):
            if not providers:
                yield from batch
                continue
            ids = [row[0] for row in batch]
            found = [(p.values(options, ids), len(p.columns)) for p in providers]
            for row in batch:
                extra: list[Any] = []
                for values, width in found:
                    extra.extend(values.get(row[0]) or (None,) * width)
                yield (*row, *extra)


def _streamed(stmt: Any) -> Iterator[list[Any]]:
    """The statement's rows in batches of `BATCH`, from a server-side cursor where the
    database has one, so the whole result never sits in memory."""
    result = db.session.execute(stmt.execution_options(yield_per=BATCH))
    for partition in result.partitions():
        yield list(partition)


class CommentsExport(ExportKind):
    name = "comments"

    def base_columns(self, options: ExportOptions) -> list[str]:
        columns = [
            "id",
            "thread_id",
            "parent_id",
            "section",
            "objective",
            "stance",
            "channel",
            "stream",
            "hearing_id",
            "hearing",
            "status",
            "moderation_reason",
            "created_at",
            "edited_at",
            "body",
            "themes",
            "agree",
            "disagree",
            "campaign_id",
            "participant_kind",
            *PROFILE_COLUMNS,
            "author",
        ]
        if options.personal_data:
            columns += ["email", "attendee_name"]
        return columns

    def batches(self, options: ExportOptions) -> Iterator[list[tuple[Any, ...]]]:
        personal = [User.email, HearingAttendee.given_name] if options.personal_data else []
        stmt = (
            select(
                Comment.id,
                Comment.root_id,
                Comment.parent_id,
                Section.slug,
                Objective.key,
                Comment.stance,
                Comment.channel,
                Comment.stream,
                Comment.hearing_id,
                Hearing.title,
                Comment.status,
                Comment.moderation_reason,
                Comment.created_at,
                Comment.edited_at,
                Comment.body,
                Comment.agree_count,
                Comment.disagree_count,
                CampaignGroup.id,
                Participant.kind,
                *[getattr(Participant, n) for n in PROFILE_COLUMNS],
                Participant.display_name,
                *personal,
            )
            .select_from(Comment)
            .join(Participant, Participant.id == Comment.participant_id)
            .join(Section, Section.id == Comment.section_id)
            .outerjoin(Objective, Objective.id == Comment.objective_id)
            .outerjoin(Hearing, Hearing.id == Comment.hearing_id)
            .outerjoin(CampaignSignature, CampaignSignature.comment_id == Comment.id)
            .outerjoin(
                CampaignGroup,
                and_(
                    CampaignGroup.id == CampaignSignature.group_id,
                    CampaignGroup.status == "confirmed",
                ),
            )
            .where(*comment_conditions(options.policy, options.filters, every_status=True))
            .order_by(Comment.id)
        )
        if options.personal_data:
            stmt = stmt.outerjoin(User, User.participant_id == Participant.id).outerjoin(
                HearingAttendee, HearingAttendee.participant_id == Participant.id
            )
        for batch in _streamed(stmt):
            themes = _themes_of([r[0] for r in batch])
            # id … moderation_reason, the two times, body, the themes, then the rest.
            yield [
                (*r[:12], _iso(r[12]), _iso(r[13]), r[14], "; ".join(themes.get(r[0], ())), *r[15:])
                for r in batch
            ]


def _themes_of(comment_ids: Sequence[int]) -> dict[int, list[str]]:
    """Theme names per comment of one batch, by name, in one query."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        select(CommentTheme.comment_id, Theme.name)
        .join(Theme, Theme.id == CommentTheme.theme_id)
        .where(CommentTheme.comment_id.in_(comment_ids))
        .order_by(CommentTheme.comment_id, Theme.name_key)
    )
    for comment_id, name in rows:
        found[comment_id].append(name)
    return found


@dataclass(frozen=True)
class _QuestionColumns:
    survey_id: int
    question: Question
    width: int


class ResponsesExport(ExportKind):
    """Wide: one row per response, one column per question (per matrix row, per ranking
    or multiple-choice option) of every live question of the policy's surveys, named
    `<survey>.<question>[.<item>]` as the question type's `export_columns` gives them."""

    name = "responses"

    def _questions(self, options: ExportOptions) -> list[_QuestionColumns]:
        """Live questions of the policy's surveys (of the filtered section's only, when the
        section filter is set: the other surveys' columns would be empty)."""
        stmt = (
            select(Question)
            .join(Survey, Survey.id == Question.survey_id)
            .where(Survey.policy_id == options.policy.id, Question.retired_at.is_(None))
            .order_by(Survey.id, Question.position, Question.id)
        )
        if options.filters.section is not None:
            stmt = stmt.join(Section, Section.id == Survey.section_id).where(
                Section.slug == options.filters.section
            )
        questions = db.session.scalars(stmt).all()
        return [
            _QuestionColumns(q.survey_id, q, len(q.question_type.export_columns(q)))
            for q in questions
        ]

    def base_columns(self, options: ExportOptions) -> list[str]:
        keys = dict(
            db.session.execute(
                select(Survey.id, Survey.key).where(Survey.policy_id == options.policy.id)
            ).all()
        )
        columns = [
            "id",
            "survey_id",
            "survey",
            "section",
            "channel",
            "stream",
            "hearing_id",
            "hearing",
            "submitted_at",
            "updated_at",
            "version",
            "anonymous",
            "participant_kind",
            *PROFILE_COLUMNS,
        ]
        if options.personal_data:
            columns.append("email")
        for qc in self._questions(options):
            prefix = keys[qc.survey_id]
            columns += [
                f"{prefix}.{c}" for c in qc.question.question_type.export_columns(qc.question)
            ]
        return columns

    def batches(self, options: ExportOptions) -> Iterator[list[tuple[Any, ...]]]:
        questions = self._questions(options)
        personal = [User.email] if options.personal_data else []
        stmt = (
            select(
                SurveyResponse.id,
                SurveyResponse.survey_id,
                Survey.key,
                Section.slug,
                SurveyResponse.channel,
                SurveyResponse.stream,
                SurveyResponse.hearing_id,
                Hearing.title,
                SurveyResponse.created_at,
                SurveyResponse.updated_at,
                SurveyResponse.version,
                SurveyResponse.participant_id.is_(None),
                Participant.kind,
                *[response_profile(n) for n in PROFILE_COLUMNS],
                *personal,
            )
            .select_from(SurveyResponse)
            .join(Survey, Survey.id == SurveyResponse.survey_id)
            .join(Section, Section.id == Survey.section_id)
            .outerjoin(Participant, Participant.id == SurveyResponse.participant_id)
            .outerjoin(Hearing, Hearing.id == SurveyResponse.hearing_id)
            .where(*response_conditions(options.policy, options.filters))
            .order_by(SurveyResponse.id)
        )
        if options.personal_data:
            stmt = stmt.outerjoin(User, User.participant_id == Participant.id)
        for batch in _streamed(stmt):
            answers = _answers_of([r[0] for r in batch])
            out = []
            for r in batch:
                rid, survey_id = r[0], r[1]
                values: list[Any] = []
                for qc in questions:
                    if qc.survey_id != survey_id:
                        values.extend([None] * qc.width)
                        continue
                    rows = answers.get((rid, qc.question.id), [])
                    values.extend(qc.question.question_type.export_values(qc.question, rows))
                out.append(
                    (
                        *r[:8],
                        _iso(r[8]),
                        _iso(r[9]),
                        r[10],
                        bool(r[11]),
                        *r[12:],
                        *values,
                    )
                )
            yield out


def _answers_of(response_ids: Sequence[int]) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """The answer rows of one batch of responses, per (response, question), in one query."""
    found: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    rows = db.session.execute(
        select(
            Answer.response_id,
            Answer.question_id,
            Answer.item_key,
            Answer.value_int,
            Answer.value_num,
            Answer.value_text,
        )
        .where(Answer.response_id.in_(response_ids))
        .order_by(Answer.id)
    )
    names = ("item_key", "value_int", "value_num", "value_text")
    for rid, qid, *values in rows:
        found[(rid, qid)].append(
            {n: v for n, v in zip(names, values, strict=True) if v is not None}
        )
    return found


class HearingsExport(ExportKind):
    """One row per hearing with its attendance and what came from it, by channel.

    The hearing list follows the `hearing` and `section` filters (a hearing covering the
    section); the contribution counts are the report's counted ones (published comments,
    every response) under all the filters, so they add up to the report's figures.
    """

    name = "hearings"
    CHANNELS = ("hearing", "paper")

    def base_columns(self, options: ExportOptions) -> list[str]:
        return [
            "id",
            "title",
            "institution",
            "city",
            "province",
            "venue",
            "status",
            "starts_at",
            "ends_at",
            "opened_at",
            "closed_at",
            "sections",
            "attendance",
            *[f"attendees_{c}" for c in self.CHANNELS],
            *[f"comments_{c}" for c in self.CHANNELS],
            *[f"responses_{c}" for c in self.CHANNELS],
        ]

    def batches(self, options: ExportOptions) -> Iterator[list[tuple[Any, ...]]]:
        policy, filters = options.policy, options.filters
        stmt = select(
            Hearing.id,
            Hearing.title,
            Hearing.institution,
            Hearing.city,
            Hearing.province,
            Hearing.venue,
            Hearing.status,
            Hearing.starts_at,
            Hearing.ends_at,
            Hearing.opened_at,
            Hearing.closed_at,
            Hearing.attendance,
        ).where(Hearing.policy_id == policy.id)
        if filters.hearing is not None:
            stmt = stmt.where(Hearing.id == filters.hearing)
        if filters.section is not None:
            covering = (
                select(hearing_sections.c.hearing_id)
                .join(Section, Section.id == hearing_sections.c.section_id)
                .where(Section.policy_id == policy.id, Section.slug == filters.section)
            )
            stmt = stmt.where(Hearing.id.in_(covering))
        for batch in _streamed(stmt.order_by(Hearing.id)):
            ids = [r[0] for r in batch]
            counts = _hearing_counts(options, ids)
            sections = _hearing_sections(ids)
            out = []
            for r in batch:
                hid = r[0]
                out.append(
                    (
                        *r[:7],
                        *(_iso(v) for v in r[7:11]),
                        "; ".join(sections.get(hid, ())),
                        r[11],
                        *[counts["attendees", hid, c] for c in self.CHANNELS],
                        *[counts["comments", hid, c] for c in self.CHANNELS],
                        *[counts["responses", hid, c] for c in self.CHANNELS],
                    )
                )
            yield out


def _hearing_counts(options: ExportOptions, ids: Sequence[int]) -> dict[tuple, int]:
    """(what, hearing id, channel) -> count for a batch of hearings: three GROUP BYs."""
    policy, filters = options.policy, options.filters
    counts: dict[tuple, int] = defaultdict(int)
    attendees = select(HearingAttendee.hearing_id, HearingAttendee.channel, func.count()).where(
        HearingAttendee.hearing_id.in_(ids)
    )
    comments = (
        select(Comment.hearing_id, Comment.channel, func.count(Comment.id))
        .select_from(Comment)
        .join(Participant, Participant.id == Comment.participant_id)
        .where(*comment_conditions(policy, filters), Comment.hearing_id.in_(ids))
    )
    responses = (
        select(SurveyResponse.hearing_id, SurveyResponse.channel, func.count(SurveyResponse.id))
        .select_from(SurveyResponse)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .outerjoin(Participant, Participant.id == SurveyResponse.participant_id)
        .where(*response_conditions(policy, filters), SurveyResponse.hearing_id.in_(ids))
    )
    for what, stmt, hearing, channel in (
        ("attendees", attendees, HearingAttendee.hearing_id, HearingAttendee.channel),
        ("comments", comments, Comment.hearing_id, Comment.channel),
        ("responses", responses, SurveyResponse.hearing_id, SurveyResponse.channel),
    ):
        for hid, ch, n in db.session.execute(stmt.group_by(hearing, channel)):
            counts[what, hid, ch] = int(n)
    return counts


def _hearing_sections(ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        select(hearing_sections.c.hearing_id, Section.slug)
        .join(Section, Section.id == hearing_sections.c.section_id)
        .where(hearing_sections.c.hearing_id.in_(ids))
        .order_by(hearing_sections.c.hearing_id, Section.position)
    )
    for hid, slug in rows:
        found[hid].append(slug)
    return found


# --- formats --------------------------------------------------------------------------


class ExportFormat(ABC):
    name: ClassVar[str]
    mimetype: ClassVar[str]

    @abstractmethod
    def write(
        self, kind: str, columns: list[str], rows: Iterable[Sequence[Any]], out: IO[bytes]
    ) -> None:
        """Write the header and every row to `out`, one row at a time."""


class CsvFormat(ExportFormat):
    """UTF-8 with a BOM (Excel then reads Urdu), formulas neutralised."""

    name = "csv"
    mimetype = "text/csv; charset=utf-8"

    def write(self, kind, columns, rows, out) -> None:
        write_csv(columns, rows, out)


class XlsxFormat(ExportFormat):
    """One sheet from openpyxl's write-only workbook, formulas neutralised."""

    name = "xlsx"
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def write(self, kind, columns, rows, out) -> None:
        write_xlsx(columns, rows, out, title=kind)


class JsonFormat(ExportFormat):
    """An array of objects keyed by the same columns, one `json.dumps` per row. JSON is
    data, never evaluated, so values are exact (nothing neutralised or dropped)."""

    name = "json"
    mimetype = "application/json"

    def write(self, kind, columns, rows, out) -> None:
        out.write(b"[")
        separator = b"\n"
        for row in rows:
            out.write(separator)
            record = dict(zip(columns, row, strict=True))
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8"))
            separator = b",\n"
        out.write(b"\n]\n")


KINDS: dict[str, ExportKind] = {
    k.name: k() for k in (CommentsExport, ResponsesExport, HearingsExport)
}
FORMATS: dict[str, ExportFormat] = {f.name: f() for f in (CsvFormat, XlsxFormat, JsonFormat)}


def get_kind(name: str) -> ExportKind:
    """The registered kind, or a 404 naming the kinds there are."""
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(_("No export of that kind; there are: %(kinds)s.", kinds=", ".join(KINDS)))
    return kind


def get_format(name: str) -> ExportFormat:
    """The registered format, or a 422 naming the formats offered."""
    fmt = FORMATS.get(name)
    if fmt is None:
        offered = ", ".join(FORMATS)
        raise ValidationError(
            _("format must be one of: %(formats)s.", formats=offered),
            {"format": _("One of: %(allowed)s.", allowed=offered)},
        )
    return fmt


# --- producing and auditing -----------------------------------------------------------


@dataclass
class ExportFile:
    """A finished export in a temporary file (positioned at its start), with its digest."""

    file: IO[bytes]
    kind: str
    format: str
    filename: str
    mimetype: str
    rows: int
    size: int
    sha256: str


def _counted(rows: Iterable[Any], counter: list[int]) -> Iterator[Any]:
    for row in rows:
        counter[0] += 1
        yield row


def write_export(kind: str, fmt: str, options: ExportOptions, out: IO[bytes]) -> int:
    """Write the export to `out` as it is produced; returns the number of rows."""
    exporter, writer = get_kind(kind), get_format(fmt)
    counter = [0]
    writer.write(kind, exporter.columns(options), _counted(exporter.rows(options), counter), out)
    return counter[0]


def build_export(
    kind: str, fmt: str, options: ExportOptions, *, today: datetime | None = None
) -> ExportFile:
    """The export in a temporary file, hashed: the digest goes into the audit log before
    the file is delivered, and the file (not memory) holds the bytes meanwhile."""
    exporter, writer = get_kind(kind), get_format(fmt)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the caller delivers and closes it)
    try:
        rows = write_export(exporter.name, writer.name, options, handle)
        digest, size = hashlib.sha256(), 0
        handle.seek(0)
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    stamp = (today or datetime.now(UTC)).strftime("%Y%m%d")
    return ExportFile(
        file=handle,
        kind=exporter.name,
        format=writer.name,
        filename=f"{options.policy.slug}-{exporter.name}-{stamp}.{writer.name}",
        mimetype=writer.mimetype,
        rows=rows,
        size=size,
        sha256=digest.hexdigest(),
    )


def record_export(
    export: ExportFile, options: ExportOptions, *, actor_id: int | None, via: str
) -> audit.AuditEntry:
    """Put the export on the record (the caller's transaction): what, for whom, which
    filters, whether personal data went with it, and the SHA-256 of the exact bytes."""
    return audit.record(
        "report.export",
        actor_id=actor_id,
        target_type="policy",
        target_id=options.policy.slug,
        data={
            "kind": export.kind,
            "format": export.format,
            "filters": options.filters.query_args(),
            "role": options.role,
            "personal_data": options.personal_data,
            "rows": export.rows,
            "bytes": export.size,
            "sha256": export.sha256,
            "via": via,
        },
    )
