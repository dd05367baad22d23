"""The one sanitiser for user text: Markdown without raw HTML, then a bleach allow-list.

Two layers on purpose: markdown-it never emits raw HTML from the source and refuses
`javascript:`-style links; bleach then keeps only the tags and attributes below, whatever
the renderer produced. This is the ONLY module that imports bleach, so replacing it (its
upstream no longer releases) touches one file, and the XSS corpus tests this module.
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial
from html import unescape

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


_ANCHOR = re.compile(r"<a\s[^>]*>.*?</a>", re.S)
_TAG = re.compile(r"<[^>]+>")
_URL_TEXT = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*://|(?<![\w.])www\.)[^\s<>]+")


def count_links(source: str) -> int:
    """How many links a comment's Markdown shows, plus URLs it writes out without one.

    Counted on the rendered source, so every link readers could click counts once: inline
    and reference links, autolinks, and the bare URLs and domains the linkifier turns into
    links (a link whose text is its URL is one link). Then, in the text outside those
    links (code included, and after NFKC so fullwidth letters do not hide one), anything
    written as `scheme://…` or `www.…` counts too: the linkifier only knows some top-level
    domains, and a URL in code is still there to be copied.
    """
    html = render_markdown(source)
    anchors = sum(1 for a in _ANCHOR.findall(html) if " href=" in a.split(">", 1)[0])
    rest = unicodedata.normalize("NFKC", unescape(_TAG.sub(" ", _ANCHOR.sub(" ", html))))
    return anchors + len(_URL_TEXT.findall(rest))


def clean_html(html: str) -> str:
    """Sanitise HTML that did not come from our renderer (imports, legacy data)."""
    return _cleaner.clean(html).strip()


def safe(html: str) -> Markup:
    """Mark sanitiser output as safe for templates: the one way user HTML reaches a page."""
    return Markup(html)
