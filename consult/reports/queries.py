"""The aggregated feedback report, computed in SQL over the whole data set.

Every figure is a GROUP BY, COUNT (DISTINCT) or SUM in the database; Python only reshapes
the aggregated rows (at most sections × objectives × values of them), so the number of
queries and the work in Python do not grow with the number of comments or responses.

What is counted (docs/reports.md):
- comments: published comments and replies only; pending, hidden, rejected and withdrawn
  ones never count;
- survey responses: every response to one of the policy's surveys;
- people: distinct participants (accounts and hearing attendees) who made a counted
  comment or response. An anonymous survey response cannot be linked to its author, so
  each one counts as one person, with the profile codes copied onto the response;
- a profile breakdown (province, group, gender, age band) counts people; a channel or
  stream breakdown counts the people who contributed through it (someone who took part
  online and at a hearing counts in both, once in the total).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    Select,
    String,
    Subquery,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from consult.accounts.models import Participant
from consult.comments.models import Comment
from consult.comments.serializers import comment_json
from consult.core.vocab import (
    AGE_BANDS,
    CHANNELS,
    GENDERS,
    INPUT_STREAMS,
    PROVINCES,
    STAKEHOLDER_GROUPS,
    STANCES,
)
from consult.extensions import db
from consult.hearings import queries as hearing_queries
from consult.hearings.models import Hearing
from consult.invitations import queries as invitation_queries
from consult.invitations.models import StakeholderBody, Submission
from consult.moderation.disposition_queries import ReportDispositions, report_dispositions
from consult.moderation.models import (
    CampaignGroup,
    CampaignSignature,
    CommentTheme,
    FeaturedQuote,
    Theme,
)
from consult.policy.models import Objective, Policy, Section
from consult.reports import population
from consult.reports.filters import PROFILE, ReportFilters
from consult.surveys.models import Answer, Question, Survey, SurveyResponse
from consult.surveys.types import NO_OPINION

NO_STANCE = "none"
SCALE = ("1", "2", "3", "4", "5")
# breakdown key -> (vocabulary, the column name on the contributions union)
BREAKDOWNS: dict[str, tuple[tuple[str, ...], str]] = {
    "by_channel": (CHANNELS, "channel"),
    "by_stream": (INPUT_STREAMS, "stream"),
    "by_province": (PROVINCES, "province"),
    "by_stakeholder_group": (STAKEHOLDER_GROUPS, "stakeholder_group"),
    "by_gender": (GENDERS, "gender"),
    "by_age_band": (AGE_BANDS, "age_band"),
}
# Hearings that took place (or are taking place): a scheduled one has heard nobody yet.
HELD_HEARINGS = ("open", "closed")


# --- the filtered inputs --------------------------------------------------------------


def _section_id(policy: Policy, filters: ReportFilters) -> int | None:
    if filters.section is None:
        return None
    return next(s.id for s in policy.sections if s.slug == filters.section)


def comment_conditions(
    policy: Policy, filters: ReportFilters, *, every_status: bool = False
) -> list[ColumnElement[bool]]:
    """The policy's comments under the filters (the profile filters need a join with
    `participants`, which `_counted_comments` adds).

    The report counts published comments only; an export is the record and passes
    `every_status=True` to keep pending, hidden, rejected and withdrawn ones too.
    """
    conds: list[ColumnElement[bool]] = [Comment.policy_id == policy.id]
    if not every_status:
        conds.append(Comment.status == "published")
    section_id = _section_id(policy, filters)
    if section_id is not None:
        conds.append(Comment.section_id == section_id)
    if filters.channel:
        conds.append(Comment.channel == filters.channel)
    if filters.stream:
        conds.append(Comment.stream == filters.stream)
    if filters.hearing is not None:
        conds.append(Comment.hearing_id == filters.hearing)
    if filters.starts():
        conds.append(Comment.created_at >= filters.starts())
    if filters.ends():
        conds.append(Comment.created_at < filters.ends())
    for name in PROFILE:
        value = getattr(filters, name)
        if value:
            conds.append(getattr(Participant, name) == value)
    return conds


def _comment_conditions(policy: Policy, filters: ReportFilters) -> list[ColumnElement[bool]]:
    """Counted comments of the policy under the filters."""
    return comment_conditions(policy, filters)


def _profile_filtered(filters: ReportFilters) -> bool:
    return any(getattr(filters, name) for name in PROFILE)


def _response_filtered(filters: ReportFilters) -> bool:
    """Whether a filter narrows survey responses by something only the response row holds."""
    return _profile_filtered(filters) or any(
        (
            filters.channel,
            filters.stream,
            filters.hearing is not None,
            filters.starts(),
            filters.ends(),
        )
    )


def _counted_comments(
    policy: Policy, filters: ReportFilters, *columns: Any, with_profile: bool = False
) -> Any:
    """Counted comments; joined with `participants` only when a profile is read or filtered.

    Without that join the comment aggregates read only `ix_comments_report`, a covering
    index, instead of the wide comment rows (docs/performance.md, B2).
    """
    stmt = select(*columns).select_from(Comment)
    if with_profile or _profile_filtered(filters):
        stmt = stmt.join(Participant, Participant.id == Comment.participant_id)
    return stmt.where(*_comment_conditions(policy, filters))


def response_profile(name: str) -> ColumnElement[str]:
    """A respondent's profile code: the participant's, or the copy on an anonymous one."""
    return func.coalesce(getattr(Participant, name), getattr(SurveyResponse, name))


def response_conditions(policy: Policy, filters: ReportFilters) -> list[ColumnElement[bool]]:
    """Counted survey responses under the filters (joined with `surveys`, and outer-joined
    with `participants`)."""
    conds: list[ColumnElement[bool]] = [Survey.policy_id == policy.id]
    section_id = _section_id(policy, filters)
    if section_id is not None:
        conds.append(Survey.section_id == section_id)
    if filters.channel:
        conds.append(SurveyResponse.channel == filters.channel)
    if filters.stream:
        conds.append(SurveyResponse.stream == filters.stream)
    if filters.hearing is not None:
        conds.append(SurveyResponse.hearing_id == filters.hearing)
    if filters.starts():
        conds.append(SurveyResponse.created_at >= filters.starts())
    if filters.ends():
        conds.append(SurveyResponse.created_at < filters.ends())
    for name in PROFILE:
        value = getattr(filters, name)
        if value:
            conds.append(response_profile(name) == value)
    return conds


def _counted_responses(
    stmt: Any, policy: Policy, filters: ReportFilters, *, with_profile: bool = False
) -> Any:
    """Join `stmt` (selecting from survey_responses) to what the response filters need."""
    stmt = stmt.join(Survey, Survey.id == SurveyResponse.survey_id)
    if with_profile or _profile_filtered(filters):
        stmt = stmt.outerjoin(Participant, Participant.id == SurveyResponse.participant_id)
    return stmt.where(*response_conditions(policy, filters))


# --- participation --------------------------------------------------------------------


def _contributions(policy: Policy, filters: ReportFilters) -> Any:
    """One row per person × channel × stream who made a counted input (UNION, distinct).

    `pid` is the participant for comments and identified responses; `akey` the respondent
    key of an anonymous response (never equal to any pid, so both COUNT DISTINCT add up).
    """
    # Who commented through which channel and stream, distinct on the covering index
    # first; only those few rows are then joined with their profile.
    commenters = (
        _counted_comments(
            policy,
            filters,
            Comment.participant_id.label("pid"),
            Comment.channel.label("channel"),
            Comment.stream.label("stream"),
        )
        .distinct()
        .subquery("commenters")
    )
    comments = select(
        commenters.c.pid,
        cast(literal(None), String).label("akey"),
        commenters.c.channel,
        commenters.c.stream,
        *[getattr(Participant, n).label(n) for n in PROFILE],
    ).join(Participant, Participant.id == commenters.c.pid)
    responses = _counted_responses(
        select(
            SurveyResponse.participant_id.label("pid"),
            case(
                (SurveyResponse.participant_id.is_(None), SurveyResponse.respondent_key),
                else_=None,
            ).label("akey"),
            SurveyResponse.channel.label("channel"),
            SurveyResponse.stream.label("stream"),
            *[response_profile(n).label(n) for n in PROFILE],
        ).select_from(SurveyResponse),
        policy,
        filters,
        with_profile=True,
    )
    return union(comments, responses).cte("contributions")


def _people(cte: Any) -> Any:
    return func.count(cte.c.pid.distinct()) + func.count(cte.c.akey.distinct())


def _participation_counts(policy: Policy, filters: ReportFilters) -> dict[str, Any]:
    """Distinct people in total and per breakdown value, in one statement of three scans.

    A person has exactly one profile (a participant's codes are NOT NULL; an anonymous
    response is a person of its own with its copy), so the people of each profile tuple
    partition everyone: one GROUP BY over the four profile columns gives, summed in Python,
    the total and every profile breakdown. Channel and stream need their own, since one
    person may contribute through several.
    """
    cte = _contributions(policy, filters)
    profile = [cte.c[name] for name in PROFILE]
    none = cast(literal(None), String)
    parts = [
        select(literal("profile").label("dim"), *profile, _people(cte)).group_by(*profile),
        *(
            select(
                literal(key).label("dim"), cte.c[BREAKDOWNS[key][1]], none, none, none, _people(cte)
            ).group_by(cte.c[BREAKDOWNS[key][1]])
            for key in ("by_channel", "by_stream")
        ),
    ]
    out: dict[str, Any] = {key: dict.fromkeys(codes, 0) for key, (codes, _c) in BREAKDOWNS.items()}
    out["participants"] = 0
    by_profile = [f"by_{name}" for name in PROFILE]
    for dim, *codes, n in db.session.execute(union_all(*parts)):
        n = int(n or 0)
        if dim == "profile":
            out["participants"] += n
            for key, code in zip(by_profile, codes, strict=True):
                if code in out[key]:
                    out[key][code] += n
        elif codes[0] in out[dim]:
            out[dim][codes[0]] = n
    return out


def _confirmed_campaigns(policy: Policy) -> Subquery:
    """(comment_id, group_id) of every comment in a campaign a moderator confirmed: the one
    definition of "counted once" for the totals and the campaign list."""
    return (
        select(CampaignSignature.comment_id, CampaignSignature.group_id)
        .join(CampaignGroup, CampaignGroup.id == CampaignSignature.group_id)
        .where(CampaignGroup.policy_id == policy.id, CampaignGroup.status == "confirmed")
        .subquery()
    )


def _in_live_themes(stmt: Select, policy: Policy) -> Select:
    """`stmt` over counted comments, one row per comment and live theme it carries (merged
    themes are left out: their tags moved to the theme they were merged into)."""
    return (
        stmt.join(CommentTheme, CommentTheme.comment_id == Comment.id)
        .join(Theme, Theme.id == CommentTheme.theme_id)
        .where(Theme.policy_id == policy.id, Theme.merged_into_id.is_(None))
    )


def _comment_totals(policy: Policy, filters: ReportFilters) -> tuple[int, int]:
    """(published comments, the same with each confirmed campaign counted once)."""
    confirmed = _confirmed_campaigns(policy)
    stmt = _counted_comments(
        policy,
        filters,
        func.count(Comment.id),
        func.count(confirmed.c.group_id.distinct()),
        func.coalesce(func.sum(case((confirmed.c.group_id.is_(None), 1), else_=0)), 0),
    ).outerjoin(confirmed, confirmed.c.comment_id == Comment.id)
    total, groups, singles = db.session.execute(stmt).one()
    return int(total or 0), int(groups or 0) + int(singles or 0)


def _campaigns(policy: Policy, filters: ReportFilters) -> list[dict[str, int]]:
    """Confirmed campaigns with how many of their comments this report counts, largest first."""
    confirmed = _confirmed_campaigns(policy)
    stmt = (
        _counted_comments(
            policy,
            filters,
            confirmed.c.group_id,
            func.count(Comment.id),
            func.min(Comment.id),
        )
        .join(confirmed, confirmed.c.comment_id == Comment.id)
        .group_by(confirmed.c.group_id)
        .order_by(func.count(Comment.id).desc(), confirmed.c.group_id)
    )
    return [
        {"id": int(g), "size": int(n), "sample_comment_id": int(s)}
        for g, n, s in db.session.execute(stmt)
    ]


def _day(column: Any) -> ColumnElement[Any]:
    """The UTC day of a timestamp as YYYY-MM-DD, on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        # A cast to date, cheap per row; to_char on every row cost twice the whole scan.
        return cast(func.timezone("UTC", column), Date)
    # SQLite keeps UTC timestamps as ISO text ("2026-10-05 01:35:00.000000", UTCDateTime),
    # so the day is its first ten characters: cheaper than strftime on every row.
    return func.substr(column, 1, 10)


