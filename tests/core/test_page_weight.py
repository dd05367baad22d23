"""DESIGN §4 per page (B5): HTML, CSS, JS and fonts of the main public pages in budget.

`test_budgets.py` holds the static directory to the CSS and JS budgets; this holds each
page to them with what it actually references (so a new stylesheet or script on one page,
or a web font, is caught on that page), and the section page with 50 comments to 100 KB
of HTML, signed out and signed in: the page people open in a burst, on slow phones.
"""

from __future__ import annotations

import random
import re

import pytest

from bench.b5_page_weight import BUDGETS, weigh
from consult.comments import services as comments
from consult.datagen import comment_text, vocabulary
from consult.extensions import db
from consult.policy.models import Section
from tests.factories import make_user

SECTION = "/policies/nsp-2022-2026/sections/defence"


@pytest.fixture
def fifty_comments(nsp):
    """20 threads of realistic generated texts, 30 replies among them: 50 on the page."""
    rng = random.Random(13)
    vocab = vocabulary(rng)
    section = db.session.query(Section).filter_by(slug="defence").one()
    people = [make_user(name=f"Reader {i}") for i in range(10)]
    keys = [o.key for o in section.objectives]
    threads = []
    for i in range(20):
        result = comments.post_comment(
            people[i % 10],
            section,
            comment_text(rng, vocab),
            objective_key=rng.choice([*keys, None]),
            stance=rng.choice([None, "support", "oppose", "concern", "suggestion"]),
        )
        threads.append(result.comment)
    for i in range(30):
        parent = threads[i % 20]
        comments.post_comment(
            people[(i + 3) % 10], section, comment_text(rng, vocab), parent_id=parent.id
        )
    for c in threads[:10]:
        if c.participant_id != people[9].participant_id:
            comments.endorse_comment(people[9], c, "agree")
    db.session.commit()


def _within(weight) -> None:
    assert weight.status == 200, weight.path
    assert weight.over_budget() == [], (weight.path, weight.over_budget())


@pytest.mark.parametrize(
    "path",
    ["/", "/policies/nsp-2022-2026", f"{SECTION}/survey", "/auth/login", "/auth/register"],
)
def test_public_pages_within_budget(client, nsp, path):
    weight = weigh(client, path)
    _within(weight)
    assert weight.css > 0  # the page's stylesheet was found and counted


def test_section_page_with_50_comments_under_100_kb(client, fifty_comments, login_as):
    signed_out = weigh(client, SECTION)
    assert signed_out.comments == 50
    _within(signed_out)
    login_as("citizen")
    signed_in = weigh(client, SECTION)
    assert signed_in.comments == 50
    assert signed_in.html > signed_out.html  # the forms and actions really are there
    _within(signed_in)


def test_weigh_counts_what_a_page_references(client, nsp):
    """The measure itself: a page's scripts are counted, and a budget can be broken."""
    survey = weigh(client, f"{SECTION}/survey")
    # Linked under its content-hashed name (core/static_files.py), e.g. survey.3f2a9c1e0b4d.js.
    assert survey.js > 0
    assert [a for a in survey.assets if re.fullmatch(r"/static/js/survey\.[0-9a-f]{12}\.js", a)]
    survey.fonts = 1
    assert survey.over_budget() == [f"fonts 1 > {BUDGETS['fonts']:,}"]
