"""Curation: themes per policy, tagging comments with them, featured quotes, private notes.

This is what turns a pile of comments into a report the policy team can read: themes
group what people said, featured quotes let their own words stand beside the numbers.
Every change is on the audit chain; nothing a moderator curates is ever deleted (a theme
is retired or merged, a featured quote is un-featured with the row kept).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, delete, insert, select, update

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.core import audit
from consult.core.models import utcnow
from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.moderation import permissions
from consult.moderation.models import CommentTheme, FeaturedQuote, ModeratorNote, Theme
from consult.moderation.services import MAX_BULK, MAX_NOTE
from consult.policy.models import Policy

MAX_THEME_NAME = 80
MAX_THEME_DESCRIPTION = 500
MAX_THEMES_PER_CHANGE = 20


def theme_key(name: str) -> str:
    """What makes two theme names the same: case, width and spacing do not."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _require_curator(actor: User) -> None:
    if not permissions.can_curate(actor):
        raise PermissionDenied(_("Only moderators can curate themes and quotes."))


def _clean_name(name: object) -> str:
    text = " ".join(unicodedata.normalize("NFC", str(name or "")).split())
    if not text:
        raise ValidationError(_("Give the theme a name."), {"name": _("Enter a name.")})
    if len(text) > MAX_THEME_NAME or any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ValidationError(
            _("The theme name is too long or has control characters."),
            {"name": _("Use at most %(max)d characters.", max=MAX_THEME_NAME)},
        )
    return text


def _clean_description(text: object) -> str | None:
    value = str(text or "").strip() or None
    if value and (len(value) > MAX_THEME_DESCRIPTION or "\x00" in value):
        raise ValidationError(
            _("The description is too long."),
            {"description": _("Use at most %(max)d characters.", max=MAX_THEME_DESCRIPTION)},
        )
    return value


def _name_taken(policy_id: int, key: str, except_id: int | None = None) -> bool:
    query = select(Theme.id).where(Theme.policy_id == policy_id, Theme.name_key == key)
    if except_id is not None:
        query = query.where(Theme.id != except_id)
    return db.session.scalar(query.limit(1)) is not None


def _taken_error(name: str) -> Conflict:
    return Conflict(
        _("This policy already has a theme called “%(name)s” (perhaps retired).", name=name),
        {"name": _("Choose another name, or reinstate the retired theme.")},
    )


def _theme_audit(action: str, actor: User, theme: Theme, **data: object) -> None:
    audit.record(
        f"theme.{action}",
        actor_id=actor.id,
        target_type="theme",
        target_id=theme.id,
        data={"policy_id": theme.policy_id, "name": theme.name, **data},
    )


def create_theme(actor: User, policy: Policy, name: object, description: object = None) -> Theme:
    """A new theme for one policy; names are unique per policy whatever their case."""
    _require_curator(actor)
    clean = _clean_name(name)
    if _name_taken(policy.id, theme_key(clean)):
        raise _taken_error(clean)
    theme = Theme(
        policy_id=policy.id,
        name=clean,
        name_key=theme_key(clean),
        description=_clean_description(description),
        created_by_id=actor.id,
    )
    db.session.add(theme)
    db.session.flush()
    _theme_audit("create", actor, theme)
    return theme


def rename_theme(actor: User, theme: Theme, name: object, description: object = ...) -> Theme:
    """Rename (and optionally re-describe) a theme; its tags stay where they are."""
    _require_curator(actor)
    if theme.merged_into_id is not None:
        raise Conflict(_("This theme was merged into another; rename that one instead."), {})
    clean = _clean_name(name)
    if _name_taken(theme.policy_id, theme_key(clean), except_id=theme.id):
        raise _taken_error(clean)
    before = theme.name
    theme.name, theme.name_key = clean, theme_key(clean)
    if description is not ...:
        theme.description = _clean_description(description)
    db.session.flush()
    _theme_audit("rename", actor, theme, **{"from": before})
    return theme


def retire_theme(actor: User, theme: Theme) -> Theme:
    """Stop offering a theme for new tags; the comments already tagged keep it."""
    _require_curator(actor)
    if theme.retired_at is not None:
        raise Conflict(_("This theme is already retired."), {})
    theme.retired_at = utcnow()
    db.session.flush()
    _theme_audit("retire", actor, theme)
    return theme


