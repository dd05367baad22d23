"""DESIGN §4 budgets: CSS and JavaScript under 30 KB each, before gzip; no web fonts."""

from __future__ import annotations

from consult import ROOT

STATIC = ROOT / "static"


def test_css_under_30_kb():
    total = sum(p.stat().st_size for p in STATIC.rglob("*.css"))
    assert total <= 30 * 1024, f"{total} bytes of CSS"


def test_javascript_under_30_kb():
    total = sum(p.stat().st_size for p in STATIC.rglob("*.js"))
    assert total <= 30 * 1024, f"{total} bytes of JavaScript"


def test_no_web_fonts_or_remote_assets():
    fonts = [p for p in STATIC.rglob("*") if p.suffix in {".woff", ".woff2", ".ttf", ".otf"}]
    assert fonts == []
    css = (STATIC / "css" / "app.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and "url(http" not in css and "@import" not in css


def test_pages_load_only_local_assets(client, nsp):
    import re

    for url in (
        "/",
        "/policies/nsp-2022-2026/sections/defence",
        "/policies/nsp-2022-2026/sections/defence/survey",
    ):
        html = client.get(url).get_data(as_text=True)
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not ref.startswith(("http://", "https://", "//")), (url, ref)