def _comments_per_day(policy: Policy, filters: ReportFilters) -> list[dict[str, Any]]:
    day = _day(Comment.created_at).label("day")
    stmt = (
        _counted_comments(policy, filters, day, func.count(Comment.id)).group_by(day).order_by(day)
    )
    return [
        {"date": d if isinstance(d, str) else d.isoformat(), "comments": int(n)}
        for d, n in db.session.execute(stmt)
    ]


def _count_responses(policy: Policy, filters: ReportFilters) -> int:
    stmt = _counted_responses(
        select(func.count(SurveyResponse.id)).select_from(SurveyResponse), policy, filters
    )
    return int(db.session.scalar(stmt) or 0)


def _count_hearings(policy: Policy, filters: ReportFilters) -> int:
    """Hearings held (open or closed); the hearing and date filters apply."""
    stmt = select(func.count(Hearing.id)).where(
        Hearing.policy_id == policy.id, Hearing.status.in_(HELD_HEARINGS)
    )
    if filters.hearing is not None:
        stmt = stmt.where(Hearing.id == filters.hearing)
    if filters.starts():
        stmt = stmt.where(Hearing.starts_at >= filters.starts())
    if filters.ends():
        stmt = stmt.where(Hearing.starts_at < filters.ends())
    return int(db.session.scalar(stmt) or 0)


