"""Holes in shared HTML: render a page once for many readers, fill in each one's own parts.

A signed-in section page is the same for every reader of one kind (role, suspended,
confirmed) except for a few small parts: the CSRF token in its forms, which of the
comments are the reader's own (their own get Edit and Withdraw, the others' get Agree,
Disagree and Report), and which the reader already agreed or disagreed with. Templates
rendered inside `shared()` write those parts as markers; the rendered HTML can then be
cached and shared. `parse` splits it at its markers once (a `Page`), and `Page.fill` puts
the reader's own values in, per request, by joining the pieces: no template render and
no regular expression on the way to a reader.

Markers are HTML comments carrying a token derived from `SECRET_KEY`, so text a user
writes cannot forge one: escaped text has no `<!--`, the sanitizer strips comments from
comment bodies, and nobody outside knows the token anyway. `parse` refuses HTML with a
marker that is not a whole hole or choice, and `Page.fill` one that nobody fills.

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
from dataclasses import dataclass
from itertools import chain

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


@dataclass(frozen=True, slots=True)
class _Hole:
    name: str
    arg: str


@dataclass(frozen=True, slots=True)
class _Choice:
    name: str
    arg: str
    others: tuple[str | _Hole, ...]  # shown when the choice is false
    own: tuple[str | _Hole, ...]  # shown when it is true


class Page:
    """Shared HTML split once at its markers, so filling it for a reader is one join.

    A cached page is filled on every view; parsing it once (`parse`) and keeping the
    result beside the cache entry (`policy.page_cache`) takes the regular expressions off
    the per-request path.
    """

    __slots__ = ("parts", "size")

    def __init__(self, parts: tuple[str | _Hole | _Choice, ...], size: int) -> None:
        self.parts = parts
        self.size = size  # characters of the shared HTML: what keeping it costs

    def args(self, name: str) -> list[str]:
        """The arguments of every choice named `name` (e.g. the page's comment ids)."""
        return [p.arg for p in self.parts if type(p) is _Choice and p.name == name]

    def fill(
        self,
        holes: Mapping[str, Callable[[str], str]],
        choices: Mapping[str, Callable[[str], bool]],
    ) -> str:
        """This page with every choice decided and every hole filled for this reader.

        The CSRF hole is always this session's real token (made once per fill). Values
        from `holes` are escaped. A hole or choice nobody fills is an error, never sent.
        """
        out: list[str] = []
        csrf: list[str] = []

        def put(item: str | _Hole) -> None:
            if type(item) is str:
                out.append(item)
            elif item.name == CSRF:
                if not csrf:
                    csrf.append(str(escape(generate_csrf())))
                out.append(csrf[0])
            else:
                filler = holes.get(item.name)
                if filler is None:
                    raise LookupError(f"no filler for the hole {item.name!r}")
                out.append(str(escape(filler(item.arg))))

        for part in self.parts:
            if type(part) is not _Choice:
                put(part)
                continue
            decider = choices.get(part.name)
            if decider is None:
                raise LookupError(f"no filler for the choice {part.name!r}")
            for item in part.own if decider(part.arg) else part.others:
                put(item)
        return "".join(out)


def _split_holes(text: str, pattern: re.Pattern) -> tuple[str | _Hole, ...]:
    out: list[str | _Hole] = []
    at = 0
    for m in pattern.finditer(text):
        if m.start() > at:
            out.append(text[at : m.start()])
        out.append(_Hole(m.group(1), m.group(2)))
        at = m.end()
    if at < len(text):
        out.append(text[at:])
    return tuple(out)


def parse(html: str) -> Page:
    """`html` split at its markers; a marker that is not a whole hole or choice (a choice
    without its end, say) is an error here, so it can never reach a reader."""
    patterns = _patterns()
    hole = patterns["hole"]
    parts: list[str | _Hole | _Choice] = []
    at = 0
    for m in patterns["choice"].finditer(html):
        parts.extend(_split_holes(html[at : m.start()], hole))
        parts.append(
            _Choice(
                m.group(1),
                m.group(2),
                _split_holes(m.group(3), hole),
                _split_holes(m.group(4), hole),
            )
        )
        at = m.end()
    parts.extend(_split_holes(html[at:], hole))
    marker = f"<!--{patterns['token']}:"
    texts = chain.from_iterable((p.others + p.own) if type(p) is _Choice else (p,) for p in parts)
    if any(type(t) is str and marker in t for t in texts):
        raise LookupError("a marker was left in the page")
    return Page(tuple(parts), len(html))


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
