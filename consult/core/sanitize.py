"""The one sanitiser for user text: Markdown without raw HTML, then a bleach allow-list.

Two layers on purpose: markdown-it never emits raw HTML from the source and refuses
`javascript:`-style links; bleach then keeps only the tags and attributes below, whatever
the renderer produced. This is the ONLY module that imports bleach, so replacing it (its
upstream no longer releases) touches one file, and the XSS corpus tests this module.
"""

from __future__ import annotations

import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter, build_url_re
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre", "a"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False}
).disable(["image", "html_inline", "html_block", "heading", "lheading", "hr"])


def _set_rel(attrs: dict, new: bool = False) -> dict | None:
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    # The linkifier runs after the allow-list, so it must be told the same protocols, or
    # bare `ftp://…` or `data://…` text would become links.
    filters=[
        partial(
            LinkifyFilter,
            callbacks=[_set_rel],
            skip_tags={"pre", "code"},
            url_re=build_url_re(protocols=ALLOWED_PROTOCOLS),
        )
    ],
)


def render_markdown(source: str) -> str:
    """Render user Markdown to safe HTML (stored beside the source at write time)."""
    return _cleaner.clean(_markdown.render(source)).strip()


_ANCHOR = re.compile(r"<a\s[^>]*\bhref=")
_CODE = re.compile(r"<code>(.*?)</code>", re.S)
_CODE_URL = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*://|(?<![\w.])www\.)[^\s<]+")


def count_links(source: str) -> int:
    """How many links a comment's Markdown would show, plus URLs written inside code.

    Counted on the rendered source, so it is exactly what readers could click: inline and
    reference links, autolinks, and the bare URLs and domains (`www.x.org`, `x.org`) the
    linkifier turns into links; a link whose text is its URL counts once. Links inside
    code are not clickable but are there to be copied, so a URL or `www.` there counts too.
    """
    html = render_markdown(source)
    inside_code = sum(len(_CODE_URL.findall(code)) for code in _CODE.findall(html))
    return len(_ANCHOR.findall(html)) + inside_code


def clean_html(html: str) -> str:
    """Sanitise HTML that did not come from our renderer (imports, legacy data)."""
    return _cleaner.clean(html).strip()


def safe(html: str) -> Markup:
    """Mark sanitiser output as safe for templates: the one way user HTML reaches a page."""
    return Markup(html)