def _count_submissions(policy: Policy, filters: ReportFilters) -> int:
    """Bodies that sent a formal written submission; only the date filter applies."""
    stmt = select(func.count(Submission.body_id.distinct())).where(
        Submission.policy_id == policy.id, Submission.status == "submitted"
    )
    if filters.starts():
        stmt = stmt.where(Submission.submitted_at >= filters.starts())
    if filters.ends():
        stmt = stmt.where(Submission.submitted_at < filters.ends())
    return int(db.session.scalar(stmt) or 0)


# --- sections and objectives ----------------------------------------------------------


def _stance_counts(policy: Policy, filters: ReportFilters) -> dict[tuple[int, int | None], dict]:
    """(section id, objective id or None) -> {stance or "none": comments}, one GROUP BY."""
    stmt = _counted_comments(
        policy,
        filters,
        Comment.section_id,
        Comment.objective_id,
        Comment.stance,
        func.count(Comment.id),
    ).group_by(Comment.section_id, Comment.objective_id, Comment.stance)
    out: dict[tuple[int, int | None], dict[str, int]] = defaultdict(dict)
    for section_id, objective_id, stance, n in db.session.execute(stmt):
        out[(section_id, objective_id)][stance or NO_STANCE] = int(n)
    return out


@dataclass(frozen=True)
class _ObjectiveQuestion:
    question_id: int
    section_id: int
    n_items: int


