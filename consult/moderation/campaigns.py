"""Campaign detection: near-identical comments are grouped as they arrive.

A copy-and-paste campaign sends the same text (give or take a word, a typo, punctuation)
hundreds of times. Reports should count it once, with its size beside it, and a
moderator should see it as one thing. Comparing every new comment with every stored one
grows with the table, so grouping uses MinHash with locality-sensitive hashing (LSH):

1. the text is normalised (NFKC, casefold, punctuation and markdown marks dropped,
   whitespace collapsed) and cut into 3-word shingles (character 4-grams for short texts);
2. a 128-value MinHash signature (datasketch, fixed seed) estimates Jaccard similarity;
3. the signature is cut into `b` bands of `r` values, chosen so that two comments at
   the configured `MODERATION_CAMPAIGN_THRESHOLD` (default 0.8) share a band with
   probability 0.99 (`band_layout`); each band is hashed;
4. one indexed query finds stored comments of the same policy sharing any band hash
   (at most `CANDIDATE_ROWS` band rows, so a giant campaign costs no more than a small
   one), their signatures are compared, and the comment joins the best-matching group
   (or forms a candidate group with the ungrouped comments it matches).

Signatures and band hashes live in the database (`campaign_signatures`, `campaign_bands`)
so grouping survives restarts and works the same in every worker process. A moderator
confirms a group as one campaign or splits comments off it; split comments are released
for good (their band rows are deleted), so the group does not re-absorb them.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.core import audit
from consult.core.models import utcnow
from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.moderation import permissions
from consult.moderation.models import CampaignBand, CampaignGroup, CampaignSignature

NUM_PERM = 128
SEED = 1  # fixed: signatures from every process and every restart must agree
SCHEME = "affine32"  # as datasketch >= 2.0 names it; values fit uint32, stored as 512 bytes
SHINGLE_WORDS = 3
SHORT_TEXT_WORDS = 8  # fewer words than this: character shingles instead
CHAR_SHINGLE = 4
# Normalised texts shorter than this are never grouped: many people writing "I agree"
# or "Strongly oppose" is ordinary, not evidence of a campaign.
MIN_CHARS = 16
DEFAULT_THRESHOLD = 0.8
# Band rows read per new comment: bounds the work however large a campaign grows.
CANDIDATE_ROWS = 240
MIN_GROUP_SIZE = 2  # the desk lists groups of at least this many comments
JOINABLE = ("candidate", "confirmed")

_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) and ![alt](src) -> text
_SPACE = re.compile(r"\s+")
_APOSTROPHES = re.compile(r"['\u2019\u02bc]")  # "don't" and "don’t" are one word


def normalise(text: str) -> str:
    """The text as a campaign's copies share it: case, width, punctuation and markdown
    marks, and spacing are what copy-and-paste variants change, so they are dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _MARKUP.sub(r" \1 ", _APOSTROPHES.sub("", text))
    text = "".join(
        " " if unicodedata.category(ch)[0] in "PSCZ" and not ch.isspace() else ch for ch in text
    )
    return _SPACE.sub(" ", text).strip()


def shingles(normalised: str) -> set[str]:
    """3-word shingles; for a short text (under 8 words) character 4-grams, which still
    tell a copy with a typo from a different sentence where word triples are too few."""
    words = normalised.split(" ")
    if len(words) >= SHORT_TEXT_WORDS:
        return {
            " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
        }
    return {normalised[i : i + CHAR_SHINGLE] for i in range(len(normalised) - CHAR_SHINGLE + 1)}


