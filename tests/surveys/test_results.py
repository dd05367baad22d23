"""Survey results, computed in SQL, against hand-checked arithmetic."""

from __future__ import annotations

import pytest

from consult.extensions import db
from consult.surveys import services
from consult.surveys.queries import survey_results
from tests.factories import make_question, make_user, survey_of

OPTIONS = [{"key": k, "label": {"en": k}} for k in ("A", "B", "C")]


@pytest.fixture
def survey(app, nsp):
    s = survey_of()
    make_question(s, "mood", "likert", no_opinion=True)
    make_question(s, "pick", "single", options=OPTIONS)
    make_question(s, "many", "multiple", options=OPTIONS)
    make_question(s, "order", "ranking", options=OPTIONS)
    make_question(s, "top1", "ranking", options=OPTIONS, top_n=1)
    make_question(s, "age", "number")
    db.session.commit()
    return s


def answer(survey, **answers):
    ratings = answers.pop("ratings", {"NC-1": 3, "NC-2": 3, "NC-3": 3})
    services.submit_response(survey, make_user().participant, {"ratings": ratings, **answers})


def test_empty_survey_has_zeroes_not_errors(survey):
    r = survey_results(survey)
    assert r["responses"] == 0
    assert r["questions"]["ratings"]["rows"]["NC-1"] == {
        "n": 0,
        "no_opinion": 0,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
        "mean": None,
    }
    assert r["questions"]["order"]["options"]["A"] == {"ranked": 0, "mean_rank": None, "borda": 0}


def test_borda_and_mean_rank_hand_checked(survey):
    # Three people rank A, B, C. With N = 3, first place earns 2 points, second 1, third 0.
    answer(survey, order=["A", "B", "C"])  # A2 B1 C0
    answer(survey, order=["B", "A", "C"])  # B2 A1 C0
    answer(survey, order=["A", "C", "B"])  # A2 C1 B0
    db.session.commit()
    options = survey_results(survey)["questions"]["order"]["options"]
    assert options["A"] == {"ranked": 3, "mean_rank": round(4 / 3, 4), "borda": 5}
    assert options["B"] == {"ranked": 3, "mean_rank": 2.0, "borda": 3}
    assert options["C"] == {"ranked": 3, "mean_rank": round(8 / 3, 4), "borda": 1}


def test_partial_ranking_scores_only_ranked_items(survey):
    answer(survey, top1=["C"])
    answer(survey, top1=["C"])
    answer(survey, top1=["A"])
    db.session.commit()
    options = survey_results(survey)["questions"]["top1"]["options"]
    assert options["C"] == {"ranked": 2, "mean_rank": 1.0, "borda": 4}  # 2 × (3 − 1)
    assert options["A"]["borda"] == 2 and options["B"]["borda"] == 0


def test_likert_and_matrix_distribution_mean_excludes_no_opinion(survey):
    answer(survey, mood=5, ratings={"NC-1": 5, "NC-2": "no-opinion", "NC-3": 1})
    answer(survey, mood=2, ratings={"NC-1": 4, "NC-2": "no-opinion", "NC-3": 1})
    answer(survey, mood="no-opinion", ratings={"NC-1": 4, "NC-2": 2, "NC-3": 1})
    db.session.commit()
    q = survey_results(survey)["questions"]
    assert q["mood"]["n"] == 2 and q["mood"]["no_opinion"] == 1 and q["mood"]["mean"] == 3.5
    assert q["mood"]["respondents"] == 3
    nc1 = q["ratings"]["rows"]["NC-1"]
    assert nc1["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
    assert nc1["mean"] == round(13 / 3, 4) and nc1["n"] == 3
    nc2 = q["ratings"]["rows"]["NC-2"]
    assert (nc2["n"], nc2["no_opinion"], nc2["mean"]) == (1, 2, 2.0)


def test_choice_counts_text_and_numbers(survey):
    answer(survey, pick="A", many=["A", "B"], age=20, missing="More on water.")
    answer(survey, pick="A", many=["B"], age=40, missing="   ")
    answer(survey, pick="C", many=["B", "C"])
    db.session.commit()
    q = survey_results(survey)["questions"]
    assert q["pick"]["counts"] == {"A": 2, "B": 0, "C": 1}
    assert q["many"]["counts"] == {"A": 1, "B": 3, "C": 1}
    assert q["many"]["respondents"] == 3
    assert q["missing"]["answers"] == 1  # a blank answer is no answer
    assert (q["age"]["n"], q["age"]["mean"], q["age"]["min"], q["age"]["max"]) == (
        2,
        30.0,
        20.0,
        40.0,
    )


def test_changed_response_counts_once(survey):
    user = make_user()
    services.submit_response(
        survey, user.participant, {"ratings": {"NC-1": 1, "NC-2": 1, "NC-3": 1}}
    )
    services.change_response(
        survey, user.participant, {"ratings": {"NC-1": 5, "NC-2": 5, "NC-3": 5}}
    )
    db.session.commit()
    r = survey_results(survey)
    assert r["responses"] == 1
    assert r["questions"]["ratings"]["rows"]["NC-1"]["distribution"]["5"] == 1
    assert r["questions"]["ratings"]["rows"]["NC-1"]["n"] == 1