def _objective_questions(
    policy: Policy, filters: ReportFilters | None = None
) -> dict[str, list[_ObjectiveQuestion]]:
    """Per type ("matrix", "ranking"): the first live such question of each section's survey.

    In the NSP surveys matrix rows and ranking options are the section's objective keys;
    items that are not objective keys are left out of the per-objective figures.
    """
    stmt = (
        select(Question, Survey.section_id)
        .join(Survey, Survey.id == Question.survey_id)
        .where(
            Survey.policy_id == policy.id,
            Question.type.in_(("matrix", "ranking")),
            Question.retired_at.is_(None),
        )
        .order_by(Survey.id, Question.position, Question.id)
    )
    section_id = _section_id(policy, filters) if filters is not None else None
    if section_id is not None:
        stmt = stmt.where(Survey.section_id == section_id)
    rows = db.session.execute(stmt).all()
    found: dict[str, dict[int, _ObjectiveQuestion]] = {"matrix": {}, "ranking": {}}
    for question, section_id in rows:
        n_items = len(question.question_type.item_keys(question))
        found[question.type].setdefault(
            section_id, _ObjectiveQuestion(question.id, section_id, n_items)
        )
    return {kind: list(by_section.values()) for kind, by_section in found.items()}


def _answers(policy: Policy, filters: ReportFilters, *columns: Any) -> Any:
    """Answer rows of counted responses. The callers pick the questions (the policy's own,
    of the filtered section), so unless a filter narrows the responses themselves no join
    is needed, and the aggregate reads only the covering `ix_survey_answers_question_item`.
    """
    stmt = select(*columns).select_from(Answer)
    if not _response_filtered(filters):
        return stmt
    # The counted responses as a set the covering index's response_id is checked against,
    # rather than a join from every answer row to its response.
    counted = _counted_responses(
        select(SurveyResponse.id).select_from(SurveyResponse), policy, filters
    )
    return stmt.where(Answer.response_id.in_(counted))


def _profiled_answers(policy: Policy, filters: ReportFilters, *columns: Any) -> Any:
    """Answer rows of counted responses, joined with their response and respondent, for
    the breakdowns by the respondent's profile (`response_profile`)."""
    return _counted_responses(
        select(*columns)
        .select_from(Answer)
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id),
        policy,
        filters,
        with_profile=True,
    )


def _ratings(
    policy: Policy, filters: ReportFilters, questions: list[_ObjectiveQuestion]
) -> dict[tuple[int, str], dict[str, Any]]:
    """(section id, objective key) -> {"n", "mean", "distribution", "no_opinion"}.

    One GROUP BY of the answer rows by rating: a matrix stores one row per rated item per
    response, so a count of rows is a count of respondents; the mean is taken from that
    distribution (exactly AVG over the ratings, without a second scan).
    """
    if not questions:
        return {}
    section_of = {q.question_id: q.section_id for q in questions}
    stmt = _answers(
        policy,
        filters,
        Answer.question_id,
        Answer.item_key,
        Answer.value_int,
        Answer.value_text,
        func.count(Answer.id),
    ).where(
        Answer.question_id.in_(section_of),
        or_(Answer.value_int.is_not(None), Answer.value_text == NO_OPINION),
    )
    stmt = stmt.group_by(Answer.question_id, Answer.item_key, Answer.value_int, Answer.value_text)
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for qid, item, value, _text, n in db.session.execute(stmt):
        cell = out.setdefault((section_of[qid], item), _empty_rating())
        if value is None:
            cell["no_opinion"] += int(n)
        elif str(value) in cell["distribution"]:
            cell["distribution"][str(value)] += int(n)
    for cell in out.values():
        n = sum(cell["distribution"].values())
        total = sum(int(k) * v for k, v in cell["distribution"].items())
        cell["n"] = n
        cell["mean"] = round(total / n, 2) if n else None
    return out


def _empty_rating() -> dict[str, Any]:
    return {"n": 0, "mean": None, "distribution": dict.fromkeys(SCALE, 0), "no_opinion": 0}