# MinHash, affine32 scheme, written out here rather than imported: datasketch's package
# import pulls in SciPy (about 57 MB and half a second per worker) for the 15 lines below.
# The values are bit-for-bit those of `datasketch.MinHash(num_perm=128, seed=1,
# scheme="affine32")` fed the UTF-8 shingles (tests/moderation/test_minhash.py compares
# them), so signatures stored before and after agree.
_U32 = np.uint32


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations h -> a*h + b (mod 2**32), a odd, drawn from the fixed seed
    in datasketch's order. Drawing them is the slow part; they depend only on the seed."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=_U32) * _U32(2) + _U32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=_U32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: a bijection that spreads the input hashes before
    the affine step (array arithmetic wraps modulo 2**32, as intended)."""
    hv = hv ^ (hv >> _U32(16))
    hv = hv * _U32(0x85EBCA6B)
    hv = hv ^ (hv >> _U32(13))
    hv = hv * _U32(0xC2B2AE35)
    return hv ^ (hv >> _U32(16))


def _minhash(values: list[bytes]) -> np.ndarray:
    """The NUM_PERM minimum permuted hashes of a non-empty set of byte strings."""
    hashed = np.array(
        [struct.unpack("<I", hashlib.sha1(v).digest()[:4])[0] for v in values],  # noqa: S324
        dtype=_U32,
    ).reshape(-1, 1)
    a, b = _permutations()
    return (_fmix32(hashed) * a + b).min(axis=0)


def signature(text: str) -> np.ndarray | None:
    """The MinHash values (uint32) of a comment's text, or None when it is too short."""
    normalised = normalise(text)
    if len(normalised) < MIN_CHARS:
        return None
    values = _minhash([s.encode("utf-8") for s in sorted(shingles(normalised))])
    return np.asarray(values, dtype="<u4")


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of MinHash values two signatures agree on."""
    return float(np.count_nonzero(a == b)) / len(a)


def _integral(fn, lo: float, hi: float, steps: int = 200) -> float:
    xs = np.linspace(lo, hi, steps + 1)
    ys = fn(xs)
    return float((ys[:-1] + ys[1:]).sum() * (hi - lo) / steps / 2)


FIND_AT_THRESHOLD = 0.99  # chance that two comments exactly at the threshold meet


def _found(bands: int, rows: int, s):
    """The LSH S-curve: the chance that two signatures of similarity `s` share a band."""
    return 1 - (1 - s**rows) ** bands


@lru_cache(maxsize=8)
def band_layout(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) for a Jaccard threshold.

    datasketch's MinHashLSH balances false positives and negatives, which at 0.8 finds
    a pair at the threshold only 40% of the time; here every candidate is verified
    against its stored signature, so a false positive costs one comparison while a false
    negative loses a copy. So: of the layouts that find a pair at the threshold with
    probability >= 0.99, the one with the least false-positive area below it.
    """
    best, layout = float("inf"), (1, num_perm)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            if _found(b, r, threshold) < FIND_AT_THRESHOLD:
                continue
            fp = _integral(lambda s, b=b, r=r: _found(b, r, s), 0.0, threshold)
            if fp < best:
                best, layout = fp, (b, r)
    return layout


def band_hashes(values: np.ndarray, bands: int, rows: int) -> list[int]:
    """One signed 64-bit hash per band; the band index and layout are mixed in, so equal
    values in different bands (or under another threshold's layout) never collide."""
    out = []
    for band in range(bands):
        digest = hashlib.blake2b(
            struct.pack("<HHH", bands, rows, band)
            + values[band * rows : (band + 1) * rows].tobytes(),
            digest_size=8,
        ).digest()
        out.append(int.from_bytes(digest, "little", signed=True))
    return out


def threshold() -> float:
    """The configured Jaccard threshold; 0 switches grouping off."""
    return float(current_app.config.get("MODERATION_CAMPAIGN_THRESHOLD", DEFAULT_THRESHOLD))


@dataclass(frozen=True)
class Candidate:
    comment_id: int
    group_id: int | None
    group_status: str | None
    score: float


def _candidates(
    policy_id: int, hashes: list[int], values: np.ndarray, cut: float
) -> list[Candidate]:
    """Stored comments of the policy that share a band hash and pass the threshold.

    One query: the band lookup (index on policy_id, band_hash, capped) as a subquery,
    with the candidates' signatures and their group's status.
    """
    matched = (
        select(CampaignBand.comment_id)
        .where(CampaignBand.policy_id == policy_id, CampaignBand.band_hash.in_(hashes))
        .limit(CANDIDATE_ROWS)
    )
    rows = db.session.execute(
        select(
            CampaignSignature.comment_id,
            CampaignSignature.group_id,
            CampaignSignature.signature,
            CampaignGroup.status,
        )
        .outerjoin(CampaignGroup, CampaignGroup.id == CampaignSignature.group_id)
        .where(CampaignSignature.comment_id.in_(matched))
    )
    found = []
    for comment_id, group_id, raw, status in rows:
        score = similarity(values, np.frombuffer(raw, dtype="<u4"))
        if score >= cut:
            found.append(Candidate(comment_id, group_id, status, score))
    return found