def reinstate_theme(actor: User, theme: Theme) -> Theme:
    """Undo a retirement (not a merge: the tags have moved on)."""
    _require_curator(actor)
    if theme.retired_at is None:
        raise Conflict(_("This theme is in use, not retired."), {})
    if theme.merged_into_id is not None:
        raise Conflict(_("A merged theme cannot be reinstated; its tags moved on."), {})
    theme.retired_at = None
    db.session.flush()
    _theme_audit("reinstate", actor, theme)
    return theme


def merge_theme(actor: User, source: Theme, target: Theme) -> Theme:
    """Move every tag of `source` onto `target` and retire `source`, pointing at `target`.

    A comment tagged with both keeps one tag. The two must be distinct, in the same policy,
    and the target must be in use (merging into a retired theme would hide the tags).
    """
    _require_curator(actor)
    if source.id == target.id:
        raise ValidationError(
            _("A theme cannot be merged into itself."), {"into": _("Choose another theme.")}
        )
    if source.policy_id != target.policy_id:
        raise ValidationError(
            _("Themes of different policies cannot be merged."),
            {"into": _("Choose a theme of the same policy.")},
        )
    if source.retired_at is not None:
        raise Conflict(_("This theme is retired; reinstate it before merging it."), {})
    if target.retired_at is not None:
        raise ValidationError(
            _("Merge into a theme that is in use, not a retired one."),
            {"into": _("This theme is retired.")},
        )
    already = select(CommentTheme.comment_id).where(CommentTheme.theme_id == target.id)
    moved = db.session.execute(
        update(CommentTheme)
        .where(CommentTheme.theme_id == source.id, CommentTheme.comment_id.not_in(already))
        .values(theme_id=target.id)
    ).rowcount
    # What is left on the source are comments the target already has: one tag is enough.
    db.session.execute(delete(CommentTheme).where(CommentTheme.theme_id == source.id))
    source.retired_at = utcnow()
    source.merged_into_id = target.id
    db.session.flush()
    _theme_audit("merge", actor, source, into=target.id, into_name=target.name, moved=moved)
    return target


@dataclass(frozen=True)
class TagChange:
    added: int
    removed: int


def _themes_for(policy_ids: set[int], ids: Sequence[int], field: str) -> dict[int, Theme]:
    if len(ids) > MAX_THEMES_PER_CHANGE:
        raise ValidationError(_("Too many themes at once."), {field: _("Too many.")})
    themes = {t.id: t for t in db.session.scalars(select(Theme).where(Theme.id.in_(ids)))}
    for theme_id in ids:
        theme = themes.get(theme_id)
        if theme is None or theme.policy_id not in policy_ids:
            raise NotFound(
                _("No theme %(id)s for these comments: nothing was changed.", id=theme_id),
                {field: str(theme_id)},
            )
    return themes