def _rankings(
    policy: Policy, filters: ReportFilters, questions: list[_ObjectiveQuestion]
) -> dict[tuple[int, str], dict[str, Any]]:
    """(section id, objective key) -> {"ranked", "mean_rank", "borda"}.

    A ranking stores one row per ranked item with its place (1 = top); ranked r-th of N
    items earns N − r points (Borda), as `surveys.types.ranking` scores it.
    """
    if not questions:
        return {}
    by_id = {q.question_id: q for q in questions}
    stmt = _answers(
        policy,
        filters,
        Answer.question_id,
        Answer.item_key,
        func.count(Answer.id),
        func.sum(Answer.value_int),
    ).where(Answer.question_id.in_(by_id), Answer.value_int.is_not(None))
    stmt = stmt.group_by(Answer.question_id, Answer.item_key)
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for qid, item, n, rank_sum in db.session.execute(stmt):
        question = by_id[qid]
        n, rank_sum = int(n), int(rank_sum or 0)
        out[(question.section_id, item)] = {
            "ranked": n,
            "mean_rank": round(rank_sum / n, 2) if n else None,
            "borda": n * question.n_items - rank_sum,
        }
    return out


def _empty_ranking() -> dict[str, Any]:
    return {"ranked": 0, "mean_rank": None, "borda": 0}


def _stance_dict(counts: dict[str, int]) -> dict[str, int]:
    return {code: int(counts.get(code, 0)) for code in (*STANCES, NO_STANCE)}


