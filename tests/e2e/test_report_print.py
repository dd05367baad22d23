"""The report prints as a clean A4 document: checked by printing it to PDF in Chromium.

Two kinds of evidence. In print media at the width of an A4 page's printable area, no
chart or table reaches past the page edge or hides behind a scroll box (a printed page
cannot scroll), and rows, charts and quotes are marked unbreakable. Then the PDF Chromium
prints is read back: A4 pages, every section of the report present in its text.
"""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from consult.datagen import SCALES, generate
from consult.extensions import db
from consult.policy.queries import get_policy
from tests.e2e.conftest import log_in
from tests.factories import make_user

pytestmark = pytest.mark.e2e

REPORT = "/policies/nsp-2022-2026/report"
# A4 is 210 mm wide; the report's @page margins leave 186 mm, 703 CSS pixels at 96 per inch.
PRINTABLE_WIDTH_PX = 703
A4_POINTS = (595.3, 841.9)

OVERFLOW = """() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const out = [];
  for (const el of document.querySelectorAll('main svg, main table, main figure, main img')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.left < -0.5 || r.right > limit) out.push(`${el.tagName} ${el.id} ${r.left}..${r.right}`);
  }
  for (const el of document.querySelectorAll('main .table-scroll')) {
    const name = el.getAttribute('aria-labelledby');
    if (el.scrollWidth > el.clientWidth + 1) out.push(`scroll box ${name}`);
  }
  if (document.documentElement.scrollWidth > limit) out.push('page scrolls sideways');
  return out;
}"""

BREAKABLE = """() => [
  ...document.querySelectorAll('main tr, main .report-chart, main .report-quote')]
  .filter(el => getComputedStyle(el).breakInside !== 'avoid')
  .map(el => el.tagName + '.' + el.className)"""


@pytest.fixture
def report_data(live_app):
    """A small generated consultation: every chart and table of the report has rows."""
    with live_app.app_context():
        generate(get_policy("nsp-2022-2026"), SCALES["tiny"], 7, echo=lambda _: None)
        moderator = make_user(role="moderator", name="Print Moderator")
        db.session.commit()
        email = moderator.email
        db.session.remove()
    return email


@pytest.mark.parametrize("language", ["en", "ur"])
def test_report_prints_on_a4_without_clipping(page: Page, live_server, report_data, language):
    log_in(page, live_server, report_data)
    page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page.set_viewport_size({"width": PRINTABLE_WIDTH_PX, "height": 1000})
    response = page.goto(live_server + REPORT)
    assert response is not None and response.status == 200
    page.emulate_media(media="print")

    assert page.locator("main svg.chart").count() >= 8, "the generated data draws every chart"
    assert page.evaluate(OVERFLOW) == []
    assert page.evaluate(BREAKABLE) == []
    assert not page.locator("form.report-filters").is_visible(), "the filter form is not printed"

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert len(pdf.pages) >= 2
    for sheet in pdf.pages:
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
    text = "\n".join(sheet.extract_text() for sheet in pdf.pages)
    # Every objective's row, first section to last, made it onto paper (the keys are Latin
    # in both languages; PDF text of Urdu comes back in presentation forms).
    keys = set(page.locator("main .report-section tbody th").all_inner_texts())
    objective_keys = {k.strip() for k in keys if "-" in k}
    assert len(objective_keys) >= 20
    assert {k for k in objective_keys if k not in text} == set()
    if language == "en":
        # Download and publish forms are screen-only (display: none in print); every
        # heading that is shown in print media must reach the paper.
        printed = page.locator("main h2").evaluate_all(
            "hs => hs.filter(h => h.offsetParent !== null).map(h => h.innerText)"
        )
        assert len(printed) >= 5
        for heading in printed:
            assert heading.strip() in text, f"{heading!r} missing from the printed report"
