"""Holes in shared HTML: render a page once for many readers, fill in each one's own parts.

A signed-in section page is the same for every reader of one kind (role, suspended,
confirmed) except for a few small parts: the CSRF token in its forms, which of the
comments are the reader's own (their own get Edit and Withdraw, the others' get Agree,
Disagree and Report), and which the reader already agreed or disagreed with. Templates
rendered inside `shared()` write those parts as markers; the rendered HTML can then be
cached and shared, and `fill` puts the reader's own values in, per request, in two
regular-expression passes instead of a template render.

Markers are HTML comments carrying a token derived from `SECRET_KEY`, so text a user
writes cannot forge one: escaped text has no `<!--`, the sanitizer strips comments from
comment bodies, and nobody outside knows the token anyway. `fill` refuses to hand back
HTML that still holds a marker it does not know.

Two kinds:
- a hole `mark(name, arg)`: replaced by `holes[name](arg)`, e.g. the CSRF token;
- a choice `choose(name, arg)` A `otherwise()` B `end()`: replaced by A, or by B when
  `choices[name](arg)` is true (one's own comment). Choices do not nest.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from flask import Flask, current_app, g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

CSRF = "csrf"
_ARG = r"[\w.]*"


def token() -> str:
    """The app's marker token: the same in every worker and server sharing SECRET_KEY."""
    found = current_app.extensions.get("consult_holes")
    if found is None:
        secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
        digest = hmac.new(secret, b"consult shared-html holes", hashlib.sha256).hexdigest()
        found = current_app.extensions["consult_holes"] = {
            "token": "h" + digest[:20],
        }
        t = found["token"]
        found["choice"] = re.compile(
            rf"<!--{t}:\?(\w+):({_ARG})-->(.*?)<!--{t}:\|-->(.*?)<!--{t}:/-->", re.DOTALL
        )
        found["hole"] = re.compile(rf"<!--{t}:(\w+):({_ARG})-->")
    return found["token"]


def _patterns() -> dict:
    token()
    return current_app.extensions["consult_holes"]


def _name(name: str) -> str:
    if not re.fullmatch(r"\w+", name):
        raise ValueError(f"a hole's name is letters, digits and _ only: {name!r}")
    return name


def _check(arg: object) -> str:
    text = str(arg)
    if not re.fullmatch(_ARG, text):
        raise ValueError(f"a hole's argument is letters, digits, _ and . only: {text!r}")
    return text


def _marker(body: str) -> Markup:
    # Only the hex token and names and arguments checked against [\w.]: no user text.
    return Markup(f"<!--{token()}:{body}-->")  # noqa: S704


def mark(name: str, arg: object = "") -> Markup:
    """A hole for `name` (with `arg`, e.g. a comment id), filled per reader by `fill`."""
    return _marker(f"{_name(name)}:{_check(arg)}")


def choose(name: str, arg: object) -> Markup:
    """Start a choice: what follows is shown unless `choices[name](arg)` is true."""
    return _marker(f"?{_name(name)}:{_check(arg)}")


def otherwise() -> Markup:
    """What follows, up to `end()`, is shown instead when the choice is true."""
    return _marker("|")


def end() -> Markup:
    """The end of a choice."""
    return _marker("/")


def is_shared() -> bool:
    """Whether the template being rendered will be shared (per-person parts as holes)."""
    return bool(g.get("_consult_shared_render"))


@contextmanager
def shared() -> Iterator[None]:
    """Render for sharing: `csrf_token()` in templates writes a hole, not this session's
    token, so the HTML holds nothing of the session it was rendered in."""
    before = g.get("_consult_shared_render", False)
    g._consult_shared_render = True
    try:
        yield
    finally:
        g._consult_shared_render = before


def csrf_token() -> str:
    """The template global `csrf_token()`: this session's token, or a hole when shared."""
    return mark(CSRF) if is_shared() else generate_csrf()


def args_of(html: str, name: str) -> list[str]:
    """The arguments of every choice named `name` in `html` (e.g. the comment ids)."""
    return [m.group(2) for m in _patterns()["choice"].finditer(html) if m.group(1) == name]


def fill(
    html: str,
    holes: Mapping[str, Callable[[str], str]],
    choices: Mapping[str, Callable[[str], bool]],
) -> str:
    """`html` with every choice decided and every hole filled for this reader.

    The CSRF hole is always this session's real token. Values from `holes` are escaped.
    A marker left over (a hole or choice nobody fills) is an error, never sent.
    """
    patterns = _patterns()

    def decide(m: re.Match) -> str:
        decider = choices.get(m.group(1))
        if decider is None:
            raise LookupError(f"no filler for the choice {m.group(1)!r}")
        return m.group(4) if decider(m.group(2)) else m.group(3)

    def put(m: re.Match) -> str:
        name = m.group(1)
        if name == CSRF:
            return str(escape(generate_csrf()))
        filler = holes.get(name)
        if filler is None:
            raise LookupError(f"no filler for the hole {name!r}")
        return str(escape(filler(m.group(2))))

    out = patterns["hole"].sub(put, patterns["choice"].sub(decide, html))
    if f"<!--{patterns['token']}:" in out:
        raise LookupError("a marker was left in the page")
    return out


def init_app(app: Flask) -> None:
    """Serve `csrf_token()` to templates through `csrf_token` above.

    Flask-WTF puts its own in the Jinja globals *and* in a context processor; ours are
    registered after it (create_app wires extensions first), and a later context
    processor wins, so no template reaches `generate_csrf` directly.
    """
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["holes"] = _TemplateHoles()
    app.context_processor(lambda: {"csrf_token": csrf_token})


class _TemplateHoles:
    """`holes.mark(…)`, `holes.choose(…)`, `holes.otherwise()`, `holes.end()` in templates."""

    mark = staticmethod(mark)
    choose = staticmethod(choose)
    otherwise = staticmethod(otherwise)
    end = staticmethod(end)
