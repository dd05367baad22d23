"""Survey services: one response per person, revisions, anonymity, the structural lock."""

from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.policy.loader import read_policy_file
from consult.policy.services import load_policy
from consult.surveys import queries, services
from consult.surveys.models import Answer, SurveyResponse, SurveyResponseRevision
from tests.factories import make_question, make_user, survey_of

GOOD = {"ratings": {"NC-1": 4, "NC-2": 5, "NC-3": "no-opinion"}}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_nsp_section_has_its_survey(app, nsp):
    surveys = queries.list_policy_surveys(nsp.id)
    assert [s.section.slug for s in surveys] == [s.slug for s in nsp.sections]
    for survey in surveys:
        questions = {q.key: q for q in survey.questions}
        assert [q.type for q in survey.questions] == ["matrix", "ranking", "text"]
        objective_keys = [o.key for o in survey.section.objectives]
        assert [r["key"] for r in questions["ratings"].config["rows"]] == objective_keys
        assert [o["key"] for o in questions["priorities"].config["options"]] == objective_keys
        assert questions["ratings"].required and questions["ratings"].config["no_opinion"]


def test_submit_stores_response_and_atomic_answers(app, nsp):
    user = make_user(province="sindh", gender="woman")
    response = services.submit_response(
        survey_of(), user.participant, {**GOOD, "priorities": ["NC-3", "NC-1", "NC-2"]}
    )
    db.session.commit()
    assert response.participant_id == user.participant_id
    assert response.respondent_key == f"p:{user.participant_id}"
    assert (response.province, response.gender, response.channel) == ("sindh", "woman", "online")
    assert count(Answer) == 3 + 3


def test_second_response_is_a_conflict_and_writes_nothing(app, nsp):
    user = make_user()
    services.submit_response(survey_of(), user.participant, GOOD)
    db.session.commit()
    with pytest.raises(Conflict):
        services.submit_response(survey_of(), user.participant, GOOD)
    db.session.rollback()
    assert count(SurveyResponse) == 1 and count(Answer) == 3


def test_database_refuses_a_second_response_for_the_same_key(app, nsp):
    survey = survey_of()
    for _ in range(2):
        db.session.add(SurveyResponse(survey_id=survey.id, respondent_key="p:1", answers={}))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_concurrent_submissions_make_one_response(make_app):
    """Both requests pass the "not answered yet" check; the unique constraint decides."""
    app = make_app()
    with app.app_context():
        from tests.conftest import NSP_FILE

        load_policy(read_policy_file(NSP_FILE))
        participant_id = make_user().participant_id
        survey_id = survey_of().id
        db.session.commit()

    outcome: dict[str, object] = {}
    first_flushed = threading.Event()

    def second() -> None:
        with app.app_context():
            from consult.accounts.models import Participant
            from consult.surveys.models import Survey

            first_flushed.wait(5)
            try:
                services.submit_response(
                    db.session.get(Survey, survey_id),
                    db.session.get(Participant, participant_id),
                    GOOD,
                )
                db.session.commit()
                outcome["second"] = "created"
            except Conflict:
                db.session.rollback()
                outcome["second"] = "conflict"
            finally:
                db.session.remove()

    with app.app_context():
        from consult.accounts.models import Participant
        from consult.surveys.models import Survey

        survey = db.session.get(Survey, survey_id)
        participant = db.session.get(Participant, participant_id)
        assert queries.get_response(survey, participant_id) is None
        worker = threading.Thread(target=second)
        worker.start()
        services.submit_response(survey, participant, GOOD)  # flushed, not committed
        first_flushed.set()
        worker.join(0.5)  # the second is now blocked on our uncommitted row (or waiting)
        db.session.commit()
        worker.join(10)
        assert outcome["second"] == "conflict"
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
        db.session.remove()


def test_change_response_keeps_a_revision(app, nsp):
    user = make_user()
    first = services.submit_response(survey_of(), user.participant, GOOD)
    changed = services.change_response(
        survey_of(), user.participant, {"ratings": {"NC-1": 1, "NC-2": 1, "NC-3": 1}}
    )
    db.session.commit()
    assert changed.id == first.id and changed.version == 2
    [revision] = db.session.scalars(select(SurveyResponseRevision)).all()
    assert (revision.version, revision.answers) == (1, GOOD)
    assert count(SurveyResponse) == 1
    values = db.session.scalars(select(Answer.value_int).order_by(Answer.id)).all()
    assert values == [1, 1, 1]  # old answer rows replaced


def test_change_without_response_is_not_found(app, nsp):
    with pytest.raises(NotFound):
        services.change_response(survey_of(), make_user().participant, GOOD)


def test_closed_survey_or_policy_refuses_responses(app, nsp):
    survey = survey_of()
    survey.status = "closed"
    with pytest.raises(PermissionDenied):
        services.submit_response(survey, make_user().participant, GOOD)
    survey.status = "open"
    nsp.status = "closed"
    with pytest.raises(PermissionDenied):
        services.submit_response(survey, make_user().participant, GOOD)


