"""The rendered section page, cached per version and shared by readers of one kind.

Most readers of a busy consultation see the same page, so it is rendered once per version
of the section and then served from the cache (Flask-Caching: Redis in production, the
worker's memory otherwise). The key holds everything the bytes depend on: the section's
version and the time of its last change (`policy.versions`, bumped in the transaction of
every write the page shows, so the first view after a write renders afresh; the time
keeps a version number reached again after a restore from meaning the old page), the
language, whether the consultation takes feedback today (it flips at midnight without a
write), the kind of reader (`accounts.permissions.viewer_class`: signed out, or role,
suspended and confirmed), the version of the static files (the page links them by
content-hashed names, so a page cached before a deploy must not outlive it), and the path
with its query string.

Readers who are not signed in get the finished page, and its key is the ETag, so a browser
or a proxy in front revalidates with one small query and gets a 304.

Signed-in readers share the page *with holes* (`core.holes`): the CSRF token, which
comments are their own (Edit and Withdraw instead of Agree, Disagree and Report) and what
they endorsed are markers, filled per request from the reader's own rows (`policy.hooks`
personal parts, given by `comments`) and the session's own token. Their page is never
shared when it holds something only they see (their comment awaiting moderation), and it
is sent `no-store`.

Each worker also keeps the pages it served last (`LocalPages`, `SECTION_PAGE_LOCAL_PAGES`
of them), already parsed at their holes: a repeat view then costs no trip to the shared
cache and no parsing, and a signed-in reader's section version and own rows are read in
one statement, because the page (and so which comment ids to ask about) is known before
the version is. The version read decides, as always: a kept page whose key is not the
current one is never used.

Never cached: anyone with a message waiting to be shown (flashes live in the session),
query strings other than the thread's own arguments (nobody fills the cache with made-up
URLs), drafts, and any render that wrote to the session or holds its token.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flask import Response, current_app, g, make_response, request, session
from flask_login import current_user
from sqlalchemy import CompoundSelect, Select, select, true

from consult.accounts.permissions import viewer_class
from consult.core import holes
from consult.core.i18n import current_language
from consult.core.static_files import assets_version
from consult.extensions import cache, db
from consult.policy import hooks
from consult.policy.queries import PUBLIC_STATUSES, is_accepting_feedback
from consult.policy.versions import (
    STATE_WIDTH,
    SectionState,
    section_state,
    state_from_row,
    state_select,
)

# The section page's own arguments; anything else is rendered, never cached.
CACHEABLE_ARGS = frozenset({"sort", "objective", "page"})
MAX_ARG_LENGTH = 40
ANONYMOUS = "anonymous"

Rendered = tuple[str, int]
# (html with holes, status, section id): `views.render_shared_section_page`
Shared = tuple[str, int, int]


@dataclass
class _Kept:
    """A page a worker served, under the key it was current for."""

    key: str
    section_id: int
    body: str | None = None  # signed out: the finished page
    page: holes.Page | None = None  # signed in: the shared page, parsed at its holes
    params: dict[str, Any] = field(default_factory=dict)  # the reader rows' bind values


class LocalPages:
    """The worker's last pages, least recently used first out; thread-safe (gthread)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[str, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, identity: str) -> _Kept | None:
        with self._lock:
            kept = self._items.get(identity)
            if kept is not None:
                self._items.move_to_end(identity)
            return kept

    def put(self, identity: str, kept: _Kept) -> None:
        if self.limit <= 0:
            return
        with self._lock:
            self._items[identity] = kept
            self._items.move_to_end(identity)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def local_pages() -> LocalPages:
    """This app's kept pages in this worker (none when the page cache is off)."""
    found = current_app.extensions.get("consult.local_pages")
    if found is None:
        off = type(cache.cache).__name__ == "NullCache"
        limit = 0 if off else int(current_app.config.get("SECTION_PAGE_LOCAL_PAGES") or 0)
        found = current_app.extensions["consult.local_pages"] = LocalPages(limit)
    return found


def _reader_id() -> int | None:
    return getattr(current_user, "participant_id", None)


def _dialect() -> str:
    return db.engine.dialect.name


def _reader_rows(page: holes.Page, section_id: int) -> list[Sequence[Any]]:
    """The signed-in reader's own rows for this page (`policy.hooks`), in one statement."""
    reader = _reader_id()
    statement = hooks.reader_select(_dialect())
    if reader is None or statement is None:
        return []
    params = {"reader": reader, "section_id": section_id, **hooks.reader_params(page)}
    return list(db.session.execute(statement, params))


def personalise(html: str, section_id: int) -> tuple[str, bool]:
    """The shared page filled for this reader, and whether it may be shared at all."""
    page = holes.parse(html)
    parts = hooks.personal_parts(_reader_rows(page, section_id))
    return page.fill(parts.holes, parts.choices), parts.shareable


@lru_cache(maxsize=8)
def _state_with_reader_rows(reader: Select | CompoundSelect) -> Select:
    """The section's state with the reader's own rows beside it, in one statement: one row
    per reader row (state repeated), or one with empty reader columns when there are none."""
    state = state_select().subquery("state")
    rows = reader.subquery("reader")
    return select(state, rows.c.kind, rows.c.item, rows.c.value).select_from(
        state.outerjoin(rows, true())
    )


