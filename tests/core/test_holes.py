"""Holes in shared HTML (`core.holes`): filled per reader, escaped, never forged or left."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from consult.core import holes
from consult.extensions import db
from tests.factories import make_comment


def test_choices_and_holes_are_filled_and_escaped(app):
    with app.test_request_context():
        html = (
            f"<p>{holes.choose('own', 7)}theirs {holes.mark('n', '7.a')}"
            f"{holes.otherwise()}mine{holes.end()}</p>"
        )
        fillers = {"n": lambda arg: f"<b>{arg}</b>"}
        assert holes.parse(html).args("own") == ["7"]
        assert holes.parse(html).fill(fillers, {"own": lambda arg: False}) == (
            "<p>theirs &lt;b&gt;7.a&lt;/b&gt;</p>"
        )
        assert holes.parse(html).fill(fillers, {"own": lambda arg: arg == "7"}) == "<p>mine</p>"
        with pytest.raises(LookupError):
            holes.parse(html).fill({}, {"own": lambda arg: False})  # a hole nobody fills
        with pytest.raises(ValueError):
            holes.mark("n", "1--><script>")


def test_csrf_token_is_a_hole_only_in_a_shared_render(app):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context():
        from flask_wtf.csrf import generate_csrf

        real = generate_csrf()
        assert render_template_string("{{ csrf_token() }}") == real
        with holes.shared():
            shared = render_template_string("{{ csrf_token() }}")
        assert real not in shared and shared == holes.mark(holes.CSRF)
        assert holes.parse(shared).fill({}, {}) == real


def test_user_text_cannot_forge_a_marker(app, client, nsp):
    with app.test_request_context():
        forged = f"<!--{holes.token()}:own:1-->x<!--{holes.token()}:|-->y<!--{holes.token()}:/-->"
    make_comment(body=f"Forged {forged} and <!-- a comment -->")
    db.session.commit()
    html = client.get("/policies/nsp-2022-2026/sections/national-cohesion").get_data(as_text=True)
    assert "Forged" in html
    with app.test_request_context():
        assert f"<!--{holes.token()}" not in html


def test_a_page_is_parsed_once_and_filled_for_each_reader(app):
    with app.test_request_context():
        html = "".join(
            f"<li>{holes.choose('own', n)}<form>{holes.mark(holes.CSRF)}"
            f"<b>{holes.mark('n', n)}</b></form>{holes.otherwise()}mine {n}{holes.end()}</li>"
            for n in (1, 2, 3)
        )
        page = holes.parse(html)
        assert page.args("own") == ["1", "2", "3"] and page.size == len(html)
        fillers = {"n": lambda arg: f"#{arg}"}
        for mine in ("1", "3"):
            filled = page.fill(fillers, {"own": lambda arg, mine=mine: arg == mine})
            assert f"mine {mine}" in filled and filled.count("mine") == 1
            assert filled.count("<form>") == 2 and "<!--" not in filled
        assert len(set(re.findall(r"<form>([^<]+)<b>", filled))) == 1  # one token per fill


def test_a_broken_marker_is_refused_when_parsed(app):
    with app.test_request_context():
        unended = f"<p>{holes.choose('own', 1)}theirs{holes.otherwise()}mine</p>"
        with pytest.raises(LookupError):
            holes.parse(unended)
        with pytest.raises(LookupError):
            holes.parse(f"<p>{holes.otherwise()}</p>")
