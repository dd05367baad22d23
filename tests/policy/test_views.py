"""Reading pages show what a reader should see."""

from __future__ import annotations

import re

from sqlalchemy import update

from consult.extensions import db
from consult.policy.models import Policy


def test_home_lists_the_policy_with_status_and_closing_date(client, nsp):
    html = client.get("/").get_data(as_text=True)
    assert "National Security Policy of Pakistan 2022-2026" in html
    assert 'href="/policies/nsp-2022-2026"' in html
    assert "Open for feedback" in html
    assert "June 30, 2027" in html


def test_home_hides_draft_policies(client, nsp):
    db.session.execute(update(Policy).values(status="draft"))
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "National Security Policy" not in html
    assert client.get("/policies/nsp-2022-2026").status_code == 404


def test_overview_shows_preamble_vision_process_quotes_and_sections(client, nsp):
    response = client.get("/policies/nsp-2022-2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A country is as secure as its most vulnerable citizen." in html
    assert "Islamic welfare state" in html
    assert "over 600 individuals" in html
    assert "security of Pakistan rests in the security of its citizens" in html
    assert "keep economic security at the core" in html
    assert "Sections: 6. Objectives: 28." in html
    for slug in (
        "national-cohesion",
        "economic-future",
        "defence",
        "internal-security",
        "foreign-policy",
        "human-security",
    ):
        assert f'href="/policies/nsp-2022-2026/sections/{slug}"' in html


def test_section_page_has_goal_objectives_with_anchors_and_navigation(client, nsp):
    response = client.get("/policies/nsp-2022-2026/sections/defence")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 id="section-title" dir="auto">Defence and Territorial Integrity</h1>' in html
    assert "Ensure the defence and territorial integrity of Pakistan" in html
    assert re.findall(r'<li id="(DT-\d)"', html) == ["DT-1", "DT-2", "DT-3", "DT-4", "DT-5"]
    assert 'href="#DT-3"' in html
    assert 'rel="prev" href="/policies/nsp-2022-2026/sections/economic-future"' in html
    assert 'rel="next" href="/policies/nsp-2022-2026/sections/internal-security"' in html
    assert 'aria-current="page">Defence and Territorial Integrity' in html
    assert 'id="feedback"' in html


def test_first_and_last_sections_have_one_neighbour(client, nsp):
    first = client.get("/policies/nsp-2022-2026/sections/national-cohesion").get_data(True)
    last = client.get("/policies/nsp-2022-2026/sections/human-security").get_data(True)
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_unknown_policy_and_section_are_404(client, nsp):
    assert client.get("/policies/nope").status_code == 404
    assert client.get("/policies/nsp-2022-2026/sections/nope").status_code == 404


def test_closed_policy_says_it_takes_no_feedback(client, nsp):
    db.session.execute(update(Policy).values(status="closed"))
    db.session.commit()
    html = client.get("/policies/nsp-2022-2026/sections/defence").get_data(as_text=True)
    assert "not taking feedback" in html


def test_section_page_is_small(client, nsp):
    html = client.get("/policies/nsp-2022-2026/sections/human-security").get_data()
    assert len(html) < 30_000