def tag_comments(
    actor: User,
    comment_ids: Sequence[int],
    add: Sequence[int] = (),
    remove: Sequence[int] = (),
) -> TagChange:
    """Add and remove themes on a selection of comments, all of it or none.

    Only themes in use can be added; a retired theme can still be removed. Tags already
    there (or already absent) are no-ops, so repeating a request changes nothing.
    """
    _require_curator(actor)
    ids = list(dict.fromkeys(comment_ids))
    add, remove = list(dict.fromkeys(add)), list(dict.fromkeys(remove))
    if not ids:
        raise ValidationError(_("Select at least one comment."), {"ids": _("Nothing selected.")})
    if len(ids) > MAX_BULK:
        raise ValidationError(
            _("Select at most %(n)d comments at once.", n=MAX_BULK), {"ids": _("Too many.")}
        )
    if not add and not remove:
        raise ValidationError(_("Choose a theme to add or remove."), {"theme": _("Choose one.")})
    if set(add) & set(remove):
        raise ValidationError(
            _("A theme cannot be added and removed at once."), {"theme": _("Choose one.")}
        )
    comments = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids)))}
    missing = [i for i in ids if i not in comments]
    if missing:
        raise NotFound(
            _("No comment %(id)s: nothing was changed.", id=missing[0]), {"ids": str(missing[0])}
        )
    for comment in comments.values():
        refusal = permissions.curate_refusal(actor, comment)
        if refusal:
            raise PermissionDenied(refusal)
    policy_ids = {c.policy_id for c in comments.values()}
    adding = _themes_for(policy_ids, add, "theme")
    _themes_for(policy_ids, remove, "theme")
    for theme in adding.values():
        if theme.retired_at is not None:
            raise ValidationError(
                _("“%(name)s” is retired and takes no new comments.", name=theme.name),
                {"theme": _("Choose a theme in use.")},
            )
    existing = set(
        db.session.execute(
            select(CommentTheme.comment_id, CommentTheme.theme_id).where(
                CommentTheme.comment_id.in_(ids), CommentTheme.theme_id.in_(add + remove)
            )
        )
    )
    rows = [
        {"comment_id": cid, "theme_id": tid, "tagged_by_id": actor.id, "created_at": utcnow()}
        for cid in ids
        for tid in add
        if (cid, tid) not in existing and adding[tid].policy_id == comments[cid].policy_id
    ]
    if rows:
        db.session.execute(insert(CommentTheme), rows)
    gone = [(cid, tid) for cid in ids for tid in remove if (cid, tid) in existing]
    for cid, tid in gone:
        db.session.execute(
            delete(CommentTheme).where(
                and_(CommentTheme.comment_id == cid, CommentTheme.theme_id == tid)
            )
        )
    if rows or gone:
        audit.record(
            "theme.tag",
            actor_id=actor.id,
            target_type="comment",
            target_id=ids[0] if len(ids) == 1 else None,
            data={
                "comments": ids,
                "added": sorted({r["theme_id"] for r in rows}),
                "removed": sorted({tid for _cid, tid in gone}),
                "tags_added": len(rows),
                "tags_removed": len(gone),
            },
        )
    db.session.flush()
    return TagChange(added=len(rows), removed=len(gone))


def _current_feature(comment_id: int) -> FeaturedQuote | None:
    return db.session.scalar(
        select(FeaturedQuote).where(
            FeaturedQuote.comment_id == comment_id, FeaturedQuote.removed_at.is_(None)
        )
    )


def feature_comment(actor: User, comment: Comment) -> FeaturedQuote:
    """Mark a published comment as a quote for the report (at most once at a time)."""
    refusal = permissions.curate_refusal(actor, comment)
    if refusal:
        raise PermissionDenied(refusal)
    if comment.status != "published":
        raise Conflict(
            _("Only a published comment can be quoted in the report."),
            {"comment": _("This comment is %(status)s.", status=comment.status)},
        )
    current = _current_feature(comment.id)
    if current is not None:
        return current
    quote = FeaturedQuote(comment_id=comment.id, featured_by_id=actor.id)
    db.session.add(quote)
    db.session.flush()
    audit.record("quote.feature", actor_id=actor.id, target_type="comment", target_id=comment.id)
    return quote


def unfeature_comment(actor: User, comment: Comment) -> None:
    """Take a comment off the report's quotes; the featuring stays in the history."""
    refusal = permissions.curate_refusal(actor, comment)
    if refusal:
        raise PermissionDenied(refusal)
    current = _current_feature(comment.id)
    if current is None:
        raise Conflict(_("This comment is not featured."), {})
    current.removed_at, current.removed_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record("quote.unfeature", actor_id=actor.id, target_type="comment", target_id=comment.id)


def add_note(actor: User, comment: Comment, body: object) -> ModeratorNote:
    """A private note for other moderators; the chain records that one was left, not its text."""
    refusal = permissions.curate_refusal(actor, comment)
    if refusal:
        raise PermissionDenied(refusal)
    text = str(body or "").strip()
    if not text:
        raise ValidationError(_("Write the note."), {"body": _("Enter some text.")})
    if len(text) > MAX_NOTE or "\x00" in text:
        raise ValidationError(
            _("The note is too long."), {"body": _("Use at most %(max)d characters.", max=MAX_NOTE)}
        )
    note = ModeratorNote(comment_id=comment.id, author_id=actor.id, body=text)
    db.session.add(note)
    db.session.flush()
    audit.record(
        "moderation.note",
        actor_id=actor.id,
        target_type="comment",
        target_id=comment.id,
        data={"note_id": note.id},
    )
    return note