def group_new_comment(comment: Comment) -> CampaignGroup | None:
    """Sign a new comment and put it in the group of its near-identical comments.

    Runs as the `moderation-campaigns` comment listener, in the comment's own
    transaction: the comment, its signature and its group land together or not at all.
    Returns the group it joined or formed, or None (too short, or nothing alike).
    """
    cut = threshold()
    values = signature(comment.body or "")
    if cut <= 0 or values is None:
        return None
    bands, rows = band_layout(round(cut, 3))
    hashes = band_hashes(values, bands, rows)
    found = _candidates(comment.policy_id, hashes, values, cut)
    groups = [c for c in found if c.group_id is not None and c.group_status in JOINABLE]
    loose = sorted(c.comment_id for c in found if c.group_id is None)
    group_id: int | None = None
    if groups:
        group_id = max(groups, key=lambda c: (c.score, -c.group_id)).group_id  # type: ignore[operator]
    elif loose:
        group = CampaignGroup(
            policy_id=comment.policy_id, status="candidate", size=0, sample_comment_id=loose[0]
        )
        db.session.add(group)
        db.session.flush()
        group_id = group.id
    db.session.add(
        CampaignSignature(
            comment_id=comment.id,
            policy_id=comment.policy_id,
            signature=values.tobytes(),
            group_id=group_id,
        )
    )
    db.session.flush()
    db.session.execute(
        insert(CampaignBand),
        [
            {"comment_id": comment.id, "band": i, "policy_id": comment.policy_id, "band_hash": h}
            for i, h in enumerate(hashes)
        ],
    )
    if group_id is None:
        return None
    if loose:  # comments that arrived alone (or at the same moment) join with this one
        db.session.execute(
            update(CampaignSignature)
            .where(CampaignSignature.comment_id.in_(loose), CampaignSignature.group_id.is_(None))
            .values(group_id=group_id)
        )
    db.session.execute(
        update(CampaignGroup)
        .where(CampaignGroup.id == group_id)
        .values(size=CampaignGroup.size + 1 + len(loose))
    )
    return db.session.get(CampaignGroup, group_id, populate_existing=True)


