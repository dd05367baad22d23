"""Curation: themes (create, rename, merge, retire), tags, featured quotes, private notes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.core.audit import AuditEntry, verify_chain
from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.moderation import curation, queries, services
from consult.moderation.models import CommentTheme, FeaturedQuote, ModeratorNote, Theme
from consult.moderation.services import Selection
from consult.policy.models import Policy
from tests.factories import make_comment, make_user
from tests.helpers import assert_redirect, bearer_for, count_rows

SECTION = "/policies/nsp-2022-2026/sections/national-cohesion"


@pytest.fixture
def moderator(app, nsp):
    return make_user(role="moderator")


@pytest.fixture
def policy(nsp):
    return db.session.scalar(select(Policy).where(Policy.slug == "nsp-2022-2026"))


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _tags(theme: Theme) -> set[int]:
    return set(
        db.session.scalars(select(CommentTheme.comment_id).where(CommentTheme.theme_id == theme.id))
    )


# --- themes -----------------------------------------------------------------------------


def test_theme_names_are_unique_per_policy_whatever_their_case(moderator, policy):
    theme = curation.create_theme(moderator, policy, "  Water   security ", "Dams, sharing")
    assert (theme.name, theme.name_key) == ("Water security", "water security")
    with pytest.raises(Conflict, match="already has a theme"):
        curation.create_theme(moderator, policy, "WATER SECURITY")
    with pytest.raises(ValidationError):
        curation.create_theme(moderator, policy, "   ")
    with pytest.raises(ValidationError):
        curation.create_theme(moderator, policy, "x" * 81)
    with pytest.raises(ValidationError):
        curation.create_theme(moderator, policy, "bell\x07")
    assert count_rows(Theme) == 1 and "theme.create" in _audit_actions()


def test_only_moderators_curate(app, policy):
    citizen = make_user()
    facilitator = make_user(role="facilitator")
    for person in (citizen, facilitator):
        with pytest.raises(PermissionDenied):
            curation.create_theme(person, policy, "Anything")
    assert count_rows(Theme) == 0


def test_rename_keeps_tags_and_refuses_a_taken_name(moderator, policy):
    a = curation.create_theme(moderator, policy, "Economy")
    curation.create_theme(moderator, policy, "Education")
    comment = make_comment()
    curation.tag_comments(moderator, [comment.id], add=[a.id])
    curation.rename_theme(moderator, a, "Economic security")
    assert a.name == "Economic security" and _tags(a) == {comment.id}
    with pytest.raises(Conflict):
        curation.rename_theme(moderator, a, "education")
    curation.rename_theme(moderator, a, "ECONOMIC security")  # its own name, recased: fine
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "theme.rename").order_by(AuditEntry.id)
    )
    assert '"from": "Economy"' in entry.data


def test_merge_moves_every_tag_once_and_retires_the_source(moderator, policy):
    source = curation.create_theme(moderator, policy, "Water")
    target = curation.create_theme(moderator, policy, "Water security")
    only_source, both, only_target = make_comment(), make_comment(), make_comment()
    curation.tag_comments(moderator, [only_source.id, both.id], add=[source.id])
    curation.tag_comments(moderator, [both.id, only_target.id], add=[target.id])
    curation.merge_theme(moderator, source, target)
    assert _tags(target) == {only_source.id, both.id, only_target.id}
    assert _tags(source) == set()
    assert source.merged_into_id == target.id and source.retired_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "theme.merge"))
    assert f'"into": {target.id}' in entry.data and '"moved": 1' in entry.data


def test_merge_refuses_itself_retired_targets_and_other_policies(moderator, policy):
    a = curation.create_theme(moderator, policy, "A")
    b = curation.create_theme(moderator, policy, "B")
    comment = make_comment()
    curation.tag_comments(moderator, [comment.id], add=[a.id])
    with pytest.raises(ValidationError, match="into itself"):
        curation.merge_theme(moderator, a, a)
    curation.retire_theme(moderator, b)
    with pytest.raises(ValidationError, match="retired"):
        curation.merge_theme(moderator, a, b)
    other = Policy(slug="other", title={"en": "Other"}, status="open", moderation="post")
    db.session.add(other)
    db.session.flush()
    foreign = curation.create_theme(moderator, other, "A")
    with pytest.raises(ValidationError, match="different policies"):
        curation.merge_theme(moderator, a, foreign)
    assert _tags(a) == {comment.id} and a.retired_at is None


def test_retired_theme_keeps_its_tags_takes_no_new_ones_and_can_come_back(moderator, policy):
    theme = curation.create_theme(moderator, policy, "Governance")
    first, second = make_comment(), make_comment()
    curation.tag_comments(moderator, [first.id], add=[theme.id])
    curation.retire_theme(moderator, theme)
    with pytest.raises(Conflict):
        curation.retire_theme(moderator, theme)
    with pytest.raises(ValidationError, match="retired"):
        curation.tag_comments(moderator, [second.id], add=[theme.id])
    assert _tags(theme) == {first.id}
    curation.tag_comments(moderator, [first.id], remove=[theme.id])  # removing still works
    assert _tags(theme) == set()
    curation.reinstate_theme(moderator, theme)
    assert theme.retired_at is None
    assert queries.list_themes([policy.id]) == [theme]


# --- tags -------------------------------------------------------------------------------


def test_bulk_tagging_is_all_or_nothing_and_idempotent(moderator, policy):
    theme = curation.create_theme(moderator, policy, "Security")
    a, b = make_comment(), make_comment()
    with pytest.raises(NotFound, match="No comment 2147483647"):
        curation.tag_comments(moderator, [a.id, 2_147_483_647, b.id], add=[theme.id])
    with pytest.raises(NotFound, match="No theme"):
        curation.tag_comments(moderator, [a.id], add=[theme.id, 999_999])
    assert count_rows(CommentTheme) == 0
    assert curation.tag_comments(moderator, [a.id, b.id], add=[theme.id]).added == 2
    assert curation.tag_comments(moderator, [a.id, b.id], add=[theme.id]).added == 0
    assert count_rows(CommentTheme) == 2
    with pytest.raises(ValidationError):
        curation.tag_comments(moderator, [a.id], add=[theme.id], remove=[theme.id])
    with pytest.raises(ValidationError):
        curation.tag_comments(moderator, [], add=[theme.id])
    with pytest.raises(ValidationError):
        curation.tag_comments(moderator, [a.id])


def test_a_moderator_cannot_curate_their_own_comment(moderator, policy):
    theme = curation.create_theme(moderator, policy, "Security")
    own = make_comment(user=moderator)
    other = make_comment()
    with pytest.raises(PermissionDenied, match="own comment"):
        curation.tag_comments(moderator, [other.id, own.id], add=[theme.id])
    with pytest.raises(PermissionDenied):
        curation.feature_comment(moderator, own)
    with pytest.raises(PermissionDenied):
        curation.add_note(moderator, own, "note")
    assert count_rows(CommentTheme) == 0


# --- featured quotes and notes --------------------------------------------------------------


def test_featuring_is_for_published_comments_and_keeps_its_history(moderator, policy):
    comment = make_comment(body="Our universities need safe campuses.")
    first = curation.feature_comment(moderator, comment)
    assert curation.feature_comment(moderator, comment) is first  # already featured: no-op
    assert queries.featured_quotes(policy.id) == [comment]
    curation.unfeature_comment(moderator, comment)
    with pytest.raises(Conflict):
        curation.unfeature_comment(moderator, comment)
    curation.feature_comment(moderator, comment)
    assert count_rows(FeaturedQuote) == 2  # the old featuring stays as history
    services.act_on_comments(moderator, [Selection(comment.id)], "hide", "abuse")
    assert queries.featured_quotes(policy.id) == []  # a hidden comment is never quoted
    hidden = make_comment()
    services.act_on_comments(moderator, [Selection(hidden.id)], "hide", "spam")
    with pytest.raises(Conflict, match="published"):
        curation.feature_comment(moderator, hidden)


def test_notes_are_private_and_only_their_existence_is_chained(moderator, policy):
    comment = make_comment()
    with pytest.raises(ValidationError):
        curation.add_note(moderator, comment, "   ")
    with pytest.raises(ValidationError):
        curation.add_note(moderator, comment, "x" * 2001)
    note = curation.add_note(moderator, comment, "Same wording as 40 others: check campaign")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.note"))
    assert "campaign" not in entry.data and str(note.id) in entry.data
    record = queries.comment_record(comment.id)
    assert [n.body for n, _author in record.notes] == [note.body]


def test_a_mixed_curation_run_keeps_the_audit_chain_intact(moderator, policy):
    a = curation.create_theme(moderator, policy, "A")
    b = curation.create_theme(moderator, policy, "B")
    c = make_comment()
    curation.tag_comments(moderator, [c.id], add=[a.id, b.id])
    curation.merge_theme(moderator, a, b)
    curation.feature_comment(moderator, c)
    curation.add_note(moderator, c, "fine")
    db.session.commit()
    assert verify_chain().ok
    assert {"theme.create", "theme.tag", "theme.merge", "quote.feature", "moderation.note"} <= set(
        _audit_actions()
    )


# --- pages ------------------------------------------------------------------------------


def test_themes_page_creates_renames_merges_and_retires(client, nsp, login_as):
    login_as("moderator")
    assert client.get("/moderation/themes").status_code == 200
    response = client.post("/moderation/themes", data={"name": "Water"})
    assert_redirect(response, "/moderation/themes?policy=nsp-2022-2026")
    client.post("/moderation/themes", data={"name": "Energy"})
    again = client.post("/moderation/themes", data={"name": "water"})
    assert again.status_code == 409 and "already has a theme" in again.get_data(as_text=True)
    assert "water" in again.get_data(as_text=True)  # what they typed is kept
    empty = client.post("/moderation/themes", data={"name": ""})
    assert empty.status_code == 422 and count_rows(Theme) == 2
    water, energy = db.session.scalars(select(Theme).order_by(Theme.id)).all()
    client.post(f"/moderation/themes/{water.id}/rename", data={"name": "Water security"})
    client.post(f"/moderation/themes/{water.id}/merge", data={"into": water.id})
    db.session.expire_all()
    assert water.name == "Water security" and water.retired_at is None
    page = client.get("/moderation/themes").get_data(as_text=True)
    assert "cannot be merged into itself" in page
    client.post(f"/moderation/themes/{water.id}/merge", data={"into": energy.id})
    client.post(f"/moderation/themes/{energy.id}/retire")
    db.session.expire_all()
    assert water.merged_into_id == energy.id and energy.retired_at is not None
    page = client.get("/moderation/themes").get_data(as_text=True)
    assert "Merged into “Energy”" in page and "Reinstate" in page


def test_queue_tags_ticked_comments_in_bulk(client, nsp, login_as):
    moderator = login_as("moderator")
    theme = curation.create_theme(moderator, _nsp(), "Cohesion")
    a, b = make_comment(body="First"), make_comment(body="Second")
    from consult.comments import services as comments

    for c in (a, b):
        comments.flag_comment(make_user(), c, "spam")
    db.session.commit()
    html = client.get("/moderation/").get_data(as_text=True)
    assert "Tag the ticked comments" in html and "Cohesion" in html
    response = client.post(
        "/moderation/tags",
        data={
            "ids": [f"{a.id}:x", f"{b.id}:y"],
            "theme": theme.id,
            "op": "add",
            "next": "/moderation/?status=flagged",
        },
    )
    assert_redirect(response, "/moderation/?status=flagged")
    db.session.expire_all()
    assert _tags(theme) == {a.id, b.id}
    assert "2 tags added." in client.get("/moderation/").get_data(as_text=True)
    html = client.get("/moderation/").get_data(as_text=True)
    assert html.count('<span class="badge" dir="auto">Cohesion</span>') == 2
    # `next` never leaves the site
    response = client.post(
        "/moderation/tags",
        data={"ids": [str(a.id)], "theme": theme.id, "op": "remove", "next": "//evil.example"},
    )
    assert_redirect(response, "/moderation/")


def _nsp() -> Policy:
    return db.session.scalar(select(Policy).where(Policy.slug == "nsp-2022-2026"))


def test_comment_record_page_tags_features_and_keeps_notes_private(client, nsp, login_as):
    author = make_user(name="Ayesha Author")
    comment = make_comment(user=author, body="Campus safety matters")
    db.session.commit()
    moderator = login_as("moderator")
    theme = curation.create_theme(moderator, _nsp(), "Education")
    db.session.commit()
    thread = client.get(SECTION).get_data(as_text=True)
    assert f'href="/moderation/comments/{comment.id}"' in thread  # from the thread
    page = client.get(f"/moderation/comments/{comment.id}")
    assert page.status_code == 200 and "Add a theme" in page.get_data(as_text=True)
    client.post(
        "/moderation/tags",
        data={
            "ids": str(comment.id),
            "theme": theme.id,
            "op": "add",
            "next": f"/moderation/comments/{comment.id}",
        },
    )
    client.post(f"/moderation/comments/{comment.id}/feature", data={"featured": "1"})
    response = client.post(
        f"/moderation/comments/{comment.id}/notes", data={"body": "Secret desk note"}
    )
    assert_redirect(response, f"/moderation/comments/{comment.id}#notes")
    blank = client.post(f"/moderation/comments/{comment.id}/notes", data={"body": ""})
    assert blank.status_code == 422
    html = client.get(f"/moderation/comments/{comment.id}").get_data(as_text=True)
    assert "Secret desk note" in html and "This comment is quoted in the report." in html
    db.session.expire_all()
    assert _tags(theme) == {comment.id} and count_rows(ModeratorNote) == 1
    # The public and the author never see the note.
    client.post("/auth/logout")
    assert "Secret desk note" not in client.get(SECTION).get_data(as_text=True)
    assert 'href="/moderation/comments/' not in client.get(SECTION).get_data(as_text=True)
    client.post("/auth/login", data={"email": author.email, "password": "correct horse battery"})
    assert "Secret desk note" not in client.get("/account").get_data(as_text=True)
    assert "Secret desk note" not in client.get(SECTION).get_data(as_text=True)
    assert client.get(f"/moderation/comments/{comment.id}").status_code == 403


def test_record_page_names_the_campaign_group_a_comment_is_in(client, nsp, login_as):
    text = "Please withdraw the proposed changes to the curriculum until teachers are heard."
    first, second = make_comment(body=text), make_comment(body=text.upper())
    db.session.commit()
    login_as("moderator")
    html = client.get(f"/moderation/comments/{second.id}").get_data(as_text=True)
    assert "2 comments" in html and "Possible campaign" in html
    link = html[html.index('href="/moderation/campaigns/') :].split('"')[1]
    assert link in client.get(f"/moderation/comments/{first.id}").get_data(as_text=True)
    lone = make_comment(body="An entirely different thought about provincial water sharing.")
    db.session.commit()
    assert "Possible campaign" not in client.get(f"/moderation/comments/{lone.id}").get_data(
        as_text=True
    )


def test_acting_from_the_record_page_returns_there(client, nsp, login_as):
    comment = make_comment()
    db.session.commit()
    login_as("moderator")
    record = queries.comment_record(comment.id)
    response = client.post(
        "/moderation/actions",
        data={
            "ids": f"{comment.id}:{record.item.token}",
            "action": "hide",
            "reason": "spam",
            "next": f"/moderation/comments/{comment.id}",
        },
    )
    assert_redirect(response, f"/moderation/comments/{comment.id}")


# --- API --------------------------------------------------------------------------------


def test_api_themes_tags_quotes_and_notes(client, nsp, moderator):
    headers = bearer_for(moderator)
    made = client.post(
        "/api/v1/moderation/themes",
        json={"policy": "nsp-2022-2026", "name": "Youth"},
        headers=headers,
    )
    assert made.status_code == 201 and made.json["state"] == "active"
    other = client.post(
        "/api/v1/moderation/themes",
        json={"policy": "nsp-2022-2026", "name": "Jobs"},
        headers=headers,
    ).json
    dup = client.post(
        "/api/v1/moderation/themes",
        json={"policy": "nsp-2022-2026", "name": "YOUTH"},
        headers=headers,
    )
    assert dup.status_code == 409 and dup.json["error"]["fields"]["name"]
    theme_id = made.json["id"]
    renamed = client.patch(
        f"/api/v1/moderation/themes/{theme_id}", json={"name": "Youth and jobs"}, headers=headers
    )
    assert renamed.json["name"] == "Youth and jobs"
    a, b = make_comment(), make_comment()
    db.session.commit()
    bad = client.post(
        "/api/v1/moderation/tags",
        json={"comments": [a.id, 2_000_000_000], "add": [theme_id]},
        headers=headers,
    )
    assert bad.status_code == 404 and count_rows(CommentTheme) == 0
    bad = client.post(
        "/api/v1/moderation/tags", json={"comments": [a.id], "add": ["1"]}, headers=headers
    )
    assert bad.status_code == 422
    ok = client.post(
        "/api/v1/moderation/tags",
        json={"comments": [a.id, b.id], "add": [theme_id]},
        headers=headers,
    )
    assert ok.json == {"added": 2, "removed": 0}
    self_merge = client.post(
        f"/api/v1/moderation/themes/{theme_id}/merge", json={"into": theme_id}, headers=headers
    )
    assert self_merge.status_code == 422 and "into" in self_merge.json["error"]["fields"]
    merged = client.post(
        f"/api/v1/moderation/themes/{theme_id}/merge", json={"into": other["id"]}, headers=headers
    )
    assert merged.json["merged"]["state"] == "merged" and merged.json["into"]["id"] == other["id"]
    listing = client.get("/api/v1/moderation/themes?policy=nsp-2022-2026", headers=headers).json
    assert {t["name"]: t["comments"] for t in listing["themes"]} == {"Youth and jobs": 0, "Jobs": 2}
    assert client.put(f"/api/v1/moderation/comments/{a.id}/featured", headers=headers).json[
        "featured"
    ]
    note = client.post(
        f"/api/v1/moderation/comments/{a.id}/notes", json={"body": "desk only"}, headers=headers
    )
    assert note.status_code == 201
    record = client.get(f"/api/v1/moderation/comments/{a.id}", headers=headers).json
    assert record["featured"] and record["notes"][0]["body"] == "desk only"
    assert [t["name"] for t in record["themes"]] == ["Jobs"]
    assert client.delete(f"/api/v1/moderation/comments/{a.id}/featured", headers=headers).json == {
        "id": a.id,
        "featured": False,
    }
    # Comments seen through the public API never carry notes or tags.
    public = client.get(f"/api/v1/comments/{a.id}").get_data(as_text=True)
    assert "desk only" not in public


def test_api_curation_refuses_citizens(client, nsp):
    headers = bearer_for(make_user())
    for method, url, body in [
        ("get", "/api/v1/moderation/themes?policy=nsp-2022-2026", None),
        ("post", "/api/v1/moderation/themes", {"policy": "nsp-2022-2026", "name": "x"}),
        ("post", "/api/v1/moderation/tags", {"comments": [1], "add": [1]}),
    ]:
        response = getattr(client, method)(url, json=body, headers=headers)
        assert response.status_code == 403, url
    assert count_rows(Theme) == 0