def _sum_stances(parts: list[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for part in parts:
        for code, n in part.items():
            total[code] += n
    return _stance_dict(total)


def _sections(
    policy: Policy, filters: ReportFilters, government: ReportDispositions
) -> list[dict[str, Any]]:
    stances = _stance_counts(policy, filters)
    questions = _objective_questions(policy, filters)
    ratings = _ratings(policy, filters, questions["matrix"])
    rankings = _rankings(policy, filters, questions["ranking"])
    cells = _heatmap_cells(policy, filters, questions["matrix"])
    sections: list[Section] = [s for s in policy.sections if filters.section in (None, s.slug)]
    out = []
    for section in sections:
        in_section = [c for (sid, _oid), c in stances.items() if sid == section.id]
        stance = _sum_stances(in_section)
        objectives = []
        for objective in section.objectives:
            o_stance = _stance_dict(stances.get((section.id, objective.id), {}))
            objectives.append(
                {
                    "key": objective.key,
                    "comments": sum(o_stance.values()),
                    "stance": o_stance,
                    "rating": ratings.get((section.id, objective.key), _empty_rating()),
                    "ranking": rankings.get((section.id, objective.key), _empty_ranking()),
                }
            )
        out.append(
            {
                "slug": section.slug,
                "comments": sum(stance.values()),
                "stance": stance,
                "objectives": objectives,
                "heatmaps": _section_heatmaps(section, cells),
                **government.for_section(section.id),
            }
        )
    return out


# --- themes and quotes ----------------------------------------------------------------


def _themes(
    policy: Policy, filters: ReportFilters, government: ReportDispositions
) -> list[dict[str, Any]]:
    """Themes in use with how many counted comments carry them, most first."""
    n = func.count(Comment.id.distinct())
    stmt = (
        _in_live_themes(
            _counted_comments(policy, filters, Theme.id, Theme.name, Theme.name_key, n), policy
        )
        .group_by(Theme.id, Theme.name, Theme.name_key)
        .order_by(n.desc(), Theme.name_key)
    )
    return [
        {
            "id": int(tid),
            "slug": "-".join(key.split()),
            "name": name,
            "comments": int(count),
            "disposition": government.themes.get(int(tid)),
        }
        for tid, name, key, count in db.session.execute(stmt)
    ]


def _featured_quotes(policy: Policy, filters: ReportFilters) -> list[dict[str, Any]]:
    """The comments moderators featured, among those counted, oldest featuring first."""
    stmt = (
        _counted_comments(policy, filters, Comment, Section.slug)
        .join(FeaturedQuote, FeaturedQuote.comment_id == Comment.id)
        .join(Section, Section.id == Comment.section_id)
        .where(FeaturedQuote.removed_at.is_(None))
        .order_by(FeaturedQuote.created_at, Comment.id)
    )
    return [comment_json(c, section=slug) for c, slug in db.session.execute(stmt)]


# --- heatmaps: the mean rating per objective × province / stakeholder group -------------

# heatmap axis -> the vocabulary of its columns (a profile code of the respondent)
HEATMAP_AXES: dict[str, tuple[str, ...]] = {
    "province": PROVINCES,
    "stakeholder_group": STAKEHOLDER_GROUPS,
}


def _heatmap_cells(
    policy: Policy, filters: ReportFilters, questions: list[_ObjectiveQuestion]
) -> dict[tuple[int, str, str, str], tuple[int, int]]:
    """(section id, axis, objective key, code) -> (n, sum of ratings), in ONE GROUP BY.

    The rating is the one `_ratings` counts (the section's first matrix question, ratings
    1–5, no-opinion left out), split by the respondent's profile (the participant's, or
    the copy on an anonymous response). One scan groups by province AND group together
    (at most objectives × 9 × 10 rows); Python folds that into the two axes, which halves
    the time of a UNION of one GROUP BY per axis.
    """
    if not questions:
        return {}
    section_of = {q.question_id: q.section_id for q in questions}
    codes = [response_profile(axis) for axis in HEATMAP_AXES]
    stmt = (
        _profiled_answers(
            policy,
            filters,
            Answer.question_id,
            Answer.item_key,
            *codes,
            func.count(Answer.id),
            func.sum(Answer.value_int),
        )
        .where(
            Answer.question_id.in_(section_of),
            Answer.value_int >= int(SCALE[0]),
            Answer.value_int <= int(SCALE[-1]),
        )
        .group_by(Answer.question_id, Answer.item_key, *codes)
    )
    folded: dict[tuple[int, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for qid, item, *row in db.session.execute(stmt):
        *values, n, total = row
        for axis, code in zip(HEATMAP_AXES, values, strict=True):
            if code is not None:
                cell = folded[(section_of[qid], axis, item, code)]
                cell[0] += int(n)
                cell[1] += int(total or 0)
    return {key: (n, total) for key, (n, total) in folded.items()}


def _section_heatmaps(
    section: Section, cells: dict[tuple[int, str, str, str], tuple[int, int]]
) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """{axis: {objective key: {code: {"n", "mean"}}}}: every objective and code present."""
    out: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for axis, codes in HEATMAP_AXES.items():
        grid: dict[str, dict[str, dict[str, Any]]] = {}
        for objective in section.objectives:
            row = {}
            for code in codes:
                n, total = cells.get((section.id, axis, objective.key, code), (0, 0))
                row[code] = {"n": n, "mean": round(total / n, 2) if n else None}
            grid[objective.key] = row
        out[axis] = grid
    return out


# --- representativeness: who was heard, against the population ---------------------------


def _representativeness(by_province: dict[str, int]) -> list[dict[str, Any]]:
    """Per province with a population: its share of the participants whose province is
    known against its share of the population; ratio < 1 means under-heard.

    People abroad or who did not say have no population to compare with, so they are in
    neither share. Computed from `by_province`, so it costs no query.
    """
    pop = population.population()
    known = sum(by_province.get(code, 0) for code in pop.provinces)
    rows = []
    for code, row in pop.provinces.items():
        people = by_province.get(code, 0)
        share = people / known if known else None
        pop_share = row.population / pop.total
        rows.append(
            {
                "province": code,
                "participants": people,
                "share": round(share, 4) if share is not None else None,
                "population": row.population,
                "population_share": round(pop_share, 4),
                "ratio": round(share / pop_share, 2) if share is not None else None,
                "outside_census": row.outside_census,
                "source": row.source,
                "year": row.year,
            }
        )
    return rows


# --- hearings, invited participation, institutional submissions ----------------------


def _hearing_summaries(policy: Policy, filters: ReportFilters) -> list[dict[str, Any]]:
    """Each hearing held, by start, with its attendance and what it collected by channel.

    Two queries: the hearings, then `hearings.queries.count_contributions` (one GROUP BY
    for all of them). The hearing and date filters choose the hearings (by start), as for
    `hearings`; the counts are each hearing's whole record, as its public page shows them.
    """
    stmt = select(Hearing).where(Hearing.policy_id == policy.id, Hearing.status.in_(HELD_HEARINGS))
    if filters.hearing is not None:
        stmt = stmt.where(Hearing.id == filters.hearing)
    if filters.starts():
        stmt = stmt.where(Hearing.starts_at >= filters.starts())
    if filters.ends():
        stmt = stmt.where(Hearing.starts_at < filters.ends())
    held = list(db.session.scalars(stmt.order_by(Hearing.starts_at, Hearing.id)))
    counts = hearing_queries.count_contributions(h.id for h in held)
    out = []
    for h in held:
        c = counts[h.id]
        out.append(
            {
                "id": h.id,
                "title": h.title,
                "institution": h.institution,
                "city": h.city,
                "province": h.province,
                "starts_at": h.starts_at.isoformat(),
                "ends_at": h.ends_at.isoformat(),
                "status": h.status,
                "attendance": h.attendance,
                "comments": dict(c.comments),
                "responses": dict(c.responses),
            }
        )
    return out


def _invited_participation(policy: Policy) -> dict[str, Any]:
    """Invited, joined and contributed per body kind (`invitations.queries`, one query);
    the CONTRACT §5 shape of `GET /policies/<policy>/participation`. No filter applies."""
    total, by_kind = invitation_queries.participation_by_body_kind(policy.id)
    return {**total.as_dict(), "by_body_kind": {k: c.as_dict() for k, c in by_kind.items()}}


def _submission_list(policy: Policy, filters: ReportFilters) -> list[dict[str, Any]]:
    """Each body's latest submitted version that it allowed to be published, by kind and
    name; one query (ROW_NUMBER per body). Only the date filter applies (submission date)."""
    conds = [
        Submission.policy_id == policy.id,
        Submission.status == "submitted",
        Submission.unpublished.is_(False),
    ]
    if filters.starts():
        conds.append(Submission.submitted_at >= filters.starts())
    if filters.ends():
        conds.append(Submission.submitted_at < filters.ends())
    rank = func.row_number().over(
        partition_by=Submission.body_id, order_by=Submission.version.desc()
    )
    latest = (
        select(
            Submission.body_id.label("body_id"),
            Submission.version.label("version"),
            Submission.submitted_at.label("submitted_at"),
            rank.label("rn"),
        )
        .where(*conds)
        .subquery()
    )
    stmt = (
        select(
            latest.c.body_id,
            StakeholderBody.name,
            StakeholderBody.kind,
            latest.c.version,
            latest.c.submitted_at,
        )
        .join(StakeholderBody, StakeholderBody.id == latest.c.body_id)
        .where(latest.c.rn == 1)
        .order_by(StakeholderBody.kind, StakeholderBody.name_key, latest.c.body_id)
    )
    return [
        {
            "body_id": int(body_id),
            "body": name,
            "kind": kind,
            "version": int(version),
            "submitted_at": submitted_at.isoformat() if submitted_at else None,
        }
        for body_id, name, kind, version, submitted_at in db.session.execute(stmt)
    ]


# --- the top comments of each theme ---------------------------------------------------

TOP_PER_THEME = 3
EXCERPT_CHARS = 200


def _excerpt(text: str) -> str:
    """The first EXCERPT_CHARS characters, whitespace collapsed, cut at a word."""
    flat = " ".join((text or "").split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    cut = flat[:EXCERPT_CHARS].rsplit(" ", 1)[0] or flat[:EXCERPT_CHARS]
    return cut + "…"


def _top_comments(policy: Policy, filters: ReportFilters) -> dict[int, list[dict[str, Any]]]:
    """theme id -> its TOP_PER_THEME counted comments by the thread's `top` order (score,
    then newest), in ONE query: ROW_NUMBER() OVER (PARTITION BY theme) on the tagged ones."""
    rank = func.row_number().over(
        partition_by=CommentTheme.theme_id,
        order_by=(Comment.score.desc(), Comment.created_at.desc(), Comment.id.desc()),
    )
    ranked = _in_live_themes(
        _counted_comments(
            policy,
            filters,
            CommentTheme.theme_id.label("theme_id"),
            Comment.id.label("id"),
            Comment.section_id.label("section_id"),
            Comment.objective_id.label("objective_id"),
            Comment.stance.label("stance"),
            Participant.display_name.label("author"),
            func.substr(Comment.body, 1, EXCERPT_CHARS * 2).label("body"),
            rank.label("rn"),
            with_profile=True,
        ),
        policy,
    ).subquery()
    stmt = (
        select(
            ranked.c.theme_id,
            ranked.c.id,
            Section.slug,
            Objective.key,
            ranked.c.stance,
            ranked.c.author,
            ranked.c.body,
        )
        .join(Section, Section.id == ranked.c.section_id)
        .outerjoin(Objective, Objective.id == ranked.c.objective_id)
        .where(ranked.c.rn <= TOP_PER_THEME)
        .order_by(ranked.c.theme_id, ranked.c.rn)
    )
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for theme_id, cid, slug, key, stance, author, body in db.session.execute(stmt):
        out[int(theme_id)].append(
            {
                "id": int(cid),
                "section": slug,
                "objective": key,
                "stance": stance,
                "author": {"display_name": author},
                "excerpt": _excerpt(body),
            }
        )
    return out


def hearing_choices(policy: Policy) -> list[tuple[int, str]]:
    """The policy's hearings (id, title) by start, for the filter form."""
    rows = db.session.execute(
        select(Hearing.id, Hearing.title)
        .where(Hearing.policy_id == policy.id)
        .order_by(Hearing.starts_at, Hearing.id)
    )
    return [(int(i), t) for i, t in rows]


# --- the report -----------------------------------------------------------------------


def build_report(policy: Policy, filters: ReportFilters) -> dict[str, Any]:
    """The whole report with exact numbers (CONTRACT §5 plus the documented extras).

    A fixed number of queries whatever the data's size (tests/reports guard it).
    """
    government = report_dispositions(policy.id)
    people = _participation_counts(policy, filters)
    comments, campaigns_once = _comment_totals(policy, filters)
    participation: dict[str, Any] = {
        "comments": comments,
        "comments_campaigns_once": campaigns_once,
        "participants": people.pop("participants"),
        "survey_responses": _count_responses(policy, filters),
        "hearings": _count_hearings(policy, filters),
        "invited_contributors": people["by_stream"]["invited"],
        "institutional_submissions": _count_submissions(policy, filters),
        **people,
        "comments_per_day": _comments_per_day(policy, filters),
    }
    tops = _top_comments(policy, filters)
    themes = [
        {**t, "top_comments": tops.get(t["id"], [])} for t in _themes(policy, filters, government)
    ]
    return {
        "policy": policy.slug,
        "filters": filters.query_args(),
        "participation": participation,
        "sections": _sections(policy, filters, government),
        "themes": themes,
        "campaigns": _campaigns(policy, filters),
        "featured_quotes": _featured_quotes(policy, filters),
        "representativeness": _representativeness(people["by_province"]),
        "hearings": _hearing_summaries(policy, filters),
        "invited_participation": _invited_participation(policy),
        "submissions": _submission_list(policy, filters),
    }


# --- small cells ----------------------------------------------------------------------


def _small(value: int | None, minimum: int) -> bool:
    return value is not None and 0 < value < minimum


def suppress_small_cells(
    report: dict[str, Any], minimum: int, profile_filtered: bool
) -> dict[str, Any]:
    """The public view: a cell describing fewer than `minimum` people becomes None.

    Always: the people counts (participants, survey responses, invited contributors,
    every `by_*` breakdown), the rating (n, mean, distribution, no-opinion) and ranking of
    an objective answered by fewer than `minimum` people. When a profile filter (province,
    group, gender, age band) is set, comment counts describe people of that profile too,
    so they are suppressed as well and featured quotes are left out. Zero stays zero.
    The analysis parts follow the same rule: heatmap cells rated by too few people, a
    province's participants in representativeness (with its share and ratio), hearing
    survey-response counts and invited participation always; the themes' top comments are
    left out under a profile filter, as featured quotes are.
    Each suppressed object carries `"suppressed": true`; the report's `small_cells` says
    whether anything was suppressed.
    """
    hidden = False

    def cut(value: int | None) -> int | None:
        nonlocal hidden
        if _small(value, minimum):
            hidden = True
            return None
        return value

    def cut_comments(value: int | None) -> int | None:
        return cut(value) if profile_filtered else value

    def heat_cell(cell: dict[str, Any]) -> dict[str, Any]:
        nonlocal hidden
        if _small(cell["n"], minimum):
            hidden = True
            return {"n": None, "mean": None, "suppressed": True}
        return cell

    p = dict(report["participation"])
    for key in ("participants", "survey_responses", "invited_contributors"):
        p[key] = cut(p[key])
    for key in BREAKDOWNS:
        p[key] = {code: cut(n) for code, n in p[key].items()}
    for key in ("comments", "comments_campaigns_once"):
        p[key] = cut_comments(p[key])
    p["comments_per_day"] = [
        {**row, "comments": cut_comments(row["comments"])} for row in p["comments_per_day"]
    ]

    sections = []
    for section in report["sections"]:
        objectives = []
        for objective in section["objectives"]:
            rating = dict(objective["rating"])
            if _small(rating["n"], minimum):
                hidden = True
                rating = {
                    "n": None,
                    "mean": None,
                    "distribution": dict.fromkeys(SCALE, None),
                    "no_opinion": None,
                    "suppressed": True,
                }
            else:
                rating["distribution"] = {k: cut(v) for k, v in rating["distribution"].items()}
                rating["no_opinion"] = cut(rating["no_opinion"])
            ranking = dict(objective["ranking"])
            if _small(ranking["ranked"], minimum):
                hidden = True
                ranking = {"ranked": None, "mean_rank": None, "borda": None, "suppressed": True}
            objectives.append(
                {
                    **objective,
                    "comments": cut_comments(objective["comments"]),
                    "stance": {k: cut_comments(v) for k, v in objective["stance"].items()},
                    "rating": rating,
                    "ranking": ranking,
                }
            )
        sections.append(
            {
                **section,
                "comments": cut_comments(section["comments"]),
                "stance": {k: cut_comments(v) for k, v in section["stance"].items()},
                "objectives": objectives,
                "heatmaps": {
                    axis: {
                        key: {code: heat_cell(c) for code, c in row.items()}
                        for key, row in grid.items()
                    }
                    for axis, grid in section["heatmaps"].items()
                },
            }
        )
    themes = [
        {
            **t,
            "comments": cut_comments(t["comments"]),
            "top_comments": [] if profile_filtered else t["top_comments"],
        }
        for t in report["themes"]
    ]
    campaigns = [{**c, "size": cut_comments(c["size"])} for c in report["campaigns"]]
    quotes = [] if profile_filtered else report["featured_quotes"]
    representativeness = []
    for row in report["representativeness"]:
        people = cut(row["participants"])
        shown = people is not None
        representativeness.append(
            {
                **row,
                "participants": people,
                "share": row["share"] if shown else None,
                "ratio": row["ratio"] if shown else None,
            }
        )
    hearings = [
        {**h, "responses": {ch: cut(n) for ch, n in h["responses"].items()}}
        for h in report["hearings"]
    ]
    invited = report["invited_participation"]
    invited = {
        **{k: cut(invited[k]) for k in ("invited", "joined", "contributed")},
        "by_body_kind": {
            kind: {k: cut(n) for k, n in counts.items()}
            for kind, counts in invited["by_body_kind"].items()
        },
    }
    return {
        **report,
        "participation": p,
        "sections": sections,
        "themes": themes,
        "campaigns": campaigns,
        "featured_quotes": quotes,
        "representativeness": representativeness,
        "hearings": hearings,
        "invited_participation": invited,
        "small_cells": {"min": minimum, "suppressed": hidden},
    }


def report_for(
    policy: Policy, filters: ReportFilters, *, exact: bool, minimum: int
) -> dict[str, Any]:
    """The report as this viewer may see it: exact for the desk, else small cells hidden."""
    report = build_report(policy, filters)
    if exact:
        return {**report, "small_cells": {"min": minimum, "suppressed": False}}
    return suppress_small_cells(report, minimum, _profile_filtered(filters))
