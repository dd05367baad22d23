"""Campaign detection: grouping near-identical comments as they arrive, confirm and split."""

from __future__ import annotations

import json
import random
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bench.campaign_data import (
    bulk_comments,
    bulk_signatures,
    campaign_set,
    pair_scores,
    sentence_text,
    variant,
    vocabulary,
)
from consult.core.audit import AuditEntry
from consult.errors import Conflict, PermissionDenied, ValidationError
from consult.extensions import db
from consult.moderation import campaigns, queries
from consult.moderation.models import CampaignBand, CampaignGroup, CampaignSignature
from tests.factories import make_comment, make_user, section_of
from tests.helpers import count_queries, count_rows

LETTER = (
    "We the undersigned residents ask the committee to withdraw the proposed changes to the "
    "national curriculum, because they were drafted without consulting teachers, parents or "
    "students, and they would remove local languages from primary schools across the country."
)


def _group_of(comment_id: int) -> int | None:
    return db.session.scalar(
        select(CampaignSignature.group_id).where(CampaignSignature.comment_id == comment_id)
    )


def _fake(comment_id: int, policy_id: int, body: str) -> SimpleNamespace:
    """What the listener reads of a comment, for comments written in bulk."""
    return SimpleNamespace(id=comment_id, policy_id=policy_id, body=body)


def test_normalise_drops_what_copies_change():
    assert campaigns.normalise("**Withdraw** it,  NOW! [read](https://x.org/a)\n") == (
        "withdraw it now read"
    )
    assert campaigns.normalise("Don’t") == campaigns.normalise("dont") == "dont"
    assert campaigns.normalise("Ｆｕｌｌ width") == "full width"  # NFKC


def test_short_texts_are_never_grouped_and_short_ones_use_characters():
    assert campaigns.signature("I agree.") is None
    assert campaigns.shingles("one two three four") == {
        "one ",
        "ne t",
        "e tw",
        " two",
        "two ",
        "wo t",
        "o th",
        " thr",
        "thre",
        "hree",
        "ree ",
        "ee f",
        "e fo",
        " fou",
        "four",
    }
    assert "the undersigned residents" in campaigns.shingles(campaigns.normalise(LETTER))


def test_band_layout_puts_the_s_curve_at_the_threshold():
    bands, rows = campaigns.band_layout(0.8)
    assert bands * rows <= campaigns.NUM_PERM
    # Two comments at the threshold meet in a band almost surely; unrelated ones do not.
    assert campaigns._found(bands, rows, 0.8) >= 0.99
    assert campaigns._found(bands, rows, 0.3) < 0.02
    assert campaigns.band_layout(0.9) != (bands, rows)


def test_copies_posted_by_different_people_form_one_candidate_group(app, nsp):
    first = make_comment(body=LETTER)
    assert _group_of(first.id) is None  # alone: signed, not grouped
    second = make_comment(body=LETTER.upper().replace(",", ""))
    third = make_comment(body="**" + LETTER.replace("teachers", "teachres") + "**")
    other = make_comment(body=sentence_text(random.Random(1), vocabulary(random.Random(5))))
    db.session.commit()
    group_id = _group_of(first.id)
    assert group_id is not None and _group_of(second.id) == _group_of(third.id) == group_id
    assert _group_of(other.id) is None
    group = db.session.get(CampaignGroup, group_id)
    assert (group.status, group.size, group.sample_comment_id) == ("candidate", 3, first.id)


def test_only_comments_on_the_same_policy_are_compared(app, nsp):
    comment = make_comment(body=LETTER)
    db.session.commit()
    found = campaigns._candidates(
        comment.policy_id + 1,
        campaigns.band_hashes(campaigns.signature(LETTER), *campaigns.band_layout(0.8)),
        campaigns.signature(LETTER),
        0.8,
    )
    assert found == []


def test_a_zero_threshold_switches_grouping_off(app, nsp):
    app.config["MODERATION_CAMPAIGN_THRESHOLD"] = 0
    make_comment(body=LETTER)
    make_comment(body=LETTER)
    db.session.commit()
    assert count_rows(CampaignSignature) == 0 and count_rows(CampaignGroup) == 0


