"""The report's analysis parts (heatmaps, representativeness, hearings, invited
participation, submissions, top comments per theme) against hand-made data with known
totals, counted again in plain Python."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from consult.accounts.models import Participant
from consult.comments import services as comments
from consult.comments.models import Comment
from consult.core.models import utcnow
from consult.extensions import db
from consult.hearings.attendees import AttendeeProfile, create_attendee
from consult.hearings.models import Hearing
from consult.invitations import services as invitations
from consult.invitations.models import Submission
from consult.invitations.services import InviteeData
from consult.moderation import curation
from consult.policy.models import Policy
from consult.policy.queries import get_policy
from consult.reports import charts, queries
from consult.reports.filters import ReportFilters
from consult.reports.population import (
    PopulationFileError,
    parse_population,
    population,
    read_population_file,
)
from consult.surveys import services as surveys
from consult.surveys.models import Answer, Question, Survey, SurveyResponse
from tests.factories import (
    DEFAULT_PASSWORD,
    make_comment,
    make_hearing,
    make_user,
    section_of,
    survey_of,
)
from tests.helpers import bearer_for, count_queries
from tests.reports.test_report import _people

ROOT = Path(__file__).resolve().parents[2]
POPULATION_FILE = ROOT / "policy_data" / "reference" / "population.toml"

PUNJAB = {"province": "punjab", "stakeholder_group": "citizen", "gender": "woman"}
SINDH = {"province": "sindh", "stakeholder_group": "student", "gender": "man"}
BALOCH = {"province": "balochistan", "stakeholder_group": "expert", "gender": "man"}

# National cohesion ratings, per person: NC-1, NC-2, NC-3 ("n" = no opinion).
PUNJAB_RATINGS = [(5, 3, 1), (4, 3, 1), (4, "n", 2), (3, 4, 2), (5, 4, 3), (2, 4, "n")]
SINDH_RATINGS = [(1, 5, 3), (2, 5, 3)]
# Theme "Teachers": published comments by Punjab people with these scores (top = 9, 5, 3).
TEACHER_SCORES = [5.0, 3.0, 9.0, 1.0]


def _rating(value):
    return "no-opinion" if value == "n" else value


@pytest.fixture
def world(nsp):
    """Ratings from identified and anonymous people, themed comments with scores (and a
    hidden and a withdrawn one scoring higher), two hearings (one held), invitees of two
    kinds, and submissions (published, unpublished, draft)."""
    admin = make_user(role="admin")
    nc, nc_survey = section_of(), survey_of()
    punjab = [make_user(**PUNJAB) for _ in PUNJAB_RATINGS]
    sindh = [make_user(**SINDH) for _ in SINDH_RATINGS]
    abroad = make_user(province="overseas", stakeholder_group="citizen")
    # A held hearing (the Sindh student answered there from a phone) and a scheduled one.
    held = make_hearing(status="closed", title="Lahore hearing")
    make_hearing(status="scheduled", title="Later hearing")
    db.session.execute(update(Hearing).where(Hearing.id == held.id).values(attendance=40))
    for user, ratings in zip(punjab + sindh, PUNJAB_RATINGS + SINDH_RATINGS, strict=True):
        raw = {"ratings": {f"NC-{i + 1}": _rating(v) for i, v in enumerate(ratings)}}
        at_hearing = user is sindh[1]
        surveys.submit_response(
            nc_survey,
            user.participant,
            raw,
            channel="hearing" if at_hearing else "online",
            hearing_id=held.id if at_hearing else None,
        )
    surveys.submit_response(
        nc_survey, abroad.participant, {"ratings": {"NC-1": 5, "NC-2": 5, "NC-3": 5}}
    )
    # Defence: an anonymous survey answered by five people of Balochistan (copies only).
    defence_survey = survey_of("defence")
    defence_survey.anonymous = True
    keys = _matrix_keys(defence_survey)
    for _ in range(5):
        surveys.submit_response(
            defence_survey, make_user(**BALOCH).participant, {"ratings": dict.fromkeys(keys, 4)}
        )
    # Themes: the hidden and the withdrawn comment score highest but never count.
    teachers = curation.create_theme(admin, nsp, "Teachers")
    water = curation.create_theme(admin, nsp, "Water")
    tagged = []
    for user, score in zip(punjab, TEACHER_SCORES, strict=False):
        tagged.append((make_comment(user, nc, f"Teachers matter, score {score}"), score))
    hidden = make_comment(make_user(), nc, "Hidden about teachers")
    withdrawn = make_comment(make_user(), nc, "Withdrawn about teachers")
    comments.withdraw_comment(withdrawn.participant.user, withdrawn)
    db.session.execute(update(Comment).where(Comment.id == hidden.id).values(status="hidden"))
    tagged += [(hidden, 100.0), (withdrawn, 50.0)]
    for comment, score in tagged:
        db.session.execute(update(Comment).where(Comment.id == comment.id).values(score=score))
    curation.tag_comments(admin, [c.id for c, _s in tagged], add=[teachers.id])
    long_text = "Water " + "and more water " * 30
    on_water = make_comment(sindh[0], nc, long_text, objective_key="NC-2", stance="concern")
    curation.tag_comments(admin, [on_water.id], add=[water.id])
    # At the hearing: one comment from the hall, one on paper, one hidden (not counted).
    make_comment(punjab[4], nc, "Said in the hall", channel="hearing", hearing_id=held.id)
    attendee = create_attendee(held, AttendeeProfile(province="punjab"), "paper")
    comments.post_attendee_comment(
        attendee, nc, "On paper", None, channel="paper", hearing_id=held.id
    )
    gone = make_comment(punjab[5], nc, "Hidden at the hall", channel="hearing", hearing_id=held.id)
    db.session.execute(update(Comment).where(Comment.id == gone.id).values(status="hidden"))
    # Invitees: two experts of a council (both join, one speaks), one without a body.
    council = invitations.create_body(nsp, "Council of Experts", "expert-council")
    society = invitations.create_body(nsp, "Citizens' Forum", "civil-society")
    draft_only = invitations.create_body(nsp, "Chamber of Commerce", "other")
    for n, (body, joins, speaks) in enumerate(
        ((council, True, True), (council, True, False), (None, False, False))
    ):
        invitee = invitations.create_invitee(
            nsp,
            InviteeData(
                email=f"inv{n}@example.org",
                name=f"Invitee {n}",
                body_id=body.id if body else None,
                stakeholder_group="expert",
            ),
        )
        invitations.send_invitation(invitee.invitation)
        if joins:
            token = invitations._issue_token(invitee.invitation)
            user = invitations.accept_invitation(token, f"Invited {n}", DEFAULT_PASSWORD, True)
            if speaks:
                comments.post_comment(user, nc, "An invited view")
    # Submissions: the council's two versions (v2 listed), the forum's unpublished one,
    # the chamber's draft (neither listed).
    now = utcnow()
    for body, version, status, unpublished in (
        (council, 1, "submitted", False),
        (council, 2, "submitted", False),
        (society, 1, "submitted", True),
        (draft_only, 1, "draft", False),
    ):
        db.session.add(
            Submission(
                policy_id=nsp.id,
                body_id=body.id,
                version=version,
                status=status,
                statement="Our response",
                unpublished=unpublished,
                author_id=admin.id,
                submitted_at=now if status == "submitted" else None,
            )
        )
    db.session.commit()
    return {
        "held": held,
        "council": council,
        "teachers": teachers,
        "water": water,
        "tagged": tagged,
        "on_water": on_water,
    }


def _matrix_keys(survey):
    question = next(q for q in survey.questions if q.type == "matrix")
    return question.question_type.item_keys(question)


def _report(**filters):
    return queries.build_report(get_policy("nsp-2022-2026"), ReportFilters(**filters))


def _public(**filters):
    policy = get_policy("nsp-2022-2026")
    return queries.report_for(policy, ReportFilters(**filters), exact=False, minimum=5)


def _section(report, slug):
    return next(s for s in report["sections"] if s["slug"] == slug)


def _independent_heatmap(section_slug: str, axis: str) -> dict[tuple[str, str], list[int]]:
    """(objective key, code) -> the ratings, from every answer row in plain Python."""
    survey = db.session.scalar(select(Survey).where(Survey.key == section_slug))
    question = db.session.scalar(
        select(Question)
        .where(Question.survey_id == survey.id, Question.type == "matrix")
        .order_by(Question.position)
        .limit(1)
    )
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    for answer in db.session.scalars(select(Answer).where(Answer.question_id == question.id)):
        if answer.value_int is None or not 1 <= answer.value_int <= 5:
            continue
        response = db.session.get(SurveyResponse, answer.response_id)
        if response.participant_id:
            code = getattr(db.session.get(Participant, response.participant_id), axis)
        else:
            code = getattr(response, axis)
        found[(answer.item_key, code)].append(answer.value_int)
    return found


# --- heatmaps -------------------------------------------------------------------------


def test_heatmaps_match_an_independent_count(world):
    report = _report()
    for slug in ("national-cohesion", "defence"):
        heatmaps = _section(report, slug)["heatmaps"]
        assert set(heatmaps) == {"province", "stakeholder_group"}
        for axis, grid in heatmaps.items():
            expected = _independent_heatmap(slug, axis)
            for key, row in grid.items():
                assert set(row) == set(queries.HEATMAP_AXES[axis])  # every code present
                for code, cell in row.items():
                    values = expected.get((key, code), [])
                    assert cell["n"] == len(values), (slug, axis, key, code)
                    mean = round(sum(values) / len(values), 2) if values else None
                    assert cell["mean"] == mean, (slug, axis, key, code)
    # And by hand: Punjab's NC-1 is 5+4+4+3+5+2 over 6, no opinion left out of NC-2.
    nc = _section(report, "national-cohesion")["heatmaps"]
    assert nc["province"]["NC-1"]["punjab"] == {"n": 6, "mean": round(23 / 6, 2)}
    assert nc["province"]["NC-2"]["punjab"] == {"n": 5, "mean": 3.6}
    assert nc["province"]["NC-1"]["sindh"] == {"n": 2, "mean": 1.5}
    assert nc["province"]["NC-1"]["overseas"] == {"n": 1, "mean": 5.0}
    assert nc["stakeholder_group"]["NC-3"]["citizen"] == {"n": 6, "mean": round(14 / 6, 2)}
    defence = _section(report, "defence")["heatmaps"]
    assert defence["province"]["DT-1"]["balochistan"] == {"n": 5, "mean": 4.0}  # anonymous
    assert defence["stakeholder_group"]["DT-1"]["expert"] == {"n": 5, "mean": 4.0}


def test_heatmap_small_cells_are_suppressed_in_public(world):
    public = _section(_public(), "national-cohesion")["heatmaps"]["province"]
    assert public["NC-1"]["punjab"] == {"n": 6, "mean": round(23 / 6, 2)}
    assert public["NC-1"]["sindh"] == {"n": None, "mean": None, "suppressed": True}
    assert public["NC-1"]["islamabad"] == {"n": 0, "mean": None}  # zero stays zero
    exact = queries.report_for(get_policy("nsp-2022-2026"), ReportFilters(), exact=True, minimum=5)
    assert _section(exact, "national-cohesion")["heatmaps"]["province"]["NC-1"]["sindh"]["n"] == 2
    # The threshold is configurable.
    two = queries.report_for(get_policy("nsp-2022-2026"), ReportFilters(), exact=False, minimum=2)
    assert _section(two, "national-cohesion")["heatmaps"]["province"]["NC-1"]["sindh"]["n"] == 2


def test_heatmaps_follow_the_filters(world):
    students = _section(_report(stakeholder_group="student"), "national-cohesion")["heatmaps"]
    assert students["province"]["NC-1"]["sindh"] == {"n": 2, "mean": 1.5}
    assert students["province"]["NC-1"]["punjab"] == {"n": 0, "mean": None}
    at_hearing = _section(_report(hearing=world["held"].id), "national-cohesion")["heatmaps"]
    assert at_hearing["province"]["NC-1"]["sindh"] == {"n": 1, "mean": 2.0}
    tomorrow = (utcnow() + timedelta(days=1)).date()
    later = _section(_report(date_from=tomorrow), "national-cohesion")["heatmaps"]
    assert all(c["n"] == 0 for row in later["province"].values() for c in row.values())


# --- representativeness ---------------------------------------------------------------


def _population_numbers():
    with POPULATION_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    return {code: row["population"] for code, row in data["provinces"].items()}


def test_representativeness_matches_an_independent_count(world):
    rows = {r["province"]: r for r in _report()["representativeness"]}
    numbers = _population_numbers()
    assert (
        set(rows)
        == set(numbers)
        == {
            "punjab",
            "sindh",
            "khyber-pakhtunkhwa",
            "balochistan",
            "gilgit-baltistan",
            "azad-jammu-kashmir",
            "islamabad",
        }
    )
    people = defaultdict(int)
    for profile in _people().values():
        people[profile[0]] += 1
    known = sum(people[code] for code in numbers)
    assert known == len(_people()) - people["overseas"] - people["undisclosed"] - people[None]
    total = sum(numbers.values())
    for code, row in rows.items():
        share = people[code] / known
        assert row["participants"] == people[code]
        assert row["population"] == numbers[code]
        assert row["share"] == round(share, 4)
        assert row["population_share"] == round(numbers[code] / total, 4)
        assert row["ratio"] == round(share / (numbers[code] / total), 2)
    # Punjab: 6 raters + the paper attendee; Balochistan: 5 anonymous respondents.
    assert rows["punjab"]["participants"] == 7
    assert rows["balochistan"]["participants"] == 5
    assert rows["balochistan"]["ratio"] > 1 > rows["khyber-pakhtunkhwa"]["ratio"] == 0
    assert rows["azad-jammu-kashmir"]["outside_census"] is True
    assert rows["gilgit-baltistan"]["outside_census"] is True
    assert rows["punjab"]["outside_census"] is False


def test_representativeness_small_cells_and_filters(world):
    public = {r["province"]: r for r in _public()["representativeness"]}
    assert public["sindh"]["participants"] is None
    assert public["sindh"]["share"] is None and public["sindh"]["ratio"] is None
    assert public["sindh"]["population_share"] > 0  # not about people
    assert public["punjab"]["participants"] == 7
    assert public["islamabad"]["participants"] == 0 and public["islamabad"]["ratio"] == 0
    men = {r["province"]: r for r in _report(gender="man")["representativeness"]}
    assert men["punjab"]["participants"] == 0
    assert men["balochistan"]["participants"] == 5
    nobody = _report(date_from=(utcnow() + timedelta(days=1)).date())["representativeness"]
    assert all(r["participants"] == 0 and r["ratio"] is None for r in nobody)


def test_the_population_file_is_as_the_census_gives_it():
    figures = read_population_file(POPULATION_FILE)
    census = {code: p.population for code, p in figures.provinces.items() if not p.outside_census}
    assert census == {
        "punjab": 127_688_922,
        "sindh": 55_696_147,
        "khyber-pakhtunkhwa": 40_856_097,
        "balochistan": 14_894_402,
        "islamabad": 2_363_863,
    }
    assert sum(census.values()) == 241_499_431
    assert figures.year == 2023 and "Bureau of Statistics" in figures.source
    outside = {code: p for code, p in figures.provinces.items() if p.outside_census}
    assert set(outside) == {"azad-jammu-kashmir", "gilgit-baltistan"}
    assert all(p.year < 2023 and p.source for p in outside.values())


def _valid():
    with POPULATION_FILE.open("rb") as fh:
        return tomllib.load(fh)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["provinces"].update({"mars": {"population": 5}}), "provinces.mars"),
        (lambda d: d["provinces"]["sindh"].update(population=-3), "provinces.sindh.population"),
        (lambda d: d["provinces"]["sindh"].update(population="55m"), "provinces.sindh.population"),
        (lambda d: d["provinces"]["sindh"].update(population=True), "provinces.sindh.population"),
        (lambda d: d["provinces"]["sindh"].pop("source"), "provinces.sindh.source"),
        (lambda d: d["provinces"].pop("punjab"), "provinces.punjab"),
        (lambda d: d["provinces"].update({"overseas": {"population": 9}}), "provinces.overseas"),
        (lambda d: d["provinces"]["sindh"].update(outside_census="no"), "outside_census"),
        (lambda d: d.pop("source"), "source"),
        (lambda d: d.update(format=2), "format"),
    ],
)
def test_a_bad_population_file_is_refused_with_the_place_named(change, where):
    data = _valid()
    change(data)
    with pytest.raises(PopulationFileError) as caught:
        parse_population(data, Path("population.toml"))
    assert where in str(caught.value)


def test_a_missing_or_broken_population_file_is_named(tmp_path):
    with pytest.raises(PopulationFileError, match="file not found"):
        read_population_file(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("provinces = [")
    with pytest.raises(PopulationFileError, match="not valid TOML"):
        read_population_file(broken)


def test_the_app_reads_the_reference_file(app):
    assert population().provinces["punjab"].population == 127_688_922


# --- hearings, invited participation, submissions -------------------------------------


def test_hearing_summaries_match_an_independent_count(world):
    held = world["held"]
    [summary] = _report()["hearings"]  # the scheduled one has heard nobody
    assert summary["id"] == held.id and summary["title"] == "Lahore hearing"
    assert (summary["institution"], summary["city"], summary["province"]) == (
        held.institution,
        held.city,
        "punjab",
    )
    assert summary["status"] == "closed" and summary["attendance"] == 40
    published = db.session.scalars(
        select(Comment).where(Comment.hearing_id == held.id, Comment.status == "published")
    ).all()
    by_channel = {ch: sum(c.channel == ch for c in published) for ch in ("hearing", "paper")}
    assert by_channel == {"hearing": 1, "paper": 1}  # the hidden one is not counted
    assert {ch: summary["comments"][ch] for ch in by_channel} == by_channel
    assert summary["responses"] == {"online": 0, "hearing": 1, "paper": 0}
    # The hearing and date filters choose hearings by their start (a week from now).
    today = utcnow().date()
    assert _report(date_to=today)["hearings"] == []
    assert len(_report(date_from=today)["hearings"]) == 1
    # Public: survey responses are people and a count of 1 is hidden; comments stay.
    [public] = _public()["hearings"]
    assert public["responses"]["hearing"] is None and public["responses"]["online"] == 0
    assert public["comments"]["hearing"] == 1


def test_invited_participation_by_body_kind(world):
    invited = _report()["invited_participation"]
    assert (invited["invited"], invited["joined"], invited["contributed"]) == (3, 2, 1)
    assert invited["by_body_kind"]["expert-council"] == {
        "invited": 2,
        "joined": 2,
        "contributed": 1,
    }
    assert invited["by_body_kind"]["none"] == {"invited": 1, "joined": 0, "contributed": 0}
    assert invited["by_body_kind"]["military"] == {"invited": 0, "joined": 0, "contributed": 0}
    public = _public()["invited_participation"]
    assert public["invited"] is None and public["by_body_kind"]["military"]["invited"] == 0


def test_submissions_list_only_published_latest_versions(world):
    council = world["council"]
    assert _report()["submissions"] == [
        {
            "body_id": council.id,
            "body": "Council of Experts",
            "kind": "expert-council",
            "version": 2,
            "submitted_at": _report()["submissions"][0]["submitted_at"],
        }
    ]
    assert _report()["participation"]["institutional_submissions"] == 2  # the count has both
    assert _report(date_from=(utcnow() + timedelta(days=1)).date())["submissions"] == []


# --- top comments per theme -----------------------------------------------------------


def test_top_comments_per_theme(world):
    themes = {t["name"]: t for t in _report()["themes"]}
    teachers = themes["Teachers"]
    assert teachers["comments"] == len(TEACHER_SCORES)  # hidden and withdrawn not counted
    counted = [(c, s) for c, s in world["tagged"] if c.status == "published"]
    expected = [c.id for c, _s in sorted(counted, key=lambda cs: -cs[1])[:3]]
    assert [q["id"] for q in teachers["top_comments"]] == expected
    assert [q["excerpt"] for q in teachers["top_comments"]] == [
        "Teachers matter, score 9.0",
        "Teachers matter, score 5.0",
        "Teachers matter, score 3.0",
    ]
    assert teachers["top_comments"][0]["section"] == "national-cohesion"
    [water] = themes["Water"]["top_comments"]
    assert water["id"] == world["on_water"].id
    assert (water["objective"], water["stance"]) == ("NC-2", "concern")
    assert len(water["excerpt"]) <= queries.EXCERPT_CHARS + 1 and water["excerpt"].endswith("…")
    # Filters narrow the quoted comments too; a profile filter leaves them out in public.
    students = {t["name"]: t for t in _report(stakeholder_group="student")["themes"]}
    assert [q["id"] for q in students["Water"]["top_comments"]] == [world["on_water"].id]
    assert "Teachers" not in students
    assert all(t["top_comments"] == [] for t in _public(stakeholder_group="student")["themes"])
    assert _public()["themes"][0]["top_comments"]


# --- everything at once ---------------------------------------------------------------


def test_an_empty_policy_gives_zeros_and_empty_lists(nsp):
    report = _report()
    assert report["hearings"] == [] and report["submissions"] == []
    assert report["invited_participation"]["invited"] == 0
    assert all(r["participants"] == 0 and r["ratio"] is None for r in report["representativeness"])
    cells = [
        c
        for s in report["sections"]
        for grid in s["heatmaps"].values()
        for row in grid.values()
        for c in row.values()
    ]
    assert cells and all(c == {"n": 0, "mean": None} for c in cells)
    svg = charts.heatmap("h", "t", "d", ["NC-1"], [("punjab", "Punjab")], {}, 5)
    assert "<svg" in svg and "style" not in svg


def test_query_count_stays_fixed(world):
    policy = get_policy("nsp-2022-2026")
    [len(s.objectives) for s in policy.sections]
    with count_queries() as before:
        queries.build_report(policy, ReportFilters())
    more = make_hearing(status="open")
    for i in range(8):
        user = make_user(province="sindh")
        make_comment(user, section_of(), f"More {i}", channel="hearing", hearing_id=more.id)
        curation.tag_comments(
            make_user(role="admin"),
            [db.session.scalars(select(Comment.id).order_by(Comment.id.desc())).first()],
            add=[world["water"].id],
        )
    db.session.commit()
    policy = get_policy("nsp-2022-2026")
    [len(s.objectives) for s in policy.sections]
    with count_queries() as after:
        queries.build_report(policy, ReportFilters(stakeholder_group="citizen"))
    assert len(after) == len(before) == 22  # docs/reports.md "Computed in SQL"


def test_heat_bins():
    assert [charts.heat_class(m) for m in (1.0, 1.79, 1.8, 3.0, 4.2, 5.0, None)] == [
        1,
        1,
        2,
        3,
        5,
        5,
        0,
    ]


# --- the page and the API ---------------------------------------------------------------


def _publish():
    """Publish a snapshot: the public sees the report only as one (docs/reports.md)."""
    from consult.reports.publication import publish_report

    db.session.execute(update(Policy).values(status="published"))
    publish_report(get_policy("nsp-2022-2026"), make_user(role="admin"))
    db.session.commit()


def test_page_shows_the_new_parts(client, world, login_as):
    login_as("moderator")
    html = client.get("/policies/nsp-2022-2026/report").get_data(as_text=True)
    assert 'id="chart-heat-province-national-cohesion"' in html
    assert 'id="chart-heat-stakeholder_group-defence"' in html
    assert 'id="chart-representativeness"' in html
    assert "not from the 2023 census" in html and "Census 2017" in html
    assert "Lahore hearing" in html and ">40<" in html
    assert f"/bodies/{world['council'].id}/response" in html
    assert "Teachers matter, score 9.0" in html
    assert f"sort=top#comment-{world['on_water'].id}" in html
    assert "Hidden about teachers" not in html
    assert "style=" not in html and "<style" not in html and "<script" not in html


def test_public_page_suppresses_and_drops_quotes_under_a_profile_filter(client, world):
    _publish()
    html = client.get("/policies/nsp-2022-2026/report").get_data(as_text=True)
    assert "Teachers matter, score 9.0" in html
    assert "heat-suppressed" in html  # Sindh's two raters of NC-1
    # The public cannot filter a frozen snapshot; the public view of a profile-filtered
    # report (as the suppression computes it) leaves the theme quotes out.
    policy = get_policy("nsp-2022-2026")
    public = queries.report_for(policy, ReportFilters(gender="woman"), exact=False, minimum=5)
    assert all(not t["top_comments"] for t in public["themes"])
    exact = queries.report_for(policy, ReportFilters(gender="woman"), exact=True, minimum=5)
    assert any(t["top_comments"] for t in exact["themes"])


def test_api_gives_the_documented_shapes(client, world):
    url = "/api/v1/policies/nsp-2022-2026/report"
    body = client.get(url, headers=bearer_for(make_user(role="moderator"))).get_json()
    nc = _section(body, "national-cohesion")
    assert nc["heatmaps"]["province"]["NC-1"]["sindh"] == {"n": 2, "mean": 1.5}
    assert set(body["representativeness"][0]) >= {
        "province",
        "participants",
        "share",
        "population",
        "population_share",
        "ratio",
        "outside_census",
    }
    assert body["hearings"][0]["attendance"] == 40
    assert body["invited_participation"]["by_body_kind"]["expert-council"]["joined"] == 2
    assert body["submissions"][0]["version"] == 2
    assert body["themes"][0]["top_comments"][0]["excerpt"]
    _publish()
    public = client.get(url).get_json()
    suppressed = _section(public, "national-cohesion")["heatmaps"]["province"]["NC-1"]["sindh"]
    assert suppressed == {"n": None, "mean": None, "suppressed": True}
    assert public["small_cells"]["suppressed"] is True
