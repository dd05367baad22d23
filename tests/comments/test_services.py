"""Comment services: rules, threads, endorsements, flags, revisions."""

from __future__ import annotations

from datetime import date

import pytest

from consult.comments import queries, services
from consult.comments.models import Comment, CommentRevision, Endorsement, Flag
from consult.errors import Conflict, PermissionDenied, ValidationError
from consult.extensions import db
from tests.factories import make_comment, make_user, section_of
from tests.helpers import count_rows


def test_post_on_objective_renders_markdown_and_records_channel(app, nsp):
    user = make_user()
    result = services.post_comment(
        user, section_of(), "I **support** this.", objective_key="NC-2", stance="support"
    )
    c = result.comment
    assert result.created
    assert c.objective.key == "NC-2" and c.stance == "support"
    assert (
        c.body == "I **support** this." and c.body_html == "<p>I <strong>support</strong> this.</p>"
    )
    assert (c.channel, c.hearing_id, c.status, c.depth, c.root_id) == (
        "online",
        None,
        "published",
        0,
        c.id,
    )
    assert c.participant_id == user.participant_id


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   \n  "}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"body": "null \x00 byte"}, "body"),
        ({"body": "bad \ufffd bytes"}, "body"),
        ({"body": 42}, "body"),
        ({"body": "ok", "objective_key": "NC-9"}, "objective"),
        ({"body": "ok", "objective_key": "DT-1"}, "objective"),  # another section's objective
        ({"body": "ok", "stance": "angry"}, "stance"),
        ({"body": "ok", "parent_id": 999999}, "parent_id"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(app, nsp, kwargs, field):
    user = make_user()
    db.session.commit()
    body = kwargs.pop("body")
    with pytest.raises(ValidationError) as info:
        services.post_comment(user, section_of(), body, **kwargs)
    assert field in info.value.fields
    db.session.rollback()
    assert count_rows(Comment) == 0


def test_exactly_5000_characters_is_accepted(app, nsp):
    assert len(make_comment(body="x" * 5000).body) == 5000


def test_reply_must_be_in_the_same_section_and_to_a_published_comment(app, nsp):
    other_section = make_comment(section=section_of(section_slug="defence"))
    with pytest.raises(ValidationError) as info:
        make_comment(parent_id=other_section.id)
    assert "parent_id" in info.value.fields
    author = make_user()
    withdrawn = make_comment(user=author)
    services.withdraw_comment(author, withdrawn)
    with pytest.raises(ValidationError):
        make_comment(parent_id=withdrawn.id)
    hidden = make_comment()
    hidden.status = "hidden"
    with pytest.raises(ValidationError):
        make_comment(parent_id=hidden.id)


def test_reply_inherits_objective_and_cannot_change_it(app, nsp):
    parent = make_comment(objective_key="NC-1")
    reply = make_comment(parent_id=parent.id)
    assert (reply.objective_id, reply.depth, reply.root_id) == (parent.objective_id, 1, parent.id)
    with pytest.raises(ValidationError):
        make_comment(parent_id=parent.id, objective_key="NC-3")


def test_closed_policy_and_dates_refuse_comments(app, nsp):
    nsp.status = "closed"
    with pytest.raises(PermissionDenied):
        make_comment()
    nsp.status = "open"
    nsp.opens_at = date(2999, 1, 1)
    nsp.closes_at = date(2999, 12, 31)
    with pytest.raises(PermissionDenied):
        make_comment()
    nsp.opens_at, nsp.closes_at = date(2000, 1, 1), date(2000, 12, 31)
    with pytest.raises(PermissionDenied):
        make_comment()


def test_banned_account_cannot_post_endorse_or_flag(app, nsp):
    from consult.core.models import utcnow

    comment = make_comment()
    banned = make_user()
    banned.banned_at = utcnow()
    with pytest.raises(PermissionDenied):
        make_comment(user=banned)
    with pytest.raises(PermissionDenied):
        services.endorse_comment(banned, comment, "agree")
    with pytest.raises(PermissionDenied):
        services.flag_comment(banned, comment, "spam")


def test_pre_moderation_makes_comments_pending(app, nsp):
    nsp.moderation = "pre"
    c = make_comment()
    assert c.status == "pending"


def test_double_submit_within_a_minute_makes_one_comment(app, nsp):
    user = make_user()
    first = services.post_comment(user, section_of(), "Same words")
    again = services.post_comment(user, section_of(), "  Same words  ")
    assert again.comment.id == first.comment.id and not again.created
    other = services.post_comment(user, section_of(), "Same words", parent_id=first.comment.id)
    assert other.created  # a reply with the same text is a different comment
    assert count_rows(Comment) == 2


def test_edit_keeps_revisions_and_marks_edited(app, nsp):
    author = make_user()
    c = make_comment(user=author, body="First version", stance="concern")
    services.edit_comment(author, c, "Second *version*", "suggestion")
    services.edit_comment(author, c, "Third version", "suggestion")
    assert c.body == "Third version" and c.stance == "suggestion" and c.edited_at is not None
    revisions = queries.list_revisions(c)
    assert [(r.version, r.body, r.stance) for r in revisions] == [
        (2, "Second *version*", "suggestion"),
        (1, "First version", "concern"),
    ]
    services.edit_comment(author, c, "Third version", "suggestion")  # no change, no revision
    assert count_rows(CommentRevision) == 2


def test_only_the_author_edits_and_only_while_open(app, nsp):
    author, other = make_user(), make_user()
    c = make_comment(user=author)
    with pytest.raises(PermissionDenied):
        services.edit_comment(other, c, "Hijacked")
    nsp.status = "closed"
    with pytest.raises(PermissionDenied):
        services.edit_comment(author, c, "Too late")


def test_withdraw_hides_text_keeps_replies(app, nsp):
    author = make_user()
    c = make_comment(user=author)
    reply = make_comment(parent_id=c.id)
    with pytest.raises(PermissionDenied):
        services.withdraw_comment(make_user(), c)
    services.withdraw_comment(author, c)
    db.session.commit()
    assert c.status == "withdrawn" and c.body  # the record keeps the text
    thread = queries.get_thread(section_of())
    [node] = thread.page.items
    assert node.comment.id == c.id and [n.comment.id for n in node.children] == [reply.id]
    # A withdrawn comment without replies disappears from the thread.
    lonely = make_comment(user=author)
    services.withdraw_comment(author, lonely)
    assert [n.comment.id for n in queries.get_thread(section_of()).page.items] == [c.id]


def test_endorsement_toggling(app, nsp):
    c = make_comment()
    reader = make_user()
    services.endorse_comment(reader, c, "agree")
    services.endorse_comment(reader, c, "agree")  # no-op
    assert (c.agree_count, c.disagree_count, count_rows(Endorsement)) == (1, 0, 1)
    services.endorse_comment(reader, c, "disagree")  # switches
    assert (c.agree_count, c.disagree_count, count_rows(Endorsement)) == (0, 1, 1)
    services.withdraw_endorsement(reader, c)
    assert (c.agree_count, c.disagree_count, count_rows(Endorsement)) == (0, 0, 0)
    with pytest.raises(ValidationError):
        services.endorse_comment(reader, c, "love")
    with pytest.raises(PermissionDenied):
        services.endorse_comment(c.participant.user, c, "agree")  # not one's own


def test_flags_one_per_person_with_reason_and_note(app, nsp):
    c = make_comment()
    reader = make_user()
    flag = services.flag_comment(reader, c, "off-topic", "  about something else  ")
    assert (flag.reason, flag.note) == ("off-topic", "about something else")
    with pytest.raises(Conflict):
        services.flag_comment(reader, c, "spam")
    with pytest.raises(ValidationError):
        services.flag_comment(make_user(), c, "boring")
    with pytest.raises(ValidationError):
        services.flag_comment(make_user(), c, "other", "x" * 501)
    assert count_rows(Flag) == 1


def test_wilson_lower_bound_ranks_confidence_not_raw_counts():
    five_of_five = services.wilson_lower_bound(5, 0)
    ninety_of_hundred = services.wilson_lower_bound(90, 10)
    assert ninety_of_hundred > five_of_five
    assert round(services.wilson_lower_bound(90, 10), 4) == 0.8256
    assert services.wilson_lower_bound(0, 0) == 0.0


def test_top_sort_differs_from_raw_agree_count(app, nsp):
    few = make_comment(body="five of five")
    many = make_comment(body="ninety of a hundred")
    for target, agree, disagree in ((few, 5, 0), (many, 90, 10)):
        target.agree_count, target.disagree_count = agree, disagree
        target.score = services.wilson_lower_bound(agree, disagree)
    mixed = make_comment(body="two of two")
    reader = make_user()
    services.endorse_comment(reader, mixed, "agree")
    services.endorse_comment(make_user(), mixed, "agree")
    db.session.commit()
    top = [n.comment.body for n in queries.get_thread(section_of(), sort="top").page.items]
    assert top == ["ninety of a hundred", "five of five", "two of two"]
    by_raw_agree_share = sorted(
        [few, many, mixed],
        key=lambda c: c.agree_count / (c.agree_count + c.disagree_count),
        reverse=True,
    )
    assert [c.body for c in by_raw_agree_share][0] != top[0]


def test_sort_new_and_old_and_pagination(app, nsp):
    bodies = [make_comment(body=f"c{i}").body for i in range(25)]
    db.session.commit()
    first = queries.get_thread(section_of(), sort="old", per_page=20)
    assert [n.comment.body for n in first.page.items] == bodies[:20]
    assert (first.page.total, first.page.pages) == (25, 2)
    second = queries.get_thread(section_of(), sort="old", page=2, per_page=20)
    assert [n.comment.body for n in second.page.items] == bodies[20:]
    newest = queries.get_thread(section_of(), sort="new", per_page=3)
    assert [n.comment.body for n in newest.page.items] == ["c24", "c23", "c22"]


def test_filter_by_objective_and_counts(app, nsp):
    make_comment(objective_key="NC-1")
    make_comment(objective_key="NC-1")
    make_comment(objective_key="NC-3")
    make_comment()
    db.session.commit()
    only = queries.get_thread(section_of(), objective_key="NC-1")
    assert only.page.total == 2
    assert all(n.comment.objective.key == "NC-1" for n in only.page.items)
    assert queries.count_by_objective(section_of()) == {"NC-1": 2, "NC-3": 1, None: 1}


def test_deep_replies_flatten_under_the_depth_limit(app, nsp):
    chain = [make_comment(body="root")]
    names = []
    for depth in range(1, 6):
        user = make_user(name=f"Depth {depth}")
        names.append(user.display_name)
        chain.append(make_comment(user=user, parent_id=chain[-1].id, body=f"d{depth}"))
    db.session.commit()
    [root] = queries.get_thread(section_of()).page.items
    d1 = root.children[0]
    d2 = d1.children[0]
    assert (d1.comment.body, d2.comment.body) == ("d1", "d2")
    # Depth 3, 4 and 5 sit flat under the depth-2 reply, each saying whom it answers.
    assert [(n.comment.body, n.in_reply_to) for n in d2.children] == [
        ("d3", "Depth 2"),
        ("d4", "Depth 3"),
        ("d5", "Depth 4"),
    ]


def test_pending_comments_are_seen_only_by_their_author(app, nsp):
    nsp.moderation = "pre"
    author = make_user()
    make_comment(user=author)
    db.session.commit()
    assert queries.get_thread(section_of()).page.total == 0
    assert queries.get_thread(section_of(), author.participant_id).page.total == 1
    assert queries.get_thread(section_of(), make_user().participant_id).page.total == 0


def test_download_my_data_includes_threads(app, nsp):
    from consult.accounts.services import export_user_data

    author = make_user()
    mine = make_comment(user=author, body="My view", objective_key="NC-3")
    other = make_comment()
    services.endorse_comment(author, other, "disagree")
    services.flag_comment(author, other, "spam", "advert")
    data = export_user_data(author)["threads"]
    assert [(c["id"], c["section"], c["objective"], c["body"]) for c in data["comments"]] == [
        (mine.id, "national-cohesion", "NC-3", "My view")
    ]
    assert [(e["comment_id"], e["value"]) for e in data["endorsements"]] == [(other.id, "disagree")]
    assert [(f["comment_id"], f["reason"], f["note"]) for f in data["flags"]] == [
        (other.id, "spam", "advert")
    ]


def test_root_id_is_written_in_the_insert(app, nsp):
    """Top-level comments are their own root from the first statement; replies point at it."""
    from sqlalchemy import event

    inserts: list[tuple] = []

    def record(conn, cursor, statement, parameters, *args):
        if statement.lstrip().upper().startswith(("INSERT INTO COMMENTS", "UPDATE COMMENTS")):
            inserts.append((statement.split()[0].upper(), statement))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        first = make_comment(body="First")
        second = make_comment(body="Second")
        reply = make_comment(body="Reply", parent_id=first.id)
        deeper = make_comment(body="Deeper", parent_id=reply.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert (first.root_id, second.root_id) == (first.id, second.id) and first.id != second.id
    assert reply.root_id == deeper.root_id == first.id
    assert [kind for kind, _sql in inserts] == ["INSERT"] * 4  # no second UPDATE for root_id
