"""Listeners other domains register on comment events, so `comments` never imports them.

`moderation` listens to new flags (the threshold that hides a comment pending review);
each listener runs inside the flag's own transaction, so the flag and its effect land
together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable

from consult.comments.models import Comment, Flag

FlagListener = Callable[[Comment, Flag], None]
_FLAG_LISTENERS: dict[str, FlagListener] = {}


def register_flag_listener(name: str, listener: FlagListener) -> None:
    """Call `listener(comment, flag)` after every new flag, before the edge commits."""
    _FLAG_LISTENERS[name] = listener


def flag_added(comment: Comment, flag: Flag) -> None:
    """Tell every registered listener about a new flag."""
    for listener in _FLAG_LISTENERS.values():
        listener(comment, flag)
