"""Spam heuristics: hold a comment for a moderator instead of publishing it.

Two rules, both set in the app config (docs/moderation.md, "Spam heuristics"):

- `blocked-term`: the comment contains one of `MODERATION_BLOCKED_TERMS`, a word or a
  phrase matched whole (so "ass" does not match "class"), in any case, after NFKC and the
  UTS #39 confusable skeleton (`consult.core.confusables`), with accents, zero-width
  characters and Markdown emphasis inside a word ignored: "cаsino" with a Cyrillic а,
  fullwidth letters, "cásino", a zero-width space inside the word and "cas**ino**" all
  match "casino"; digits for letters ("cas1no") do not, beyond what confusables.txt maps.
- `link-limit`: an account younger than `MODERATION_NEW_ACCOUNT_AGE` seconds posts more
  than `MODERATION_NEW_ACCOUNT_LINK_CAP` links (`consult.core.sanitize.count_links`).

Only a comment that would otherwise be published is held (status `pending`, `held_for`
set, a `hold` action with no actor). A comment already pending because its consultation
is pre-moderated keeps its status but gets `held_for` too, so the queue warns the
moderator; no `hold` action is recorded for it, since the platform changed nothing.

The matched term is written only to the desk's private note, never to the public audit
chain: a blocked term may itself be abusive, and publishing the list helps spammers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import select

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.core.confusables import skeleton
from consult.core.models import utcnow
from consult.core.sanitize import count_links
from consult.extensions import db

# Markdown emphasis and code marks: a word split by them still reads as one word.
_MARKUP = str.maketrans("", "", "*_~`")
_NOT_WORD = r"[\W_]+"
# Staff post under their own name and can approve themselves anyway.
EXEMPT_ROLES = frozenset({"moderator", "admin"})


def fold(text: str) -> str:
    """The matching key of a text: NFKC, case-folded, confusables mapped, no accents.

    Zero-width and other format characters (Unicode category Cf) are dropped, so are
    combining marks (accents; in Urdu the optional vowel marks).
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = skeleton(skeleton(text).casefold()).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf"))


def parse_terms(value: Any) -> tuple[str, ...]:
    """The configured terms as a tuple: a list, or text separated by commas or new lines."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    return tuple(t.strip() for t in value if isinstance(t, str) and t.strip())


@lru_cache(maxsize=8)
def _matcher(terms: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One regular expression for every term, and each term's key back to how it was set."""
    keys: dict[str, str] = {}
    for term in terms:
        words = [w for w in re.split(_NOT_WORD, fold(term)) if w]
        if words:
            keys.setdefault(" ".join(words), term)
    if not keys:
        return None
    # Longest first, so a phrase wins over a word it starts with.
    alternatives = "|".join(
        _NOT_WORD.join(re.escape(w) for w in key.split(" "))
        for key in sorted(keys, key=len, reverse=True)
    )
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])"), keys


def blocked_terms_in(text: str, terms: Iterable[str]) -> list[str]:
    """The configured terms `text` contains, as configured, in the order of the list."""
    matcher = _matcher(parse_terms(list(terms)))
    if matcher is None:
        return []
    pattern, keys = matcher
    found: set[str] = set()
    folded = fold(text)
    # As written ("free*money" is two words), and with emphasis marks gone ("cas**ino**").
    for variant in {folded, folded.translate(_MARKUP)}:
        for match in pattern.finditer(variant):
            key = " ".join(w for w in re.split(_NOT_WORD, match.group(0)) if w)
            found.add(keys.get(key, key))
    return [t for t in dict.fromkeys(keys.values()) if t in found]


@dataclass(frozen=True)
class Verdict:
    """What the rules saw in a body: the blocked terms, the links, the author's account."""

    terms: tuple[str, ...] = ()
    links: int = 0
    over_cap: bool = False  # a new account, and more links than the cap

    @property
    def reason(self) -> str | None:
        """Why it would be held (a HOLD_REASONS code), or None when it would not."""
        if self.terms:
            return "blocked-term"
        return "link-limit" if self.over_cap else None


def _config() -> tuple[tuple[str, ...], int, timedelta]:
    config = current_app.config
    age = config.get("MODERATION_NEW_ACCOUNT_AGE", 0) or 0
    if not isinstance(age, timedelta):
        age = timedelta(seconds=int(age))
    return (
        parse_terms(config.get("MODERATION_BLOCKED_TERMS")),
        int(config.get("MODERATION_NEW_ACCOUNT_LINK_CAP", 2)),
        age,
    )


def _author(comment: Comment) -> User | None:
    return db.session.scalar(select(User).where(User.participant_id == comment.participant_id))


def judge(body: str, author: User | None) -> Verdict:
    """Apply the rules to a body written by `author` (None: no account, only the terms)."""
    if author is not None and author.role in EXEMPT_ROLES:
        return Verdict()
    terms, cap, age = _config()
    found = tuple(blocked_terms_in(body, terms)) if terms else ()
    new_account = author is not None and age > timedelta(0) and utcnow() - author.created_at < age
    links = count_links(body) if new_account else 0
    return Verdict(found, links, new_account and links > cap)


def _hold(comment: Comment, verdict: Verdict, event: str) -> None:
    from consult.moderation.services import record_platform_action

    if comment.status == "published":
        comment.status = "pending"
        comment.held_for = verdict.reason
        # The terms go to the desk's private note only, never to the public audit chain.
        note = (
            "blocked terms: " + ", ".join(verdict.terms)
            if verdict.terms
            else f"{verdict.links} links from a new account"
        )
        record_platform_action(
            "hold", comment, note, {"held_for": verdict.reason, "links": verdict.links, "on": event}
        )
    elif comment.status == "pending" and comment.held_for is None:
        comment.held_for = verdict.reason  # pre-moderated: a warning for the queue


def hold_suspected_spam(comment: Comment) -> None:
    """A `comments` listener for new comments: hold one the rules would not publish."""
    if comment.status not in ("published", "pending"):
        return
    verdict = judge(comment.body, _author(comment))
    if verdict.reason:
        _hold(comment, verdict, "post")


def hold_suspected_spam_edit(comment: Comment, previous_body: str) -> None:
    """A `comments` listener for edits: hold a comment the edit newly makes suspect.

    Only what the edit added counts: a blocked term the earlier text did not have, or
    more links than before (and over the cap) from a new account. So a comment a
    moderator approved is not held again for a typo fix, but adding a link to it is.
    """
    if comment.status not in ("published", "pending"):
        return
    author = _author(comment)
    verdict = judge(comment.body, author)
    if verdict.reason is None:
        return
    before = judge(previous_body, author)
    if set(verdict.terms) - set(before.terms):
        _hold(comment, verdict, "edit")
    elif verdict.over_cap and verdict.links > before.links:
        _hold(comment, Verdict((), verdict.links, True), "edit")


def hold_detail(comment: Comment) -> dict[str, Any] | None:
    """What the queue shows of a hold: its reason, and the terms or the link count now.

    Worked out again from the body (no query), so the queue stays at a fixed number of
    queries; terms removed from the config since are no longer named.
    """
    if comment.held_for is None:
        return None
    if comment.held_for == "blocked-term":
        terms, _cap, _age = _config()
        return {"reason": comment.held_for, "terms": blocked_terms_in(comment.body, terms)}
    return {"reason": comment.held_for, "links": count_links(comment.body)}
