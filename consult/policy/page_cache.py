"""The rendered section page, cached per version and shared by readers of one kind.

Most readers of a busy consultation see the same page, so it is rendered once per version
of the section and then served from the cache (Flask-Caching: Redis in production, the
worker's memory otherwise). The key holds everything the bytes depend on: the section's
version (`policy.versions`, bumped in the transaction of every write the page shows, so
the first view after a write renders afresh), the language, whether the consultation takes
feedback today (it flips at midnight without a write), the kind of reader
(`accounts.permissions.viewer_class`: signed out, or role, suspended and confirmed), the
version of the static files (the page links them by content-hashed names, so a page cached
before a deploy must not outlive it), and the path with its query string.

Readers who are not signed in get the finished page, and its key is the ETag, so a browser
or a proxy in front revalidates with one small query and gets a 304.

Signed-in readers share the page *with holes* (`core.holes`): the CSRF token, which
comments are their own (Edit and Withdraw instead of Agree, Disagree and Report) and what
they endorsed are markers, filled per request from one small query
(`comments.panel.personal_parts`) and the session's own token. Their page is never shared
when it holds something only they see (their comment awaiting moderation), and it is sent
`no-store`.

Never cached: anyone with a message waiting to be shown (flashes live in the session),
query strings other than the thread's own arguments (nobody fills the cache with made-up
URLs), drafts, and any render that wrote to the session or holds its token.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, current_app, g, make_response, request, session
from flask_login import current_user

from consult.accounts.permissions import viewer_class
from consult.core import holes
from consult.core.i18n import current_language
from consult.core.static_files import assets_version
from consult.extensions import cache
from consult.policy.hooks import personal_parts
from consult.policy.queries import PUBLIC_STATUSES, is_accepting_feedback
from consult.policy.versions import SectionState, section_state

# The section page's own arguments; anything else is rendered, never cached.
CACHEABLE_ARGS = frozenset({"sort", "objective", "page"})
MAX_ARG_LENGTH = 40

Rendered = tuple[str, int]
# (html with holes, status, section id): `views.render_shared_section_page`
Shared = tuple[str, int, int]


def personalise(html: str, section_id: int) -> tuple[str, bool]:
    """The shared page filled for this reader, and whether it may be shared at all."""
    parts = personal_parts(html, section_id)
    return holes.fill(html, parts.holes, parts.choices), parts.shareable


def _key(policy_slug: str, section_slug: str, viewer: str) -> tuple[str, SectionState] | None:
    """(key, state) when this request may be answered from the cache, else None."""
    if session.get("_flashes"):
        return None
    args = request.args
    if not set(args) <= CACHEABLE_ARGS or any(
        len(values) > 1 or len(values[0]) > MAX_ARG_LENGTH for _name, values in args.lists()
    ):
        return None
    state = section_state(policy_slug, section_slug)
    if state is None or state.status not in PUBLIC_STATUSES:
        return None  # the full path answers 404 (drafts are for administrators only)
    accepting = is_accepting_feedback(state)  # type: ignore[arg-type]  # status and dates
    raw = "\x1f".join(
        (
            str(state.section_id),
            str(state.version),
            current_language(),
            "1" if accepting else "0",
            assets_version(),  # a deploy that changes a stylesheet links its new name
            viewer,
            request.path,
            request.query_string.decode("latin-1"),
        )
    )
    prefix = "section-page:" if viewer == "anonymous" else "section-shared:"
    return prefix + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40], state


def _public_headers(response: Response, key: str, state) -> Response:
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
    found = _key(policy_slug, section_slug, viewer)
    if found is None:
        html, status, section_id = render()
        return _private((personalise(html, section_id)[0], status))
    key, state = found
    if viewer != "anonymous":
        return _serve_shared(key, state.section_id, render)
    etag = key.rsplit(":", 1)[1]
    # Only the ETag decides a 304: Last-Modified cannot tell two languages apart.
    if request.if_none_match and request.if_none_match.contains_weak(etag):
        return _public_headers(Response(status=304), key, state)
    body = cache.get(key)
    if body is None:
        shared, status, section_id = render()
        html, shareable = personalise(shared, section_id)
        if not shareable or status != 200 or session.modified or session.get("_flashes"):
            return _private((html, status))  # something personal got into this one
        body = html
        cache.set(key, body)
    return _public_headers(Response(body, mimetype="text/html"), key, state)


def _serve_shared(key: str, section_id: int, render: Callable[[], Shared]) -> Response:
    """A signed-in reader's page: the shared page of their kind, filled for them."""
    shared = cache.get(key)
    if shared is not None:
        parts = personal_parts(shared, section_id)
        if parts.shareable:
            return _private((holes.fill(shared, parts.holes, parts.choices), 200))
    shared, status, section_id = render()
    parts = personal_parts(shared, section_id)
    if (
        parts.shareable
        and status == 200
        and not session.get("_flashes")
        and not _holds_session_token(shared)
    ):
        cache.set(key, shared)
    return _private((holes.fill(shared, parts.holes, parts.choices), status))
