"""Generated comments with known near-duplicates, for campaign tests and the benchmark.

`campaign_set` makes base texts with copy-and-paste variants (case, punctuation, markdown,
spacing, and one word typo, swap or substitution) and distinct texts, some of which
share an opening with a base text but go on differently (they must not be grouped).
`bulk_comments` and `bulk_signatures` write thousands of rows in a few statements, so a
large background costs seconds, not the minutes of posting one comment at a time.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text

from consult.comments.models import Comment
from consult.core.models import utcnow
from consult.extensions import db
from consult.moderation import campaigns
from consult.moderation.models import CampaignBand, CampaignGroup, CampaignSignature

_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"


def vocabulary(rng: random.Random, size: int = 800) -> list[str]:
    """Pronounceable made-up words: no real text to license, and no accidental overlaps."""
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.randint(1, 3)
        words.add("".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(syllables)))
    return sorted(words)


def sentence_text(rng: random.Random, vocab: list[str], low: int = 60, high: int = 90) -> str:
    words = [rng.choice(vocab) for _ in range(rng.randint(low, high))]
    out, since = [], 0
    for word in words:
        out.append(word.capitalize() if since == 0 else word)
        since += 1
        if since > rng.randint(8, 14):
            out[-1] += "."
            since = 0
    return " ".join(out) + "."


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word + rng.choice(_VOWELS)
    i = rng.randrange(len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def variant(base: str, rng: random.Random, vocab: list[str]) -> str:
    """A copy as campaigns produce them: cosmetic changes and at most one real word edit."""
    words = base.split()
    edit = rng.choice(("typo", "swap", "substitute", "none"))
    i = rng.randrange(1, len(words) - 2)
    if edit == "typo":
        words[i] = _typo(words[i], rng)
    elif edit == "swap":
        words[i], words[i + 1] = words[i + 1], words[i]
    elif edit == "substitute":
        words[i] = rng.choice(vocab)
    for _ in range(rng.randint(0, 3)):  # cosmetic: normalisation must undo these
        j = rng.randrange(len(words))
        words[j] = rng.choice(
            (words[j].upper(), f"**{words[j]}**", words[j] + ",", words[j] + "!", f"_{words[j]}_")
        )
    glue = rng.choice((" ", "  ", "\n"))
    return glue.join(words) + rng.choice(("", "!!", " ", "\n"))


@dataclass(frozen=True)
class Item:
    text: str
    label: int | None  # the base text's number, or None for a distinct text


def campaign_set(
    seed: int = 9, bases: int = 40, copies: tuple[int, int] = (3, 12), distinct: int = 400
) -> list[Item]:
    """Near-duplicate families and distinct texts, shuffled as they would arrive."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    items: list[Item] = []
    base_texts = [sentence_text(rng, vocab) for _ in range(bases)]
    for label, base in enumerate(base_texts):
        items.append(Item(base, label))
        items.extend(Item(variant(base, rng, vocab), label) for _ in range(rng.randint(*copies)))
    for n in range(distinct):
        if n % 4 == 0:  # same opening as a campaign, then different: not a copy
            opening = " ".join(rng.choice(base_texts).split(" ")[:20])
            items.append(Item(opening + " " + sentence_text(rng, vocab, 50, 70), None))
        else:
            items.append(Item(sentence_text(rng, vocab, 10, 90), None))
    rng.shuffle(items)
    return items


def pair_scores(labels: list[int | None], groups: list[int | None]) -> tuple[float, float]:
    """Pairwise precision and recall of a grouping against the known families."""

    def pairs(keys: list[int | None]) -> set[tuple[int, int]]:
        by_key: dict[int, list[int]] = {}
        for index, key in enumerate(keys):
            if key is not None:
                by_key.setdefault(key, []).append(index)
        return {(a, b) for members in by_key.values() for a in members for b in members if a < b}

    truth, found = pairs(labels), pairs(groups)
    hits = len(truth & found)
    return (hits / len(found) if found else 1.0), (hits / len(truth) if truth else 1.0)


def bulk_comments(
    texts: list[str], section_id: int, policy_id: int, participant_id: int
) -> list[int]:
    """Insert top-level comments in one statement (ids chosen here); returns their ids."""
    start = (db.session.scalar(select(func.max(Comment.id))) or 0) + 1
    now = utcnow()
    rows = [
        {
            "id": start + n,
            "root_id": start + n,
            "policy_id": policy_id,
            "section_id": section_id,
            "depth": 0,
            "participant_id": participant_id,
            "channel": "online",
            "body": body,
            "body_html": body,
            "body_hash": hashlib.sha256(body.encode()).hexdigest(),
            "status": "published",
            "agree_count": 0,
            "disagree_count": 0,
            "score": 0.0,
            "created_at": now,
        }
        for n, body in enumerate(texts)
    ]
    for chunk in range(0, len(rows), 2000):
        db.session.execute(insert(Comment), rows[chunk : chunk + 2000])
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence('comments', 'id'), :n)"),
            {"n": start + len(rows) - 1},
        )
    return [start + n for n in range(len(rows))]


def bulk_signatures(
    comment_ids: list[int], texts: list[str], policy_id: int, group_every: int = 0
) -> None:
    """Sign comments and store their bands in bulk, without grouping them one by one.

    With `group_every`, every so many consecutive comments are put in one group, so the
    background has groups of that size as well as loose comments.
    """
    bands, rows = campaigns.band_layout(campaigns.DEFAULT_THRESHOLD)
    signatures, band_rows = [], []
    group_id = None
    for n, (comment_id, body) in enumerate(zip(comment_ids, texts, strict=True)):
        values = campaigns.signature(body)
        if values is None:
            continue
        if group_every and n % group_every == 0:
            group = CampaignGroup(
                policy_id=policy_id,
                status="candidate",
                size=group_every,
                sample_comment_id=comment_id,
            )
            db.session.add(group)
            db.session.flush()
            group_id = group.id
        signatures.append(
            {
                "comment_id": comment_id,
                "policy_id": policy_id,
                "signature": values.tobytes(),
                "group_id": group_id if group_every else None,
                "created_at": utcnow(),
            }
        )
        band_rows.extend(
            {"comment_id": comment_id, "band": i, "policy_id": policy_id, "band_hash": h}
            for i, h in enumerate(campaigns.band_hashes(values, bands, rows))
        )
    for chunk in range(0, len(signatures), 2000):
        db.session.execute(insert(CampaignSignature), signatures[chunk : chunk + 2000])
    for chunk in range(0, len(band_rows), 5000):
        db.session.execute(insert(CampaignBand), band_rows[chunk : chunk + 5000])
    db.session.flush()