def test_precision_and_recall_on_a_generated_set(app, nsp):
    """40 texts with 3 to 12 copies each, 400 distinct texts (100 of them opening like a
    campaign text), in random order: pairs grouped together against the known families."""
    items = campaign_set(seed=9)
    user, section = make_user(), section_of()
    ids = bulk_comments([i.text for i in items], section.id, section.policy_id, user.participant_id)
    for comment_id, item in zip(ids, items, strict=True):
        campaigns.group_new_comment(_fake(comment_id, section.policy_id, item.text))
    db.session.commit()
    groups = dict(
        db.session.execute(select(CampaignSignature.comment_id, CampaignSignature.group_id)).all()
    )
    precision, recall = pair_scores([i.label for i in items], [groups.get(c) for c in ids])
    print(
        f"\ncampaign grouping: {len(items)} comments, "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    assert precision >= 0.95 and recall >= 0.95
    sizes = {g.id: g.size for g in db.session.scalars(select(CampaignGroup))}
    counted = db.session.execute(
        select(CampaignSignature.group_id, func.count())
        .where(CampaignSignature.group_id.is_not(None))
        .group_by(CampaignSignature.group_id)
    ).all()
    assert dict(counted) == {k: v for k, v in sizes.items() if v}  # sizes kept exactly


def _per_insert_ms(policy_id: int, section_id: int, participant_id: int, texts: list[str]) -> float:
    ids = bulk_comments(texts, section_id, policy_id, participant_id)
    samples = []
    for comment_id, body in zip(ids, texts, strict=True):
        start = time.perf_counter()
        campaigns.group_new_comment(_fake(comment_id, policy_id, body))
        samples.append(time.perf_counter() - start)
    samples.sort()
    return sum(samples[: len(samples) * 4 // 5]) / (len(samples) * 4 // 5) * 1000  # trim outliers


def test_time_per_insert_does_not_grow_from_1000_to_20000_comments(app, nsp):
    """The background has loose comments and groups of 50 (a fifth of the comments); the
    measured batch mixes copies of stored texts and new texts. The cost per insert is the
    same at 20,000 as at 1,000 stored comments, within a generous bound for a busy CI."""
    rng = random.Random(20)
    vocab = vocabulary(rng)
    user, section = make_user(), section_of()
    policy, participant = section.policy_id, user.participant_id

    def background(n: int) -> list[str]:
        return [sentence_text(rng, vocab, 20, 60) for _ in range(n)]

    def batch(stored: list[str]) -> list[str]:
        picks = rng.sample(stored, 60)
        return [variant(t, rng, vocab) for t in picks] + background(60)

    stored: list[str] = []

    def grow(to: int) -> None:
        texts = background((to - len(stored)) * 4 // 5)
        campaign = background(1)[0]
        texts += [variant(campaign, rng, vocab) for _ in range(to - len(stored) - len(texts))]
        ids = bulk_comments(texts, section.id, policy, participant)
        bulk_signatures(ids[: len(texts) * 4 // 5], texts[: len(texts) * 4 // 5], policy)
        bulk_signatures(ids[len(texts) * 4 // 5 :], texts[len(texts) * 4 // 5 :], policy, 50)
        stored.extend(texts)
        db.session.commit()

    grow(1000)
    _per_insert_ms(policy, section.id, participant, batch(stored))  # warm caches
    small = _per_insert_ms(policy, section.id, participant, batch(stored))
    grow(20000)
    large = _per_insert_ms(policy, section.id, participant, batch(stored))
    print(f"\nper insert: {small:.2f} ms at 1,000, {large:.2f} ms at 20,000 ({large / small:.2f}x)")
    assert large / small < 3


def test_one_lookup_query_per_new_comment_however_large_the_campaign(app, nsp):
    user, section = make_user(), section_of()
    texts = [LETTER] * 300
    ids = bulk_comments(texts, section.id, section.policy_id, user.participant_id)
    bulk_signatures(ids, texts, section.policy_id, group_every=300)
    new = bulk_comments([LETTER], section.id, section.policy_id, user.participant_id)[0]
    with count_queries() as statements:
        group = campaigns.group_new_comment(_fake(new, section.policy_id, LETTER))
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 2, selects  # the lookup, and reading the group back
    assert group is not None and group.size == 301


def test_confirm_is_audited_and_refused_when_stale_or_twice(app, nsp):
    moderator, citizen = make_user(role="moderator"), make_user()
    make_comment(body=LETTER)
    second = make_comment(body=LETTER + " Please.")
    group = db.session.get(CampaignGroup, _group_of(second.id))
    with pytest.raises(PermissionDenied):
        campaigns.confirm_campaign(citizen, group.id, campaigns.state_token(group))
    with pytest.raises(Conflict):
        campaigns.confirm_campaign(moderator, group.id, "stale")
    campaigns.confirm_campaign(moderator, group.id, campaigns.state_token(group))
    db.session.commit()
    assert (group.status, group.confirmed_by_id) == ("confirmed", moderator.id)
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (entry.action, entry.target_type, entry.target_id) == (
        "moderation.campaign_confirm",
        "campaign_group",
        str(group.id),
    )
    assert json.loads(entry.data)["size"] == 2
    with pytest.raises(Conflict):
        campaigns.confirm_campaign(moderator, group.id, campaigns.state_token(group))
    # A confirmed campaign keeps growing, and the reports see it once with its size.
    make_comment(body=LETTER)
    db.session.commit()
    assert queries.campaign_counts(group.policy_id) == [
        queries.CampaignCount(group.id, 3, group.sample_comment_id)
    ]


def test_split_releases_comments_for_good_and_is_audited(app, nsp):
    moderator = make_user(role="moderator")
    first, second, third = (make_comment(body=LETTER) for _ in range(3))
    group = db.session.get(CampaignGroup, _group_of(first.id))
    token = campaigns.state_token(group)
    with pytest.raises(ValidationError):
        campaigns.split_campaign(moderator, group.id, token, [second.id, 999999])
    assert group.size == 3 and _group_of(second.id) == group.id  # nothing written
    campaigns.split_campaign(moderator, group.id, token, [first.id])
    db.session.commit()
    assert (group.size, group.status, group.sample_comment_id) == (2, "candidate", second.id)
    released = db.session.get(CampaignSignature, first.id)
    assert (released.group_id, released.released_from_id) == (None, group.id)
    assert (
        count_rows(CampaignBand)
        == 3 * campaigns.band_layout(0.8)[0] - (campaigns.band_layout(0.8)[0])
    )
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert entry.action == "moderation.campaign_split"
    assert json.loads(entry.data)["comment_ids"] == [first.id]
    # Splitting all needs the size the moderator saw.
    token = campaigns.state_token(group)
    with pytest.raises(Conflict):
        campaigns.split_campaign(moderator, group.id, token, None, seen_size=1)
    campaigns.split_campaign(moderator, group.id, token, None, seen_size=2)
    db.session.commit()
    assert (group.size, group.status, group.split_by_id) == (0, "split", moderator.id)
    # The split comments are not absorbed again; a new copy starts on its own.
    fourth = make_comment(body=LETTER)
    db.session.commit()
    assert _group_of(fourth.id) is None
    assert {_group_of(c.id) for c in (first, second, third)} == {None}


def _token(html: str) -> str:
    marker = 'name="token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_the_desk_lists_groups_with_size_and_sample_and_confirms(client, nsp, login_as):
    for _ in range(3):
        make_comment(body=LETTER)
    make_comment(body="A different comment, written by someone on their own, about schools.")
    db.session.commit()
    group_id = db.session.scalar(select(CampaignGroup.id))
    moderator = login_as("moderator")
    html = client.get("/moderation/campaigns").get_data(as_text=True)
    assert f"Group {group_id}: 3 comments" in html and "We the undersigned residents" in html
    assert "written by someone on their own" not in html
    response = client.post(
        f"/moderation/campaigns/{group_id}/confirm", data={"token": _token(html), "next": "list"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderation/campaigns"
    html = client.get("/moderation/campaigns").get_data(as_text=True)
    assert "Confirmed as one campaign of 3 comments." in html and "No groups here." in html
    db.session.expire_all()
    group = db.session.get(CampaignGroup, group_id)
    assert (group.status, group.confirmed_by_id) == ("confirmed", moderator.id)
    confirmed = client.get("/moderation/campaigns?status=confirmed").get_data(as_text=True)
    assert f"Group {group_id}: 3 comments" in confirmed


def test_a_stale_confirm_writes_nothing_and_says_why(client, nsp, login_as):
    make_comment(body=LETTER)
    make_comment(body=LETTER)
    db.session.commit()
    group_id = db.session.scalar(select(CampaignGroup.id))
    login_as("moderator")
    response = client.post(
        f"/moderation/campaigns/{group_id}/confirm", data={"token": "0000"}, follow_redirects=True
    )
    assert "This group changed since you opened it" in response.get_data(as_text=True)
    response = client.post(f"/moderation/campaigns/{group_id}/confirm", follow_redirects=True)
    assert "Nothing was changed: reload the page" in response.get_data(as_text=True)
    assert client.get("/moderation/campaigns/999999").status_code == 404
    db.session.expire_all()
    assert db.session.get(CampaignGroup, group_id).status == "candidate"
    assert not db.session.scalar(
        select(func.count()).where(AuditEntry.action.like("moderation.campaign%"))
    )


def test_split_from_the_group_page_without_javascript(client, nsp, login_as):
    comments = [make_comment(body=LETTER) for _ in range(3)]
    db.session.commit()
    group_id = db.session.scalar(select(CampaignGroup.id))
    login_as("moderator")
    page = client.get(f"/moderation/campaigns/{group_id}").get_data(as_text=True)
    assert all(f'name="ids" value="{c.id}"' in page for c in comments)
    token = _token(page)
    response = client.post(
        f"/moderation/campaigns/{group_id}/split",
        data={"token": token, "scope": "selected", "ids": [str(comments[2].id)], "seen_size": "3"},
        follow_redirects=True,
    )
    assert "Split off. 2 comments are left in the group." in response.get_data(as_text=True)
    # Splitting all with the size seen before a comment joined is refused.
    make_comment(body=LETTER)
    db.session.commit()
    response = client.post(
        f"/moderation/campaigns/{group_id}/split",
        data={"token": token, "scope": "all", "seen_size": "2"},
        follow_redirects=True,
    )
    assert "Comments joined this group since you opened it" in response.get_data(as_text=True)
    response = client.post(
        f"/moderation/campaigns/{group_id}/split",
        data={"token": token, "scope": "all", "seen_size": "3"},
        follow_redirects=True,
    )
    assert "The group was split up" in response.get_data(as_text=True)
    db.session.expire_all()
    group = db.session.get(CampaignGroup, group_id)
    assert (group.status, group.size) == ("split", 0)
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("moderation.campaign%"))
    ).all()
    assert actions == ["moderation.campaign_split", "moderation.campaign_split"]
    assert "Split up: not a campaign" in client.get("/moderation/campaigns?status=split").get_data(
        as_text=True
    )


def test_rebuild_signs_older_comments_and_rebands_after_a_threshold_change(app, nsp, runner):
    app.config["MODERATION_CAMPAIGN_THRESHOLD"] = 0  # comments from before detection existed
    old = [make_comment(body=LETTER), make_comment(body=LETTER.lower())]
    make_comment(body="Too short")
    db.session.commit()
    assert count_rows(CampaignSignature) == 0
    app.config["MODERATION_CAMPAIGN_THRESHOLD"] = 0.8
    result = runner.invoke(args=["consult", "rebuild-campaigns", "--policy", "nsp-2022-2026"])
    assert result.exit_code == 0, result.output
    assert "signed 2 older comments, 1 of them joined a group" in result.output
    db.session.expire_all()
    assert _group_of(old[0].id) == _group_of(old[1].id) is not None
    # A new copy meets the rebuilt bands; a different threshold re-bands everything.
    app.config["MODERATION_CAMPAIGN_THRESHOLD"] = 0.7
    again = runner.invoke(args=["consult", "rebuild-campaigns", "--policy", "nsp-2022-2026"])
    assert "Re-banded 2 signatures; signed 0 older comments" in again.output
    bands, _rows = campaigns.band_layout(0.7)
    assert count_rows(CampaignBand) == 2 * bands
    db.session.expire_all()
    new = make_comment(body=LETTER.upper())
    db.session.commit()
    assert _group_of(new.id) == _group_of(old[0].id)
    assert (
        db.session.scalar(
            select(func.count()).where(AuditEntry.action == "moderation.campaigns_rebuild")
        )
        == 2
    )
    unknown = runner.invoke(args=["consult", "rebuild-campaigns", "--policy", "nope"])
    assert unknown.exit_code == 1
