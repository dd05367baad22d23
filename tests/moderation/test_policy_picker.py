"""The policy picker on admin pages: shown only when there is a choice, current one selected."""

from __future__ import annotations

import pytest

from consult.extensions import db
from consult.policy.models import Policy

PAGES = [
    "/moderation/themes?policy=nsp-2022-2026",
    "/moderation/responses?policy=nsp-2022-2026",
    "/hearings/new?policy=nsp-2022-2026",
]


@pytest.mark.parametrize("url", PAGES)
def test_the_picker_lists_every_policy_with_the_current_one_selected(client, nsp, login_as, url):
    login_as("admin")
    assert "Choose a policy" not in client.get(url).get_data(as_text=True)  # only one policy
    db.session.add(Policy(slug="water-2030", title={"en": "Water Policy"}, status="open"))
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert 'aria-label="Choose a policy"' in page
    assert '<option value="nsp-2022-2026" selected>' in page
    assert '<option value="water-2030">Water Policy</option>' in page