def state_token(group: CampaignGroup) -> str:
    """What the moderator saw of a group: a confirm or split of a changed one is refused.

    The size is left out on purpose: a live campaign keeps growing while it is reviewed.
    """
    raw = f"{group.id}:{group.status}:{group.sample_comment_id}"
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def _load(actor: User, group_id: int, token: str | None) -> CampaignGroup:
    if not permissions.can_use_desk(actor):
        raise PermissionDenied(_("Only moderators can do this."))
    group = db.session.scalar(
        select(CampaignGroup)
        .where(CampaignGroup.id == group_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if group is None:
        raise NotFound(_("No such group of comments."))
    if token != state_token(group):
        raise Conflict(
            _("This group changed since you opened it: nothing was changed. Look at it again.")
        )
    return group


def confirm_campaign(actor: User, group_id: int, token: str | None) -> CampaignGroup:
    """Confirm a candidate group as one campaign, on the record.

    Reports then count it once with its size beside it; the comments stay as they are
    (confirming says they are one voice, not that they break the rules).
    """
    group = _load(actor, group_id, token)
    if group.status != "candidate":
        raise Conflict(_("Only a group not yet reviewed can be confirmed."))
    if group.size < MIN_GROUP_SIZE:
        raise Conflict(_("A campaign needs at least two comments."))
    group.status = "confirmed"
    group.confirmed_by_id = actor.id
    group.confirmed_at = utcnow()
    db.session.flush()
    audit.record(
        "moderation.campaign_confirm",
        actor_id=actor.id,
        target_type="campaign_group",
        target_id=group.id,
        data={"policy_id": group.policy_id, "size": group.size},
    )
    return group


MAX_SPLIT = 200


def split_campaign(
    actor: User,
    group_id: int,
    token: str | None,
    comment_ids: Sequence[int] | None = None,
    seen_size: int | None = None,
) -> CampaignGroup:
    """Take comments out of a group (`comment_ids`, or all when None), on the record.

    Split comments are released for good: they no longer count together, and their band
    rows are deleted so neither this group nor a new one picks them up again. Splitting
    all needs `seen_size` to match, so comments that arrived after the page loaded are
    not split off unseen. Nothing is written when any part of the request is wrong.
    """
    group = _load(actor, group_id, token)
    if group.status == "split":
        raise Conflict(_("This group was already split up."))
    members = select(CampaignSignature.comment_id).where(CampaignSignature.group_id == group.id)
    if comment_ids is None:
        if seen_size != group.size:
            raise Conflict(
                _("Comments joined this group since you opened it: nothing was changed.")
            )
        chosen = list(db.session.scalars(members))
    else:
        chosen = sorted(set(comment_ids))
        if not chosen:
            raise ValidationError(
                _("Select at least one comment."), {"ids": _("Nothing selected.")}
            )
        if len(chosen) > MAX_SPLIT:
            raise ValidationError(
                _("Select at most %(n)d comments at once.", n=MAX_SPLIT), {"ids": _("Too many.")}
            )
        inside = set(db.session.scalars(members.where(CampaignSignature.comment_id.in_(chosen))))
        outside = [i for i in chosen if i not in inside]
        if outside:
            raise ValidationError(
                _("Comment %(id)d is not in this group: nothing was changed.", id=outside[0]),
                {"ids": str(outside[0])},
            )
    size_before = group.size
    for start in range(0, len(chosen), 500):
        batch = chosen[start : start + 500]
        db.session.execute(delete(CampaignBand).where(CampaignBand.comment_id.in_(batch)))
        db.session.execute(
            update(CampaignSignature)
            .where(CampaignSignature.comment_id.in_(batch))
            .values(group_id=None, released_from_id=group.id)
        )
    group.size = db.session.scalar(select(func.count()).select_from(members.subquery())) or 0
    if group.size == 0:
        group.status = "split"
        group.split_by_id = actor.id
        group.split_at = utcnow()
    elif group.sample_comment_id in chosen:
        group.sample_comment_id = db.session.scalar(
            select(func.min(CampaignSignature.comment_id)).where(
                CampaignSignature.group_id == group.id
            )
        )
    db.session.flush()
    audit.record(
        "moderation.campaign_split",
        actor_id=actor.id,
        target_type="campaign_group",
        target_id=group.id,
        data={
            "policy_id": group.policy_id,
            "all": comment_ids is None,
            "comment_ids": chosen[:MAX_SPLIT],
            "split": len(chosen),
            "size_before": size_before,
            "size_after": group.size,
        },
    )
    return group


@dataclass(frozen=True)
class RebuildResult:
    rebanded: int
    signed: int
    grouped: int


REBUILD_BATCH = 500


def rebuild(policy_id: int) -> RebuildResult:
    """Re-band every stored signature under the current threshold, then sign what is missing.

    Two situations need it: comments posted before campaign detection existed (no
    signature), and a changed `MODERATION_CAMPAIGN_THRESHOLD` (a new band layout, under
    which old bands would never meet new ones). Groups and splits stay as moderators left
    them; released comments stay released. Safe to run again: a second run changes nothing
    but the band rows, which it writes identically. Works in batches, so memory stays flat.
    """
    cut = threshold()
    if cut <= 0:
        return RebuildResult(0, 0, 0)
    bands, rows = band_layout(round(cut, 3))
    db.session.execute(delete(CampaignBand).where(CampaignBand.policy_id == policy_id))
    rebanded, last = 0, 0
    while True:
        batch = db.session.execute(
            select(CampaignSignature.comment_id, CampaignSignature.signature)
            .where(
                CampaignSignature.policy_id == policy_id,
                CampaignSignature.released_from_id.is_(None),
                CampaignSignature.comment_id > last,
            )
            .order_by(CampaignSignature.comment_id)
            .limit(REBUILD_BATCH)
        ).all()
        if not batch:
            break
        db.session.execute(
            insert(CampaignBand),
            [
                {"comment_id": cid, "band": i, "policy_id": policy_id, "band_hash": h}
                for cid, raw in batch
                for i, h in enumerate(band_hashes(np.frombuffer(raw, dtype="<u4"), bands, rows))
            ],
        )
        rebanded += len(batch)
        last = batch[-1][0]
    signed = grouped = 0
    signed_ids = select(CampaignSignature.comment_id)
    last = 0
    while True:
        comments = list(
            db.session.scalars(
                select(Comment)
                .where(
                    Comment.policy_id == policy_id,
                    Comment.id > last,
                    Comment.status.in_(("published", "pending")),
                    Comment.id.not_in(signed_ids),
                )
                .order_by(Comment.id)
                .limit(REBUILD_BATCH)
            )
        )
        if not comments:
            break
        for comment in comments:
            if signature(comment.body or "") is None:
                continue  # too short to compare: never grouped, as on insert
            signed += 1
            grouped += group_new_comment(comment) is not None
        last = comments[-1].id
        db.session.flush()
        db.session.expunge_all()  # flushed already: keep memory flat on a big table
    audit.record(
        "moderation.campaigns_rebuild",
        target_type="policy",
        target_id=policy_id,
        data={"rebanded": rebanded, "signed": signed, "grouped": grouped, "threshold": cut},
    )
    return RebuildResult(rebanded, signed, grouped)
