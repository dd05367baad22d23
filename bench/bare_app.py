"""The framework limit for B1: a bare Flask app returning the same bytes as Consult's page.

The pages are read once from `BARE_PAGES` (a JSON file {name: text} written by
`bench/b1_section_page.py`) and served at `/<name>` through one Jinja loop over their lines,
so a request costs routing, one template render and the response, and nothing else.

    BARE_PAGES=pages.json gunicorn -w 2 bench.bare_app:app
"""

from __future__ import annotations

import json
import os

from flask import Flask, abort, render_template_string
from markupsafe import Markup

app = Flask(__name__)
_PAGES: dict[str, list[Markup]] = {}
_TEMPLATE = "{% for line in lines %}{{ line }}{% endfor %}"

with open(os.environ["BARE_PAGES"], encoding="utf-8") as handle:
    for name, body in json.load(handle).items():
        # Markup: the bytes are already HTML; escaping them would change them.
        _PAGES[name] = [Markup(line) for line in body.splitlines(keepends=True)]


@app.get("/<name>")
def page(name: str):
    lines = _PAGES.get(name)
    if lines is None:
        abort(404)
    return render_template_string(_TEMPLATE, lines=lines)