def test_invalid_response_writes_nothing(app, nsp):
    with pytest.raises(ValidationError):
        services.submit_response(survey_of(), make_user().participant, {"ratings": {"NC-1": 7}})
    db.session.rollback()
    assert count(SurveyResponse) == 0 and count(Answer) == 0


def test_anonymous_survey_keeps_uniqueness_without_a_link(app, nsp):
    from consult.accounts.services import export_user_data

    survey = survey_of()
    survey.anonymous = True
    user = make_user(province="punjab")
    response = services.submit_response(survey, user.participant, GOOD)
    db.session.commit()
    assert response.participant_id is None
    assert response.respondent_key.startswith("a:")
    unkeyed = hashlib.sha256(
        f"survey:{survey.id}:participant:{user.participant_id}".encode()
    ).hexdigest()
    assert response.respondent_key not in (f"p:{user.participant_id}", f"a:{unkeyed}")
    assert response.province == "punjab"  # coarse profile kept for reports
    with pytest.raises(Conflict):
        services.submit_response(survey, user.participant, GOOD)
    db.session.rollback()
    # A different survey gives a different key: responses cannot be linked across surveys.
    other = survey_of("defence")
    other.anonymous = True
    assert queries.respondent_key(other, user.participant_id) != response.respondent_key
    exported = export_user_data(user)["surveys"]
    assert exported == [{"survey": "national-cohesion", "anonymous": True, "answered": True}]
    assert "NC-1" not in str(exported)


def test_named_responses_are_in_download_my_data(app, nsp):
    from consult.accounts.services import export_user_data

    user = make_user()
    services.submit_response(survey_of(), user.participant, GOOD)
    [item] = export_user_data(user)["surveys"]
    assert item["survey"] == "national-cohesion" and item["answers"] == GOOD


def test_banned_account_cannot_answer(app, nsp):
    from consult.core.models import utcnow

    user = make_user()
    user.banned_at = utcnow()
    with pytest.raises(PermissionDenied):
        services.submit_response(survey_of(), user.participant, GOOD)


# --- the structural lock, through the policy file ---------------------------------------


def _reload(nsp_file, tmp_path, mutate):
    import json
    import tomllib

    raw = tomllib.loads(nsp_file.read_text(encoding="utf-8"))
    mutate(raw["sections"][0]["surveys"][0])
    path = tmp_path / "nsp.json"
    path.write_text(json.dumps(raw, default=str), encoding="utf-8")
    return load_policy(read_policy_file(path))


def test_reload_without_responses_may_restructure(app, nsp, nsp_file, tmp_path):
    result = _reload(nsp_file, tmp_path, lambda s: s["questions"].pop(1))
    db.session.commit()
    assert "survey national-cohesion question priorities removed" in result.changes
    assert [q.key for q in survey_of().questions] == ["ratings", "missing"]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s["questions"].pop(1),  # remove a question
        lambda s: (
            s["questions"][2].update(type="number", max_length=None)
            or s["questions"][2].pop("max_length")
        ),  # change a type
        lambda s: s["questions"][1].update(
            options=[{"key": "A", "label": "A"}, {"key": "B", "label": "B"}]
        ),
        lambda s: s["questions"][0].update(no_opinion=False),  # the scale's meaning
        lambda s: s.update(anonymous=True),
    ],
)
def test_reload_with_responses_refuses_structural_changes(app, nsp, nsp_file, tmp_path, mutate):
    services.submit_response(survey_of(), make_user().participant, GOOD)
    db.session.commit()
    with pytest.raises(services.SurveyLocked):
        _reload(nsp_file, tmp_path, mutate)
    db.session.rollback()
    assert [q.key for q in survey_of().questions] == ["ratings", "priorities", "missing"]


def test_reload_with_responses_accepts_wording_and_records_it(app, nsp, nsp_file, tmp_path):
    from consult.surveys.models import SurveyRevision

    services.submit_response(survey_of(), make_user().participant, GOOD)
    db.session.commit()
    result = _reload(
        nsp_file,
        tmp_path,
        lambda s: s["questions"][2].update(prompt="What does this section miss?"),
    )
    db.session.commit()
    assert result.changes == ["survey national-cohesion question missing.prompt changed"]
    [revision] = db.session.scalars(select(SurveyRevision)).all()
    assert (revision.question_key, revision.field) == ("missing", "prompt")
    assert revision.value == {"en": "What does this section miss?"}


def test_cli_reports_a_locked_survey_and_writes_nothing(app, nsp, nsp_file, tmp_path, runner):
    services.submit_response(survey_of(), make_user().participant, GOOD)
    db.session.commit()
    text = nsp_file.read_text(encoding="utf-8").replace(
        "no_opinion = true", "no_opinion = false", 1
    )
    bad = tmp_path / "locked.toml"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["consult", "load-policy", str(bad)])
    assert result.exit_code != 0
    assert str(bad) in result.output and "already has responses" in result.output
    assert survey_of().questions[0].config["no_opinion"] is True


def test_new_question_can_be_added_after_responses(app, nsp):
    services.submit_response(survey_of(), make_user().participant, GOOD)
    make_question(survey_of(), "extra", "likert")
    assert "extra" in [q.key for q in survey_of().questions]
