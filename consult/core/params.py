"""Query arguments, read the same way by pages and the API: allow-listed, bounded (F5, F10).

An unknown `sort` or `lang` used to be replaced silently by the default, so a typo in a
link or a script went unnoticed; a page number past the database's integer range crashed.
Now each gets a 422 that names what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from consult.errors import ValidationError

# Primary keys are 32-bit on PostgreSQL; a larger id in a URL can name nothing.
DB_INT_MAX = 2**31 - 1
MAX_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: ids beyond the database's range do not match (404, not 500)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 (Werkzeug's name)
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def int_arg(name: str, default: int, minimum: int = 1, maximum: int = MAX_PAGE) -> int:
    """A whole number from the query string, within [minimum, maximum], else 422."""
    raw = request.args.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    if not raw.lstrip("-").isdigit() or len(raw) > 12:
        raise ValidationError(
            _(
                "%(name)s must be a whole number from %(min)d to %(max)d.",
                name=name,
                min=minimum,
                max=maximum,
            ),
            {name: _("Not a whole number in range.")},
        )
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ValidationError(
            _(
                "%(name)s must be a whole number from %(min)d to %(max)d.",
                name=name,
                min=minimum,
                max=maximum,
            ),
            {name: _("Out of range.")},
        )
    return value


def choice_arg(name: str, allowed: Iterable[str], default: str) -> str:
    """One of `allowed` from the query string; anything else is refused with the list."""
    options = tuple(allowed)
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw not in options:
        raise ValidationError(
            _("%(name)s must be one of: %(allowed)s.", name=name, allowed=", ".join(options)),
            {name: _("One of: %(allowed)s.", allowed=", ".join(options))},
        )
    return raw
