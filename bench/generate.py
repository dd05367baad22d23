"""Synthetic consultation data for benchmarks, written through the real services."""

from __future__ import annotations

import random

from consult.accounts import services as accounts
from consult.comments import services as comments
from consult.core.vocab import AGE_BANDS, GENDERS, PROVINCES, STAKEHOLDER_GROUPS
from consult.extensions import db
from consult.policy.loader import read_policy_file
from consult.policy.models import Section
from consult.policy.services import load_policy

_rng = random.Random(2022)
_counter = iter(range(1, 10**9))
WORDS = (
    "water",
    "youth",
    "climate",
    "education",
    "energy",
    "health",
    "cities",
    "rights",
    "security",
    "trade",
    "women",
    "schools",
    "storage",
    "provinces",
    "justice",
)


def load_nsp() -> None:
    from consult import ROOT

    load_policy(read_policy_file(ROOT / "policy_data" / "nsp-2022-2026.toml"))
    db.session.commit()


def _person():
    n = next(_counter)
    user = accounts.register_user(
        f"bench{n}@example.org",
        "bench password",
        f"Bench {n}",
        profile={
            "province": _rng.choice(PROVINCES),
            "stakeholder_group": _rng.choice(STAKEHOLDER_GROUPS),
            "gender": _rng.choice(GENDERS),
            "age_band": _rng.choice(AGE_BANDS),
        },
    )
    return user


def _text(n: int) -> str:
    return " ".join(_rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def add_comments(section_slug: str, n: int) -> None:
    """n comments, a third of them replies, with a few endorsements each."""
    if n <= 0:
        return
    section = db.session.query(Section).filter_by(slug=section_slug).one()
    people = [_person() for _ in range(max(5, n // 20))]
    keys = [o.key for o in section.objectives]
    posted = []
    for i in range(n):
        parent = _rng.choice(posted) if posted and i % 3 == 2 else None
        result = comments.post_comment(
            _rng.choice(people),
            section,
            f"{i}: {_text(30)}",
            objective_key=None if parent else _rng.choice([*keys, None]),
            parent_id=parent.id if parent else None,
            stance=_rng.choice([None, "support", "oppose", "concern", "suggestion"]),
        )
        posted.append(result.comment)
        for reader in _rng.sample(people, 2):
            if reader.participant_id != result.comment.participant_id:
                comments.endorse_comment(reader, result.comment, _rng.choice(["agree", "disagree"]))
    db.session.commit()


def _attendee():
    """A participant without an account (as at a hearing): cheap to make in bulk."""
    from consult.accounts.models import Participant

    person = Participant(
        kind="attendee",
        display_name=f"Attendee {next(_counter)}",
        province=_rng.choice(PROVINCES),
        stakeholder_group=_rng.choice(STAKEHOLDER_GROUPS),
        gender=_rng.choice(GENDERS),
        age_band=_rng.choice(AGE_BANDS),
    )
    db.session.add(person)
    db.session.flush()
    return person


def add_responses(survey, n: int) -> None:
    from consult.surveys import services as surveys

    keys = [r["key"] for r in survey.questions[0].config["rows"]]
    for _ in range(n):
        order = keys[:]
        _rng.shuffle(order)
        surveys.submit_response(
            survey,
            _attendee(),
            {
                "ratings": {k: _rng.choice([1, 2, 3, 4, 5, "no-opinion"]) for k in keys},
                "priorities": order,
                "missing": _text(12) if _rng.random() < 0.3 else "",
            },
        )
    db.session.commit()
