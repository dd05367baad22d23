"""Kept comment counts (`comments.tallies`) equal a fresh COUNT after every kind of write."""

from __future__ import annotations

import pytest
from sqlalchemy import case, func, select

from consult.comments import queries, services, tallies
from consult.comments.models import Comment, CommentCount
from consult.extensions import db
from consult.moderation.services import Selection, act_on_comments
from consult.policy.models import Objective, SectionVersion
from tests.factories import make_comment, make_user, section_of


def _fresh() -> dict[tuple[int, int | None], tuple[int, int]]:
    """What the counts should be: a COUNT over the comments themselves."""
    rows = db.session.execute(
        select(
            Comment.section_id,
            Comment.objective_id,
            func.count(),
            func.sum(case((Comment.depth == 0, 1), else_=0)),
        )
        .where(Comment.status == "published")
        .group_by(Comment.section_id, Comment.objective_id)
    ).all()
    return {(s, o): (n, int(top)) for s, o, n, top in rows}


def _kept() -> dict[tuple[int, int | None], tuple[int, int]]:
    rows = db.session.execute(
        select(
            CommentCount.section_id,
            CommentCount.objective_id,
            func.sum(CommentCount.published),
            func.sum(CommentCount.published_top),
        ).group_by(CommentCount.section_id, CommentCount.objective_id)
    ).all()
    return {(s, o): (int(n), int(top)) for s, o, n, top in rows if n or top}


def _assert_exact() -> None:
    db.session.flush()
    assert _kept() == _fresh()


def _version(section) -> int:
    return db.session.scalar(
        select(SectionVersion.version).where(SectionVersion.section_id == section.id)
    )


@pytest.fixture
def moderator(app, nsp):
    user = make_user("moderator")
    db.session.commit()
    return user


def test_every_write_path_keeps_the_counts_exact(app, nsp, moderator):
    section = section_of()
    author, other = make_user(), make_user()
    top = make_comment(author, section, "About the section")
    _assert_exact()
    on_objective = make_comment(author, section, "About NC-2", objective_key="NC-2")
    reply = services.post_comment(other, section, "A reply", parent_id=on_objective.id).comment
    deep = services.post_comment(author, section, "A reply to it", parent_id=reply.id).comment
    _assert_exact()
    assert _kept()[(section.id, on_objective.objective_id)] == (3, 1)

    services.edit_comment(author, top, "About the section, edited")
    _assert_exact()
    services.withdraw_comment(other, reply)
    _assert_exact()
    act_on_comments(moderator, [Selection(deep.id)], "hide", "spam")
    _assert_exact()
    act_on_comments(moderator, [Selection(deep.id)], "restore")
    _assert_exact()
    act_on_comments(moderator, [Selection(top.id)], "hide", "off-topic")
    _assert_exact()

    # Auto-hide on flags, then dismissing the reports puts it back.
    for _ in range(3):
        services.flag_comment(make_user(), on_objective, "spam")
    assert on_objective.status == "hidden"
    _assert_exact()
    act_on_comments(moderator, [Selection(on_objective.id)], "dismiss-flags")
    assert on_objective.status == "published"
    _assert_exact()

    # Pre-moderation: pending is not counted until approved; rejected never is.
    nsp.moderation = "pre"
    first, second = make_comment(body="One"), make_comment(body="Two", objective_key="NC-1")
    _assert_exact()
    act_on_comments(moderator, [Selection(first.id)], "approve")
    act_on_comments(moderator, [Selection(second.id)], "reject", "off-topic")
    _assert_exact()
    db.session.commit()
    _assert_exact()

    # What the page reads agrees with the comments too.
    fresh = db.session.execute(
        select(Objective.key, func.count(Comment.id))
        .select_from(Comment)
        .outerjoin(Objective, Comment.objective_id == Objective.id)
        .where(Comment.section_id == section.id, Comment.status == "published")
        .group_by(Objective.key)
    ).all()
    assert queries.count_by_objective(section) == dict(fresh)
    assert queries.count_by_section(nsp.id) == {section.id: sum(n for _k, n in fresh)}


def test_counts_roll_back_with_the_write(app, nsp):
    section = section_of()
    make_comment(body="Kept")
    db.session.commit()
    before, version = _kept(), _version(section)
    make_comment(body="Rolled back")
    db.session.flush()
    assert _kept() != before and _version(section) > version
    db.session.rollback()
    assert _kept() == before and _version(section) == version


def test_page_total_counts_placeholders_and_own_pending(app, nsp, moderator):
    section = section_of()
    author = make_user()
    held = make_comment(author, section, "Hidden but answered")
    services.post_comment(make_user(), section, "The answer", parent_id=held.id)
    alone = make_comment(body="Hidden, no replies")
    act_on_comments(moderator, [Selection(held.id), Selection(alone.id)], "hide", "spam")
    nsp.moderation = "pre"
    mine = make_comment(author, section, "Awaiting moderation")
    db.session.commit()
    anonymous = queries.get_thread(section)
    assert anonymous.page.total == 1 == len(anonymous.page.items)  # the placeholder only
    own = queries.get_thread(section, viewer_participant_id=author.participant_id)
    assert own.page.total == 2
    assert {n.comment.id for n in own.page.items} == {held.id, mine.id}
    assert queries.get_thread(section, published_only=True).page.total == 0


def test_rebuild_recounts_after_a_bulk_write(app, nsp):
    make_comment(body="One")
    make_comment(body="Two", objective_key="NC-3")
    db.session.commit()
    db.session.execute(CommentCount.__table__.delete())
    assert _kept() == {}
    tallies.rebuild(db.session.connection())
    assert _kept() == _fresh() != {}
