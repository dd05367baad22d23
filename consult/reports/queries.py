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

from sqlalchemy import String, case, cast, func, literal, or_, select, union, union_all
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
from consult.hearings.models import Hearing
from consult.invitations.models import Submission
from consult.moderation.models import (
    CampaignGroup,
    CampaignSignature,
    CommentTheme,
    FeaturedQuote,
    Theme,
)
from consult.policy.models import Policy, Section
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
    """The policy's comments under the filters (joined with `participants`).

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
    """Counted comments of the policy under the filters (joined with `participants`)."""
    return comment_conditions(policy, filters)


def _counted_comments(policy: Policy, filters: ReportFilters, *columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(Comment)
        .join(Participant, Participant.id == Comment.participant_id)
        .where(*_comment_conditions(policy, filters))
    )


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


def _counted_responses(stmt: Any, policy: Policy, filters: ReportFilters) -> Any:
    """Join `stmt` (selecting from survey_responses) to what the response filters need."""
    return (
        stmt.join(Survey, Survey.id == SurveyResponse.survey_id)
        .outerjoin(Participant, Participant.id == SurveyResponse.participant_id)
        .where(*response_conditions(policy, filters))
    )


# --- participation --------------------------------------------------------------------


def _contributions(policy: Policy, filters: ReportFilters) -> Any:
    """One row per person × channel × stream who made a counted input (UNION, distinct).

    `pid` is the participant for comments and identified responses; `akey` the respondent
    key of an anonymous response (never equal to any pid, so both COUNT DISTINCT add up).
    """
    profile = [getattr(Participant, n).label(n) for n in PROFILE]
    comments = _counted_comments(
        policy,
        filters,
        Comment.participant_id.label("pid"),
        cast(literal(None), String).label("akey"),
        Comment.channel.label("channel"),
        Comment.stream.label("stream"),
        *profile,
    )
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
    )
    return union(comments, responses).cte("contributions")


def _people(cte: Any) -> Any:
    return func.count(cte.c.pid.distinct()) + func.count(cte.c.akey.distinct())


def _participation_counts(policy: Policy, filters: ReportFilters) -> dict[str, Any]:
    """Distinct people in total and per breakdown value, in one statement."""
    cte = _contributions(policy, filters)
    parts = [select(literal("total").label("dim"), literal("").label("code"), _people(cte))]
    for key, (_codes, column) in BREAKDOWNS.items():
        parts.append(
            select(literal(key).label("dim"), cte.c[column].label("code"), _people(cte)).group_by(
                cte.c[column]
            )
        )
    out: dict[str, Any] = {key: dict.fromkeys(codes, 0) for key, (codes, _c) in BREAKDOWNS.items()}
    out["participants"] = 0
    for dim, code, n in db.session.execute(union_all(*parts)):
        if dim == "total":
            out["participants"] = int(n or 0)
        elif code in out[dim]:
            out[dim][code] = int(n or 0)
    return out


def _comment_totals(policy: Policy, filters: ReportFilters) -> tuple[int, int]:
    """(published comments, the same with each confirmed campaign counted once)."""
    confirmed = (
        select(CampaignSignature.comment_id, CampaignSignature.group_id)
        .join(CampaignGroup, CampaignGroup.id == CampaignSignature.group_id)
        .where(CampaignGroup.policy_id == policy.id, CampaignGroup.status == "confirmed")
        .subquery()
    )
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
    stmt = (
        _counted_comments(
            policy,
            filters,
            CampaignSignature.group_id,
            func.count(Comment.id),
            func.min(Comment.id),
        )
        .join(CampaignSignature, CampaignSignature.comment_id == Comment.id)
        .join(CampaignGroup, CampaignGroup.id == CampaignSignature.group_id)
        .where(CampaignGroup.status == "confirmed")
        .group_by(CampaignSignature.group_id)
        .order_by(func.count(Comment.id).desc(), CampaignSignature.group_id)
    )
    return [
        {"id": int(g), "size": int(n), "sample_comment_id": int(s)}
        for g, n, s in db.session.execute(stmt)
    ]


def _day(column: Any) -> ColumnElement[str]:
    """The UTC day of a timestamp as YYYY-MM-DD, on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column)


