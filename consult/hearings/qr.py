"""The projector's QR code: an inline SVG made on the server with segno.

Inline, so the projector page needs no image request and works on a hall's weak network;
without `style=` attributes (segno writes presentation attributes only), so the strict
Content-Security-Policy (`style-src 'self'`) has nothing to block; with a `<title>` and
`role="img"`, so screen readers announce what it is.
"""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(data: str, title: str) -> Markup:
    """An SVG QR code of `data` (a join URL), scaled by CSS (class `qr`), titled `title`."""
    code = segno.make(data, error="m")
    svg = code.svg_inline(
        scale=8,
        border=4,
        title=title,
        omitsize=True,
        svgclass="qr",
        lineclass="qr-line",
        dark="#000",
        light="#fff",
    )
    # segno escapes the title; the image role makes screen readers announce it.
    svg = svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)
    return Markup(svg)  # noqa: S704 - segno's SVG: no user text but the escaped title
