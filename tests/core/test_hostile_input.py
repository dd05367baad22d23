"""Out-of-range numbers and undecodable text get a 4xx, never a 500 (F5), and enumerated
query arguments are allow-listed (F10).

The property tests send what the probe sent (ids past 2**63, page numbers past any offset,
lone surrogates in JSON strings) and whatever else Hypothesis finds near them.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.extensions import db
from tests.factories import make_comment, make_user, survey_of
from tests.helpers import bearer_for

SECTION = "/policies/nsp-2022-2026/sections/defence"
API_SECTION = "/api/v1" + SECTION
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

huge_ints = st.one_of(
    st.integers(min_value=2**31 - 2, max_value=2**31 + 2),
    st.integers(min_value=2**31, max_value=10**30),
    st.integers(min_value=-(10**30), max_value=0),
    st.sampled_from([2**63 - 1, 2**63, 99999999999999999999999, 4769427362376868429824]),
)
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(max_size=20).map(lambda s: s + "\ud800"),
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "\ufffd", "<b>x</b>", "1e400"]),
)
json_numbers = st.one_of(
    huge_ints,
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-1.18e22, 1e400, float("nan")]),
)


@pytest.fixture
def bearer(app, nsp):
    return bearer_for(make_user())


def _is_json_error(response) -> bool:
    body = response.get_json(silent=True) or {}
    error = body.get("error", {})
    return {"code", "message", "fields"} <= set(error)


def _refused_cleanly(response, api: bool = True) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if api and response.status_code >= 400:
        assert _is_json_error(response), response.get_data(as_text=True)[:500]


@FUZZ
@given(comment_id=huge_ints)
def test_ids_out_of_range_in_urls(client, bearer, comment_id):
    for method, url, kwargs in (
        ("get", f"/api/v1/surveys/{comment_id}", {}),
        ("get", f"/api/v1/surveys/{comment_id}/results", {}),
        ("post", f"/api/v1/comments/{comment_id}/flags", {"json": {"reason": "spam"}}),
        ("post", f"/api/v1/comments/{comment_id}/endorsements", {"json": {"value": "agree"}}),
        ("patch", f"/api/v1/comments/{comment_id}", {"json": {"body": "x"}}),
    ):
        response = getattr(client, method)(url, headers=bearer, **kwargs)
        _refused_cleanly(response)
        assert response.status_code in (404, 405)
    html = client.get(f"/comments/{comment_id}")
    assert html.status_code == 404 and "text/html" in html.content_type


@FUZZ
@given(page=st.one_of(huge_ints.map(str), st.text(max_size=12)))
def test_page_numbers_out_of_range(client, nsp, page):
    api = client.get(API_SECTION + "/comments", query_string={"page": page})
    _refused_cleanly(api)
    html = client.get(SECTION, query_string={"page": page})
    _refused_cleanly(html, api=False)
    assert {api.status_code, html.status_code} <= {200, 422}


@FUZZ
@given(value=json_numbers)
def test_numbers_out_of_range_in_bodies(client, bearer, value):
    response = client.post(
        API_SECTION + "/comments", json={"body": "A reply", "parent_id": value}, headers=bearer
    )
    _refused_cleanly(response)
    assert response.status_code in (404, 422)


@FUZZ
@given(text=hostile_text)
def test_undecodable_text_in_bodies(client, bearer, text):
    comment = db.session.get(type(make_comment()), make_comment().id)
    db.session.commit()
    survey = survey_of("defence")
    for url, body in (
        (API_SECTION + "/comments", {"body": text}),
        (f"/api/v1/comments/{comment.id}/flags", {"reason": "other", "note": text}),
        (f"/api/v1/surveys/{survey.id}/responses", {"answers": {"missing": text}}),
        (API_SECTION + "/comments", {"body": "fine", "stance": text}),
    ):
        response = client.post(url, json=body, headers=bearer)
        _refused_cleanly(response)


def test_a_lone_surrogate_gets_422_naming_the_field(client, bearer):
    response = client.post(API_SECTION + "/comments", json={"body": "hi \ud800"}, headers=bearer)
    assert response.status_code == 422
    assert "body" in response.json["error"]["fields"]


def test_the_probes_exact_requests(client, bearer):
    assert client.get("/api/v1/surveys/99999999999999999999999").status_code == 404
    assert client.get(API_SECTION + "/comments?page=9223372036854775807").status_code == 422
    bad = client.post(
        API_SECTION + "/comments", json={"body": "x", "parent_id": -1.18e22}, headers=bearer
    )
    assert bad.status_code == 422 and bad.json["error"]["fields"] == {
        "parent_id": "Number out of range."
    }
    flags = client.post(
        "/api/v1/comments/4769427362376868429824/flags", json={"reason": "spam"}, headers=bearer
    )
    assert flags.status_code == 404 and _is_json_error(flags)
    assert client.get("/comments/4769427362376868429824").status_code == 404


# --- F10 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (API_SECTION + "/comments?sort=best", "sort"),
        ("/api/v1/policies?lang=fr", "lang"),
        ("/api/v1/policies/nsp-2022-2026?lang=xx", "lang"),
        ("/api/v1/policies/nsp-2022-2026/surveys?lang=de", "lang"),
    ],
)
def test_unknown_enumerated_values_get_422_with_the_allowed_ones(client, nsp, url, name):
    response = client.get(url)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == [name]
    assert "must be one of" in response.json["error"]["message"]


def test_allowed_values_still_work(client, nsp):
    for sort in ("new", "old", "top"):
        assert client.get(API_SECTION + f"/comments?sort={sort}").status_code == 200
        assert client.get(SECTION + f"?sort={sort}").status_code == 200
    assert client.get("/api/v1/policies?lang=ur").status_code == 200


def test_html_page_refuses_an_unknown_sort_with_the_allowed_values(client, nsp):
    response = client.get(SECTION + "?sort=best")
    assert response.status_code == 422
    assert "sort must be one of: new, old, top." in response.get_data(as_text=True)
    assert client.get(SECTION + "?objective=XX-9").status_code == 404


def test_raw_html_in_a_body_is_kept_as_text_as_documented(client, bearer):
    """docs/api.md: raw HTML is not rendered; it is stored as typed and shown escaped."""
    response = client.post(
        API_SECTION + "/comments",
        json={"body": "I <b>agree</b> <script>x</script>"},
        headers=bearer,
    )
    assert response.status_code == 201
    assert response.json["body"] == "I <b>agree</b> <script>x</script>"
    assert "<b>" not in response.json["body_html"] and "<script>" not in response.json["body_html"]
    assert "&lt;b&gt;agree&lt;/b&gt;" in response.json["body_html"]
