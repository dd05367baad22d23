"""The report against a data set with known totals, counted again in plain Python."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from consult.accounts.models import Participant
from consult.comments import services as comments
from consult.comments.models import Comment
from consult.core.models import utcnow
from consult.extensions import db
from consult.hearings.attendees import AttendeeProfile, create_attendee
from consult.moderation import curation
from consult.moderation.campaigns import confirm_campaign, state_token
from consult.moderation.models import CampaignGroup, CampaignSignature
from consult.policy.models import Policy
from consult.policy.queries import get_policy
from consult.reports import publication, queries
from consult.reports.filters import ReportFilters
from consult.surveys import services as surveys
from consult.surveys.models import SurveyResponse
from tests.factories import make_comment, make_hearing, make_user, section_of, survey_of
from tests.helpers import bearer_for, count_queries

PUNJAB_WOMAN = {
    "province": "punjab",
    "stakeholder_group": "citizen",
    "gender": "woman",
    "age_band": "25-34",
}


@pytest.fixture
def data(nsp):
    """Comments of every status, replies, stances, hearing and paper inputs, a confirmed
    campaign, themes, a featured quote, survey responses (one anonymous)."""
    admin = make_user(role="admin")
    # Six women of Punjab (a cell of 6, above the threshold), two men of Sindh (below).
    women = [make_user(**PUNJAB_WOMAN) for _ in range(6)]
    men = [
        make_user(province="sindh", stakeholder_group="student", gender="man", age_band="18-24")
        for _ in range(2)
    ]
    nc, defence = section_of(), section_of(section_slug="defence")
    c1 = make_comment(women[0], nc, "Support one", objective_key="NC-1", stance="support")
    c2 = make_comment(men[0], nc, "Oppose one", objective_key="NC-1", stance="oppose")
    make_comment(women[1], nc, "Concern two", objective_key="NC-2", stance="concern")
    make_comment(women[2], nc, "No objective, no stance")
    make_comment(men[1], nc, "A reply", parent_id=c1.id, stance="suggestion")
    make_comment(women[3], defence, "On defence", stance="support")
    # Not counted: hidden, rejected, pending, withdrawn (their authors took part otherwise
    # not at all, so they are not people of the report either).
    quiet = [make_user() for _ in range(4)]
    hidden = make_comment(quiet[0], nc, "Hidden one", objective_key="NC-1", stance="oppose")
    rejected = make_comment(quiet[1], nc, "Rejected one", stance="oppose")
    pending = make_comment(quiet[2], nc, "Pending one", stance="oppose")
    withdrawn = make_comment(quiet[3], nc, "Withdrawn one", objective_key="NC-2")
    comments.withdraw_comment(quiet[3], withdrawn)
    for comment, status in ((hidden, "hidden"), (rejected, "rejected"), (pending, "pending")):
        db.session.execute(update(Comment).where(Comment.id == comment.id).values(status=status))
    # A hearing: one comment from the hall (an account holder on their phone) and one
    # paper form of an attendee without an account.
    hearing = make_hearing(status="open")
    make_comment(women[4], nc, "Said at the hearing", channel="hearing", hearing_id=hearing.id)
    attendee = create_attendee(
        hearing,
        AttendeeProfile(province="balochistan", gender="woman", age_band="50-64"),
        "paper",
    )
    comments.post_attendee_comment(
        attendee, nc, "On paper", "NC-3", stance="concern", channel="paper", hearing_id=hearing.id
    )
    # A campaign of three near-identical comments, confirmed: counted once beside its size.
    text = "Please withdraw the proposed changes to the curriculum until teachers are heard."
    copies = [make_comment(women[5], defence, text)]
    copies += [
        make_comment(u, defence, text + suffix) for u, suffix in ((men[0], "!"), (women[1], "."))
    ]
    db.session.flush()
    group_id = db.session.get(CampaignSignature, copies[0].id).group_id
    confirm_campaign(admin, group_id, state_token(db.session.get(CampaignGroup, group_id)))
    # Themes and a featured quote.
    theme = curation.create_theme(admin, nsp, "Teachers")
    curation.tag_comments(admin, [c1.id, c2.id, hidden.id], add=[theme.id])
    curation.feature_comment(admin, c1)
    # Surveys: NC ratings and priorities from three people, one of them also at the hearing;
    # an anonymous response on defence from someone who never commented.
    nc_survey = survey_of()
    answers = [
        (
            women[0],
            {
                "ratings": {"NC-1": 4, "NC-2": 5, "NC-3": "no-opinion"},
                "priorities": ["NC-2", "NC-1", "NC-3"],
            },
        ),
        (
            women[1],
            {"ratings": {"NC-1": 2, "NC-2": 5, "NC-3": 3}, "priorities": ["NC-1", "NC-2", "NC-3"]},
        ),
        (men[0], {"ratings": {"NC-1": 5, "NC-2": 4, "NC-3": 1}}),
    ]
    for user, raw in answers:
        surveys.submit_response(nc_survey, user.participant, raw)
    survey = survey_of("defence")
    survey.anonymous = True
    lone = make_user(**PUNJAB_WOMAN)
    surveys.submit_response(survey, lone.participant, {"ratings": dict.fromkeys(_keys(survey), 3)})
    db.session.commit()
    return {"admin": admin, "hearing": hearing, "group": group_id, "theme": theme}


def _keys(survey):
    question = next(q for q in survey.questions if q.type == "matrix")
    return question.question_type.item_keys(question)


def _published():
    return list(db.session.scalars(select(Comment).where(Comment.status == "published")))


def _people(comment_filter=lambda c: True, response_filter=lambda r: True):
    """Distinct people by plain Python over every row: (key -> profile)."""
    people = {}
    for c in _published():
        if comment_filter(c):
            p = c.participant
            people[("p", p.id)] = (p.province, p.stakeholder_group, p.gender, p.age_band)
    for r in db.session.scalars(select(SurveyResponse)):
        if response_filter(r):
            if r.participant_id:
                p = db.session.get(Participant, r.participant_id)
                people[("p", p.id)] = (p.province, p.stakeholder_group, p.gender, p.age_band)
            else:
                people[("a", r.respondent_key)] = (
                    r.province,
                    r.stakeholder_group,
                    r.gender,
                    r.age_band,
                )
    return people


def c1_objective() -> int:
    return db.session.scalar(select(Comment.objective_id).where(Comment.body == "Support one"))


def _report(**filters):
    return queries.build_report(get_policy("nsp-2022-2026"), ReportFilters(**filters))


def test_participation_matches_an_independent_count(data):
    report = _report()
    p = report["participation"]
    published = _published()
    assert p["comments"] == len(published) == 11
    # Three campaign copies count once: 11 - 3 + 1.
    assert p["comments_campaigns_once"] == 9
    people = _people()
    assert p["participants"] == len(people) == 10  # 6 women, 2 men, attendee, anonymous
    assert p["survey_responses"] == 4
    assert p["hearings"] == 1
    assert p["institutional_submissions"] == 0
    assert p["invited_contributors"] == 0
    for index, key in enumerate(
        ("by_province", "by_stakeholder_group", "by_gender", "by_age_band")
    ):
        expected = Counter(profile[index] for profile in people.values())
        assert {k: v for k, v in p[key].items() if v} == dict(expected), key
    by_channel = {
        ch: len(_people(lambda c, ch=ch: c.channel == ch, lambda r, ch=ch: r.channel == ch))
        for ch in ("online", "hearing", "paper")
    }
    assert p["by_channel"] == by_channel == {"online": 8, "hearing": 1, "paper": 1}
    assert p["by_stream"] == {"open": 10, "invited": 0}
    days = Counter(c.created_at.date().isoformat() for c in published)
    assert {row["date"]: row["comments"] for row in p["comments_per_day"]} == dict(days)


def test_sections_objectives_ratings_and_rankings(data):
    report = _report()
    by_slug = {s["slug"]: s for s in report["sections"]}
    nc = by_slug["national-cohesion"]
    published_nc = [c for c in _published() if c.section.slug == "national-cohesion"]
    assert nc["comments"] == len(published_nc) == 7
    assert nc["stance"] == {
        "support": 1,
        "oppose": 1,
        "concern": 2,
        "suggestion": 1,
        "none": 2,
    }
    objectives = {o["key"]: o for o in nc["objectives"]}
    # The reply takes its thread's objective; hidden and withdrawn ones never count.
    by_objective = Counter(c.objective.key for c in published_nc if c.objective)
    assert {k: o["comments"] for k, o in objectives.items()} == dict(by_objective)
    assert objectives["NC-1"]["comments"] == 3
    stances = Counter(c.stance or "none" for c in published_nc if c.objective_id == c1_objective())
    assert {k: v for k, v in objectives["NC-1"]["stance"].items() if v} == dict(stances)
    assert objectives["NC-2"]["comments"] == 1
    assert objectives["NC-3"]["comments"] == 1
    assert objectives["NC-1"]["rating"] == {
        "n": 3,
        "mean": round((4 + 2 + 5) / 3, 2),
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
        "no_opinion": 0,
    }
    assert objectives["NC-3"]["rating"]["n"] == 2
    assert objectives["NC-3"]["rating"]["no_opinion"] == 1
    assert objectives["NC-3"]["rating"]["mean"] == 2.0
    # Rankings from two people over 3 items: NC-1 ranked 2nd and 1st.
    assert objectives["NC-1"]["ranking"] == {"ranked": 2, "mean_rank": 1.5, "borda": 2 * 3 - 3}
    assert objectives["NC-2"]["ranking"] == {"ranked": 2, "mean_rank": 1.5, "borda": 3}
    assert objectives["NC-3"]["ranking"] == {"ranked": 2, "mean_rank": 3.0, "borda": 0}
    defence = by_slug["defence"]
    assert defence["comments"] == 4
    assert all(o["rating"]["n"] == 1 for o in defence["objectives"])  # the anonymous one
    assert [t["comments"] for t in report["themes"]] == [2]  # the hidden one is not counted
    assert report["themes"][0]["slug"] == "teachers"
    assert report["campaigns"] == [
        {
            "id": data["group"],
            "size": 3,
            "sample_comment_id": report["campaigns"][0]["sample_comment_id"],
        }
    ]
    assert [q["body_html"] for q in report["featured_quotes"]] == ["<p>Support one</p>"]


def test_filters_recompute_everything(data):
    hearing = _report(hearing=data["hearing"].id)["participation"]
    assert hearing["comments"] == 2
    assert hearing["participants"] == 2
    assert hearing["by_channel"] == {"online": 0, "hearing": 1, "paper": 1}
    assert hearing["survey_responses"] == 0

    men = _report(gender="man")
    assert men["participation"]["participants"] == 2
    assert men["participation"]["comments"] == 3  # oppose, reply, one campaign copy
    nc = next(s for s in men["sections"] if s["slug"] == "national-cohesion")
    assert nc["objectives"][0]["rating"]["n"] == 1
    assert men["featured_quotes"] == []

    only_defence = _report(section="defence")
    assert [s["slug"] for s in only_defence["sections"]] == ["defence"]
    assert only_defence["participation"]["comments"] == 4
    assert only_defence["participation"]["survey_responses"] == 1

    paper = _report(channel="paper")["participation"]
    assert (paper["comments"], paper["participants"]) == (1, 1)

    tomorrow = (utcnow() + timedelta(days=1)).date()
    empty = _report(date_from=tomorrow)
    assert empty["participation"]["comments"] == 0
    assert empty["participation"]["participants"] == 0
    assert empty["participation"]["comments_per_day"] == []
    assert all(s["comments"] == 0 for s in empty["sections"])

    today = utcnow().date()
    assert _report(date_from=today, date_to=today)["participation"]["comments"] == 11


def test_an_empty_policy_gives_zeros(nsp):
    report = _report()
    p = report["participation"]
    assert (p["comments"], p["participants"], p["survey_responses"], p["hearings"]) == (0, 0, 0, 0)
    assert set(p["by_province"].values()) == {0}
    assert report["sections"][0]["objectives"][0]["rating"]["mean"] is None
    assert report["themes"] == [] and report["campaigns"] == []


def test_small_cells_are_suppressed_in_public_only(data):
    policy = get_policy("nsp-2022-2026")
    public = queries.report_for(policy, ReportFilters(), exact=False, minimum=5)
    exact = queries.report_for(policy, ReportFilters(), exact=True, minimum=5)
    assert public["small_cells"] == {"min": 5, "suppressed": True}
    assert exact["small_cells"]["suppressed"] is False
    assert exact["participation"]["by_province"]["sindh"] == 2
    assert public["participation"]["by_province"]["sindh"] is None
    assert public["participation"]["by_province"]["punjab"] == 7  # six women and the lone one
    assert public["participation"]["by_province"]["overseas"] == 0  # zero stays zero
    assert public["participation"]["participants"] == 10
    assert public["participation"]["survey_responses"] is None  # 4 responses
    nc = public["sections"][0]["objectives"][0]
    assert nc["rating"]["suppressed"] is True and nc["rating"]["mean"] is None
    assert nc["ranking"]["borda"] is None
    # Without a profile filter comment counts are public content and stay.
    assert public["sections"][0]["comments"] == 7
    # With one, they describe people of that profile and small ones go too.
    men = queries.report_for(policy, ReportFilters(gender="man"), exact=False, minimum=5)
    assert men["participation"]["comments"] is None
    assert men["sections"][0]["stance"]["oppose"] is None
    assert men["featured_quotes"] == []


def test_query_count_does_not_grow_with_data(data):
    policy = get_policy("nsp-2022-2026")
    [len(s.objectives) for s in policy.sections]
    with count_queries() as before:
        queries.build_report(policy, ReportFilters())
    section = section_of()
    for i in range(6):
        make_comment(make_user(province="sindh"), section, f"More {i}", objective_key="NC-2")
    db.session.commit()
    policy = get_policy("nsp-2022-2026")
    [len(s.objectives) for s in policy.sections]  # loaded, as the view has them
    with count_queries() as after:
        queries.build_report(policy, ReportFilters(province="sindh"))
    # docs/reports.md "Computed in SQL": 19 for the figures, 3 for the government's
    # responses and dispositions.
    assert len(after) == len(before) == 22


# --- the page and the API ---------------------------------------------------------------


def _publish():
    """Publish a snapshot of the report: the only thing that opens it to the public."""
    snapshot = publication.publish_report(get_policy("nsp-2022-2026"), make_user(role="admin"))
    db.session.commit()
    return snapshot


def test_page_for_moderators_while_open(client, data, login_as):
    # The policy's status no longer opens the report: only a published snapshot does.
    db.session.execute(update(Policy).values(status="published"))
    db.session.commit()
    assert client.get("/policies/nsp-2022-2026/report").status_code == 302
    login_as("citizen")
    page = client.get("/policies/nsp-2022-2026/report")
    assert page.status_code == 403 and "not published yet" in page.get_data(as_text=True)
    client.post("/auth/logout")
    login_as("moderator")
    page = client.get("/policies/nsp-2022-2026/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "<title" in html and "<desc" in html
    assert "style=" not in html and "<style" not in html
    assert "exact numbers" in html and 'name="province"' in html  # live, with filters
    assert "Publish the report" not in html  # admins only
    assert client.get("/policies/nsp-2022-2026/report?province=mars").status_code == 422


def test_public_page_shows_the_snapshot_and_cannot_filter_it(client, data):
    _publish()
    page = client.get("/policies/nsp-2022-2026/report")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "fewer than 5" in html and "Published report, snapshot 1" in html
    assert 'name="province"' not in html  # no filter form on a frozen snapshot
    assert "style=" not in html
    # A filter in the address is not applied, and the page says so.
    filtered = client.get("/policies/nsp-2022-2026/report?province=sindh")
    assert filtered.status_code == 200
    assert "were not applied" in filtered.get_data(as_text=True)
    assert "were not applied" not in html


def test_api_report(client, data):
    url = "/api/v1/policies/nsp-2022-2026/report"
    assert client.get(url).status_code == 401
    citizen = bearer_for(make_user())
    assert client.get(url, headers=citizen).status_code == 403
    moderator = bearer_for(make_user(role="moderator"))
    body = client.get(url, headers=moderator).get_json()
    assert body["policy"] == "nsp-2022-2026"
    assert body["participation"]["comments"] == 11
    assert body["participation"]["by_province"]["sindh"] == 2
    assert set(body["sections"][0]) >= {"slug", "comments", "stance", "objectives"}
    assert set(body["sections"][0]["objectives"][0]["rating"]) >= {"n", "mean", "distribution"}
    assert "snapshot" not in body  # the desk reads the live report
    snapshot = _publish()
    public = client.get(url).get_json()
    assert public["participation"]["by_province"]["sindh"] is None
    assert public["small_cells"]["suppressed"] is True
    assert public["snapshot"]["number"] == 1
    assert public["snapshot"]["sha256"] == snapshot.sha256
    assert client.get(url, headers=citizen).get_json()["snapshot"]["number"] == 1
    # The desk still reads the live report after publication.
    assert "snapshot" not in client.get(url, headers=moderator).get_json()
    # A snapshot cannot be filtered: asking is refused, not silently ignored.
    refused = client.get(url + "?province=sindh&gender=man")
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"province", "gender"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("channel=fax", "channel"),
        ("stream=closed", "stream"),
        ("section=nope", "section"),
        ("age_band=12", "age_band"),
        ("hearing=999999", "hearing"),
        ("hearing=abc", "hearing"),
        ("from=2026-13-01", "from"),
        ("from=2026-05-02&to=2026-05-01", "from"),
    ],
)
def test_bad_filters_are_refused(client, data, query, field):
    moderator = bearer_for(make_user(role="moderator"))
    db.session.commit()
    response = client.get(f"/api/v1/policies/nsp-2022-2026/report?{query}", headers=moderator)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert field in error["fields"] and error["message"]


def test_urdu_page_is_right_to_left_and_charts_stay_readable(client, data):
    _publish()
    page = client.get("/policies/nsp-2022-2026/report", headers={"Accept-Language": "ur"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'dir="rtl"' in html
    # breakdowns, timeline, a stance chart per section, representativeness, two heatmaps
    # per section
    assert html.count("<svg") == 6 + 1 + 6 + 1 + 2 * 6
    assert "style=" not in html
    assert len(page.data) < 200_000