def _comments_per_day(policy: Policy, filters: ReportFilters) -> list[dict[str, Any]]:
    day = _day(Comment.created_at).label("day")
    stmt = (
        _counted_comments(policy, filters, day, func.count(Comment.id)).group_by(day).order_by(day)
    )
    return [{"date": d, "comments": int(n)} for d, n in db.session.execute(stmt)]


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


def _objective_questions(policy: Policy) -> dict[str, list[_ObjectiveQuestion]]:
    """Per type ("matrix", "ranking"): the first live such question of each section's survey.

    In the NSP surveys matrix rows and ranking options are the section's objective keys;
    items that are not objective keys are left out of the per-objective figures.
    """
    rows = db.session.execute(
        select(Question, Survey.section_id)
        .join(Survey, Survey.id == Question.survey_id)
        .where(
            Survey.policy_id == policy.id,
            Question.type.in_(("matrix", "ranking")),
            Question.retired_at.is_(None),
        )
        .order_by(Survey.id, Question.position, Question.id)
    ).all()
    found: dict[str, dict[int, _ObjectiveQuestion]] = {"matrix": {}, "ranking": {}}
    for question, section_id in rows:
        n_items = len(question.question_type.item_keys(question))
        found[question.type].setdefault(
            section_id, _ObjectiveQuestion(question.id, section_id, n_items)
        )
    return {kind: list(by_section.values()) for kind, by_section in found.items()}


def _answers(policy: Policy, filters: ReportFilters, *columns: Any) -> Any:
    return _counted_responses(
        select(*columns)
        .select_from(Answer)
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id),
        policy,
        filters,
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


def _sections(policy: Policy, filters: ReportFilters) -> list[dict[str, Any]]:
    stances = _stance_counts(policy, filters)
    questions = _objective_questions(policy)
    ratings = _ratings(policy, filters, questions["matrix"])
    rankings = _rankings(policy, filters, questions["ranking"])
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
            }
        )
    return out


# --- themes and quotes ----------------------------------------------------------------


def _themes(policy: Policy, filters: ReportFilters) -> list[dict[str, Any]]:
    """Themes in use with how many counted comments carry them, most first."""
    n = func.count(Comment.id.distinct())
    stmt = (
        _counted_comments(policy, filters, Theme.id, Theme.name, Theme.name_key, n)
        .join(CommentTheme, CommentTheme.comment_id == Comment.id)
        .join(Theme, Theme.id == CommentTheme.theme_id)
        .where(Theme.policy_id == policy.id, Theme.merged_into_id.is_(None))
        .group_by(Theme.id, Theme.name, Theme.name_key)
        .order_by(n.desc(), Theme.name_key)
    )
    return [
        {"id": int(tid), "slug": "-".join(key.split()), "name": name, "comments": int(count)}
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
    return {
        "policy": policy.slug,
        "filters": filters.query_args(),
        "participation": participation,
        "sections": _sections(policy, filters),
        "themes": _themes(policy, filters),
        "campaigns": _campaigns(policy, filters),
        "featured_quotes": _featured_quotes(policy, filters),
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
            }
        )
    themes = [{**t, "comments": cut_comments(t["comments"])} for t in report["themes"]]
    campaigns = [{**c, "size": cut_comments(c["size"])} for c in report["campaigns"]]
    quotes = [] if profile_filtered else report["featured_quotes"]
    return {
        **report,
        "participation": p,
        "sections": sections,
        "themes": themes,
        "campaigns": campaigns,
        "featured_quotes": quotes,
        "small_cells": {"min": minimum, "suppressed": hidden},
    }


def report_for(
    policy: Policy, filters: ReportFilters, *, exact: bool, minimum: int
) -> dict[str, Any]:
    """The report as this viewer may see it: exact for the desk, else small cells hidden."""
    report = build_report(policy, filters)
    if exact:
        return {**report, "small_cells": {"min": minimum, "suppressed": False}}
    profile_filtered = any(getattr(filters, name) for name in PROFILE)
    return suppress_small_cells(report, minimum, profile_filtered)