def _read_together(
    policy_slug: str, section_slug: str, kept: _Kept
) -> tuple[SectionState | None, list[Sequence[Any]] | None]:
    """(state, the reader's rows for the kept page) in one round trip; rows None when they
    cannot be read with it (nobody to read them for)."""
    reader = _reader_id()
    statement = hooks.reader_select(_dialect())
    if reader is None or statement is None or kept.page is None:
        return section_state(policy_slug, section_slug), None
    params = {
        "policy_slug": policy_slug,
        "section_slug": section_slug,
        "reader": reader,
        "section_id": kept.section_id,
        **kept.params,
    }
    rows = db.session.execute(_state_with_reader_rows(statement), params).all()
    if not rows:
        return None, None
    own = [row[STATE_WIDTH:] for row in rows if row[STATE_WIDTH] is not None]
    return state_from_row(rows[0]), own


def _identity(viewer: str) -> str | None:
    """What the page depends on besides the section's state, or None when this request
    may not be answered from the cache."""
    if session.get("_flashes"):
        return None
    args = request.args
    if not set(args) <= CACHEABLE_ARGS or any(
        len(values) > 1 or len(values[0]) > MAX_ARG_LENGTH for _name, values in args.lists()
    ):
        return None
    return "\x1f".join(
        (viewer, current_language(), request.path, request.query_string.decode("latin-1"))
    )


def _key(identity: str, viewer: str, state: SectionState) -> str:
    accepting = is_accepting_feedback(state)  # type: ignore[arg-type]  # status and dates
    raw = "\x1f".join(
        (
            str(state.section_id),
            str(state.version),
            state.changed_at.isoformat() if state.changed_at else "",
            "1" if accepting else "0",
            assets_version(),  # a deploy that changes a stylesheet links its new name
            identity,
        )
    )
    prefix = "section-page:" if viewer == ANONYMOUS else "section-shared:"
    return prefix + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def _public_headers(response: Response, key: str, state: SectionState) -> Response:
    response.set_etag(key.rsplit(":", 1)[1], weak=True)
    if state.changed_at is not None:
        response.last_modified = state.changed_at
    shared = int(current_app.config.get("SECTION_PAGE_SHARED_MAX_AGE") or 0)
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate" + (
        f", s-maxage={shared}" if shared > 0 else ""
    )
    # The language comes from a cookie or Accept-Language, and a session cookie may mean
    # a signed-in reader: a shared cache must keep those apart.
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def _private(rendered: Rendered) -> Response:
    response = make_response(rendered)
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


def _holds_session_token(html: str) -> bool:
    """Whether this session's CSRF token (raw or signed) got into shared HTML after all."""
    return any(
        token and token in html
        for token in (session.get("csrf_token"), g.get("csrf_token"))
        if isinstance(token, str)
    )


def serve_section_page(
    policy_slug: str, section_slug: str, render: Callable[[], Shared]
) -> Response:
    """The section page: from the cache when it may be, else rendered (and stored when it
    may be shared); filled for a signed-in reader; a 304 when an anonymous reader's copy
    (its ETag) is still the current one."""
    viewer = viewer_class(current_user)
    identity = _identity(viewer)
    if identity is None:
        html, status, section_id = render()
        return _private((personalise(html, section_id)[0], status))
    kept = local_pages().get(identity)
    rows = None
    if kept is not None and viewer != ANONYMOUS:
        state, rows = _read_together(policy_slug, section_slug, kept)
    else:
        state = section_state(policy_slug, section_slug)
    if state is None or state.status not in PUBLIC_STATUSES:
        html, status, section_id = render()  # a 404 (drafts are for administrators only)
        return _private((personalise(html, section_id)[0], status))
    key = _key(identity, viewer, state)
    if kept is not None and kept.key != key:
        kept = rows = None  # a page of an older version: never shown
    if viewer != ANONYMOUS:
        return _serve_shared(identity, key, state, kept, rows, render)
    etag = key.rsplit(":", 1)[1]
    # Only the ETag decides a 304: Last-Modified cannot tell two languages apart.
    if request.if_none_match and request.if_none_match.contains_weak(etag):
        return _public_headers(Response(status=304), key, state)
    body = kept.body if kept is not None else cache.get(key)
    if body is None:
        shared, status, section_id = render()
        html, shareable = personalise(shared, section_id)
        if not shareable or status != 200 or session.modified or session.get("_flashes"):
            return _private((html, status))  # something personal got into this one
        body = html
        cache.set(key, body)
    if kept is None:
        local_pages().put(identity, _Kept(key, state.section_id, body=body))
    return _public_headers(Response(body, mimetype="text/html"), key, state)


def _serve_shared(
    identity: str,
    key: str,
    state: SectionState,
    kept: _Kept | None,
    rows: list[Sequence[Any]] | None,
    render: Callable[[], Shared],
) -> Response:
    """A signed-in reader's page: the shared page of their kind, filled for them."""
    page = kept.page if kept is not None else None
    if page is None:
        found = cache.get(key)
        if found is not None:
            page = holes.parse(found)
    if page is not None:
        if rows is None:
            rows = _reader_rows(page, state.section_id)
        parts = hooks.personal_parts(rows)
        if parts.shareable:
            if kept is None:
                params = hooks.reader_params(page)
                local_pages().put(identity, _Kept(key, state.section_id, page=page, params=params))
            return _private((page.fill(parts.holes, parts.choices), 200))
    shared, status, section_id = render()
    page = holes.parse(shared)
    parts = hooks.personal_parts(_reader_rows(page, section_id))
    if (
        parts.shareable
        and status == 200
        and not session.get("_flashes")
        and not _holds_session_token(shared)
    ):
        cache.set(key, shared)
        params = hooks.reader_params(page)
        local_pages().put(identity, _Kept(key, section_id, page=page, params=params))
    return _private((page.fill(parts.holes, parts.choices), status))
