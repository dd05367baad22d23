"""Listeners other domains register on comment events, so `comments` never imports them.

`moderation` listens to new comments (spam heuristics that hold a comment for review,
campaign grouping), to edits (the same heuristics, on what the edit added) and to new
flags (the threshold that hides a comment pending review); each listener runs inside the
event's own transaction, so the comment or flag and its effect land together or not at
all.
"""

from __future__ import annotations

from collections.abc import Callable

from consult.comments.models import Comment, Flag

FlagListener = Callable[[Comment, Flag], None]
CommentListener = Callable[[Comment], None]
EditListener = Callable[[Comment, str], None]
# provider(hearing ids) -> {hearing id: title}: the thread names the hearing a comment came from
HearingTitles = Callable[[set[int]], dict[int, str]]
_FLAG_LISTENERS: dict[str, FlagListener] = {}
_COMMENT_LISTENERS: dict[str, CommentListener] = {}
_EDIT_LISTENERS: dict[str, EditListener] = {}
_HEARING_TITLES: dict[str, HearingTitles] = {}


def register_comment_listener(name: str, listener: CommentListener) -> None:
    """Call `listener(comment)` after every new comment is flushed, before the edge commits.

    Listeners run in registration order and may change the comment (hold it as pending).
    """
    _COMMENT_LISTENERS[name] = listener


def comment_added(comment: Comment) -> None:
    """Tell every registered listener about a new comment (it has an id by now)."""
    for listener in _COMMENT_LISTENERS.values():
        listener(comment)


def register_edit_listener(name: str, listener: EditListener) -> None:
    """Call `listener(comment, previous_body)` after every edit is flushed, before the commit.

    Listeners may change the comment (hold an edited comment as pending).
    """
    _EDIT_LISTENERS[name] = listener


def comment_edited(comment: Comment, previous_body: str) -> None:
    """Tell every registered listener that a comment's text changed."""
    for listener in _EDIT_LISTENERS.values():
        listener(comment, previous_body)


def register_flag_listener(name: str, listener: FlagListener) -> None:
    """Call `listener(comment, flag)` after every new flag, before the edge commits."""
    _FLAG_LISTENERS[name] = listener


def flag_added(comment: Comment, flag: Flag) -> None:
    """Tell every registered listener about a new flag."""
    for listener in _FLAG_LISTENERS.values():
        listener(comment, flag)


# --- thread labels (registered by `invitations`; the input stream is in `policy.hooks`) --

LabelProvider = Callable[[list[Comment]], dict[int, str]]
_LABEL_PROVIDERS: dict[str, LabelProvider] = {}


def register_label_provider(name: str, provider: LabelProvider) -> None:
    """Add small labels beside comments: `provider(comments)` returns {comment id: text}.

    The thread calls it once per page with every comment shown, so a provider answers with
    one query whatever the number of comments.
    """
    _LABEL_PROVIDERS[name] = provider


def comment_labels(comments: list[Comment]) -> dict[int, list[str]]:
    """Every registered provider's labels for these comments, by comment id."""
    labels: dict[int, list[str]] = {}
    if not comments:
        return labels
    for provider in _LABEL_PROVIDERS.values():
        for comment_id, text in provider(comments).items():
            labels.setdefault(comment_id, []).append(text)
    return labels


def register_hearing_titles(name: str, provider: HearingTitles) -> None:
    """Let the thread name the hearing of `hearing`/`paper` comments (`hearings` registers).

    The thread calls the provider once per page with every hearing id on it, so naming
    the hearings costs one query however many comments the page holds.
    """
    _HEARING_TITLES[name] = provider


def hearing_titles(hearing_ids: set[int]) -> dict[int, str]:
    """Titles of these hearings from the registered providers; none asked for, none run."""
    titles: dict[int, str] = {}
    if not hearing_ids:
        return titles
    for provider in _HEARING_TITLES.values():
        titles.update(provider(hearing_ids))
    return titles
