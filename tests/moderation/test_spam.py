"""Spam heuristics: blocked terms and the link cap for new accounts hold a comment."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.comments import services as comments
from consult.comments.models import Comment
from consult.core.audit import AuditEntry
from consult.core.models import utcnow
from consult.core.sanitize import count_links
from consult.extensions import db
from consult.moderation import services
from consult.moderation.models import ModerationAction
from consult.moderation.services import Selection
from consult.moderation.spam import blocked_terms_in, parse_terms
from tests.factories import make_comment, make_user
from tests.helpers import bearer_for, count_queries, count_rows

SECTION = "/policies/nsp-2022-2026/sections/national-cohesion"
TERMS = ["casino", "ass", "free money", "جوا"]
THREE_LINKS = "See https://a.example, www.b.example and [this](https://c.example)."


@pytest.fixture
def spam_app(app, nsp):
    app.config["MODERATION_BLOCKED_TERMS"] = list(TERMS)
    return app


def _old_user(**kwargs):
    user = make_user(**kwargs)
    user.created_at = utcnow() - timedelta(days=2)
    db.session.flush()
    return user


# --- term matching -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Visit the casino",
        "CASINO!",
        "(casino)",
        "c\u0430sino",  # Cyrillic а
        "\uff43\uff41\uff53\uff49\uff4e\uff4f",  # fullwidth
        "cásino",
        "ca\u0301sino",  # combining accent
        "cas\u200bino",  # zero-width space
        "cas\u00adino",  # soft hyphen
        "cas**ino** tonight",
        "**casino**",
        "_casino_",
        "casin\u043e",  # Cyrillic о
    ],
)
def test_a_blocked_term_is_found_through_simple_disguises(text):
    assert blocked_terms_in(text, TERMS) == ["casino"]


@pytest.mark.parametrize(
    "text",
    [
        "The class will assess the passage.",  # "ass" inside words
        "Casinos are not words on the list",  # whole words only: list variants explicitly
        "mycasino",
        "freemoney is one word",
        "Money for free",
        "جوار",  # a longer Urdu word that starts with the term
        "",
    ],
)
def test_words_that_only_contain_a_term_are_not_matched(text):
    assert blocked_terms_in(text, TERMS) == []


@pytest.mark.parametrize(
    "text",
    ["Free money!", "FREE   MONEY", "free-money", "free\nmoney", "free_money", "free *money*"],
)
def test_a_phrase_matches_across_any_spacing_or_punctuation(text):
    assert blocked_terms_in(text, TERMS) == ["free money"]


def test_urdu_terms_match_with_or_without_vowel_marks():
    assert blocked_terms_in("یہ جُوا ہے", TERMS) == ["جوا"]
    assert blocked_terms_in("یہ جوا ہے", TERMS) == ["جوا"]


def test_every_matched_term_is_named_once_in_list_order():
    assert blocked_terms_in("free money, casino, CASINO, ass", TERMS) == [
        "casino",
        "ass",
        "free money",
    ]


def test_terms_are_read_from_a_list_or_comma_and_newline_separated_text():
    assert parse_terms(" a, b\nc d ,,\n") == ("a", "b", "c d")
    assert parse_terms(["x", " ", "y"]) == ("x", "y")
    assert parse_terms(None) == ()
    assert blocked_terms_in("anything at all", []) == []
    assert blocked_terms_in("***", ["***", " "]) == []  # a term of no words matches nothing


# --- link counting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "links"),
    [
        ("No links here, e.g. 3.5 percent.", 0),
        ("https://a.example", 1),
        ("HTTPS://A.EXAMPLE/PATH", 1),
        ("www.a.example", 1),
        ("a.com b.org c.net", 3),  # bare domains the renderer links
        ("<https://a.example>", 1),  # autolink
        ("[text](https://a.example)", 1),
        ("[https://a.example](https://a.example)", 1),  # the URL as its own text: one link
        ("[x](//a.example)", 1),  # protocol-relative
        ("[x][1]\n\n[1]: https://a.example", 1),  # reference link
        ("![img](https://a.example/x.png)", 1),  # images are links here
        ("https://a.example/?next=https://b.example", 1),  # a URL inside a URL
        ("`https://a.example` and ```\nwww.b.example\n```", 2),  # in code: still there to copy
        ("[x](javascript:alert(1))", 0),  # not a link once rendered
        ("hxxp://a.example", 1),  # written out, not clickable: still counted
        ("hxxp://a.com", 1),  # the renderer links the domain: one link, not two
        ("\uff57\uff57\uff57\uff0e\uff41\uff0e\uff43\uff4f\uff4d", 1),  # fullwidth www.a.com
        ("[x](ftp://a.example)", 0),  # the sanitiser drops the href: nothing to follow
        (THREE_LINKS, 3),
        ("https://a.example " * 3, 3),  # the same link three times
    ],
)
def test_links_are_counted_as_readers_would_see_them(body, links):
    assert count_links(body) == links


# --- the listener --------------------------------------------------------------------------


def test_a_new_account_posting_three_links_is_held_for_the_link_limit(spam_app):
    comment = make_comment(body=THREE_LINKS)
    db.session.commit()
    assert (comment.status, comment.held_for) == ("pending", "link-limit")
    action = db.session.scalar(select(ModerationAction))
    assert (action.action, action.actor_id, action.reason) == ("hold", None, None)
    assert action.comment_id == comment.id and "3 links" in action.note
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.hold"))
    assert json.loads(entry.data) == {
        "held_for": "link-limit",
        "links": 3,
        "note": True,
        "on": "post",
        "reason": None,
    }


def test_two_links_or_an_older_account_are_published(spam_app):
    assert make_comment(body="https://a.example and https://b.example").status == "published"
    assert make_comment(user=_old_user(), body=THREE_LINKS).status == "published"
    assert count_rows(ModerationAction) == 0


def test_the_cap_and_age_come_from_the_config(spam_app):
    spam_app.config["MODERATION_NEW_ACCOUNT_LINK_CAP"] = 0
    assert make_comment(body="https://a.example").held_for == "link-limit"
    spam_app.config["MODERATION_NEW_ACCOUNT_AGE"] = 0  # never
    assert make_comment(body="https://a.example and more").status == "published"


def test_a_blocked_term_holds_the_comment_and_stays_out_of_the_public_chain(spam_app):
    comment = make_comment(user=_old_user(), body="Play at the CАSINO now")
    db.session.commit()
    assert (comment.status, comment.held_for) == ("pending", "blocked-term")
    action = db.session.scalar(select(ModerationAction))
    assert action.note == "blocked terms: casino"  # the desk's private note
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.hold"))
    assert "casino" not in entry.data.lower() and json.loads(entry.data)["held_for"] == (
        "blocked-term"
    )


def test_a_blocked_term_wins_over_the_link_limit(spam_app):
    assert make_comment(body=f"casino {THREE_LINKS}").held_for == "blocked-term"


def test_a_pre_moderated_comment_stays_pending_and_gets_the_warning_only(spam_app, nsp):
    nsp.moderation = "pre"
    db.session.flush()
    comment = make_comment(body="free money")
    assert (comment.status, comment.held_for) == ("pending", "blocked-term")
    assert make_comment(body="clean text").held_for is None
    assert count_rows(ModerationAction) == 0  # the platform changed nothing


def test_moderators_are_not_held(spam_app):
    moderator = make_user(role="moderator")
    assert make_comment(user=moderator, body=f"casino {THREE_LINKS}").status == "published"


def test_a_failed_post_leaves_no_hold(spam_app):
    make_comment(body="casino")
    db.session.rollback()  # the edge rolls back: the comment and its hold go together
    assert count_rows(Comment) == 0 and count_rows(ModerationAction) == 0


def test_approving_clears_the_hold_and_is_recorded(spam_app):
    comment = make_comment(body="casino")
    moderator = make_user(role="moderator")
    services.act_on_comments(moderator, [Selection(comment.id)], "approve")
    db.session.commit()
    assert (comment.status, comment.held_for) == ("published", None)
    approve = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.approve"))
    assert json.loads(approve.data)["held_for"] == "blocked-term"
    assert db.session.scalar(
        select(ModerationAction.actor_id).where(ModerationAction.action == "approve")
    ) == (moderator.id)


def test_rejecting_a_held_comment_clears_the_hold_too(spam_app):
    comment = make_comment(body="casino")
    services.act_on_comments(make_user(role="moderator"), [Selection(comment.id)], "reject", "spam")
    assert (comment.status, comment.held_for) == ("rejected", None)


# --- edits ---------------------------------------------------------------------------------


def test_an_edit_that_adds_a_blocked_term_holds_the_comment(spam_app):
    author = _old_user()
    comment = make_comment(user=author, body="A fair point")
    comments.edit_comment(author, comment, "A fair point. Also: casino")
    db.session.commit()
    assert (comment.status, comment.held_for) == ("pending", "blocked-term")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.hold"))
    assert json.loads(entry.data)["on"] == "edit"


def test_an_approved_comment_is_not_held_again_for_a_small_edit_but_is_for_a_new_link(spam_app):
    author = make_user()
    comment = make_comment(user=author, body=THREE_LINKS)
    services.act_on_comments(make_user(role="moderator"), [Selection(comment.id)], "approve")
    comments.edit_comment(author, comment, THREE_LINKS + " Typo fixed.")
    assert comment.status == "published"
    comments.edit_comment(author, comment, THREE_LINKS + " And https://d.example")
    assert (comment.status, comment.held_for) == ("pending", "link-limit")


def test_a_term_configured_after_posting_does_not_hold_on_an_unrelated_edit(spam_app):
    author = _old_user()
    comment = make_comment(user=author, body="Lottery results")
    spam_app.config["MODERATION_BLOCKED_TERMS"] = ["lottery"]
    comments.edit_comment(author, comment, "Lottery results, corrected")
    assert comment.status == "published"


def test_an_edit_of_a_pre_moderated_comment_adds_the_warning(spam_app, nsp):
    nsp.moderation = "pre"
    author = _old_user()
    comment = make_comment(user=author, body="Clean")
    comments.edit_comment(author, comment, "Clean casino")
    assert (comment.status, comment.held_for) == ("pending", "blocked-term")
    assert count_rows(ModerationAction) == 0


# --- the desk, the author, the API --------------------------------------------------------


def test_the_queue_shows_why_each_comment_was_held_and_filters_by_it(client, spam_app, login_as):
    make_comment(body=THREE_LINKS)
    make_comment(user=_old_user(), body="Best casino in town")
    db.session.commit()
    login_as("moderator")
    html = client.get("/moderation/").get_data(as_text=True)
    assert "2 comments waiting" in html
    assert "Held by the spam check: Too many links for a new account (3 links)" in html
    assert "Held by the spam check: Contains a blocked term (casino)" in html
    links = client.get("/moderation/?reason=link-limit").get_data(as_text=True)
    assert "1 comment waiting" in links and "3 links" in links and "Best casino" not in links
    terms = client.get("/moderation/?reason=blocked-term").get_data(as_text=True)
    assert "1 comment waiting" in terms and "Best casino" in terms
    assert "1 comment waiting" in client.get("/moderation/?reason=blocked-term&status=pending").text


def test_the_queue_of_held_comments_runs_a_fixed_number_of_queries(client, spam_app, login_as):
    login_as("moderator")

    def fill(n: int) -> None:
        for i in range(n):
            make_comment(body=f"casino {i} {THREE_LINKS}", user=make_user())
        db.session.commit()

    def measure() -> int:
        with count_queries() as statements:
            assert client.get("/moderation/").status_code == 200
        return len(statements)

    fill(3)
    few = measure()
    fill(20)
    assert measure() == few


def test_the_author_sees_the_held_comment_awaits_a_moderator(client, spam_app, login_as):
    login_as("citizen", name="New Person")
    response = client.post(
        f"{SECTION}/comments", data={"body": THREE_LINKS, "objective": "", "stance": ""}
    )
    assert response.status_code in (302, 303)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your comment will appear once a moderator approves it." in page
    assert "Awaiting moderation, visible only to you" in page
    db.session.expire_all()
    comment = db.session.scalar(select(Comment))
    assert (comment.status, comment.held_for) == ("pending", "link-limit")
    client.post("/auth/logout")
    assert "c.example" not in client.get(SECTION).get_data(as_text=True)


def test_an_edit_that_gets_held_tells_the_author(client, spam_app, login_as):
    author = login_as("citizen")
    comment = make_comment(user=author, body="Fine words")
    db.session.commit()
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "Fine casino words"})
    assert response.status_code in (302, 303)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "It will appear once a moderator approves it." in page
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == "pending"


def test_the_api_queue_carries_the_hold(client, spam_app):
    make_comment(body=THREE_LINKS)
    make_comment(user=_old_user(), body="free money")
    reported = make_comment(user=_old_user(), body="Reported")
    comments.flag_comment(make_user(), reported, "spam")
    db.session.commit()
    headers = bearer_for(make_user(role="moderator"))
    items = client.get("/api/v1/moderation/queue", headers=headers).json["items"]
    assert [i["hold"] for i in items] == [
        {"reason": "link-limit", "links": 3},
        {"reason": "blocked-term", "terms": ["free money"]},
        None,
    ]
    held = client.get("/api/v1/moderation/queue?reason=blocked-term", headers=headers).json
    assert held["total"] == 1 and held["items"][0]["hold"]["terms"] == ["free money"]
    assert client.get("/api/v1/moderation/queue?reason=nope", headers=headers).status_code == 422
