"""Benchmark: campaign grouping's cost per new comment as stored comments grow.

    .venv/bin/python -m bench.campaigns [--sizes 1000,5000,20000] [--database-url URL]

At each size it times `group_new_comment` for a batch of new comments (half copies of
stored texts, half new texts) and, as the reference, the raw SQL band lookup alone
(the one indexed query each insert runs), both in the same run on the same data. The
ratio to the smallest size says how the cost grows (1.0 = flat), whatever the machine.
Not a pass/fail test (tests/moderation/test_campaigns.py has the bounded one).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from types import SimpleNamespace

from sqlalchemy import select

from consult import ROOT, create_app
from consult.extensions import db

BATCH = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from flask_migrate import upgrade

    from bench.campaign_data import (
        bulk_comments,
        bulk_signatures,
        sentence_text,
        variant,
        vocabulary,
    )
    from bench.generate import load_nsp
    from consult.moderation import campaigns
    from consult.moderation.models import CampaignBand
    from tests.factories import make_user, section_of

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            load_nsp()
            rng = random.Random(7)
            vocab = vocabulary(rng)
            user, section = make_user(), section_of()
            policy, participant = section.policy_id, user.participant_id
            bands, rows = campaigns.band_layout(campaigns.threshold())
            stored: list[str] = []

            def grow(to: int) -> None:
                n = to - len(stored)
                loose = [sentence_text(rng, vocab, 20, 60) for _ in range(n * 4 // 5)]
                base = sentence_text(rng, vocab)
                copies = [variant(base, rng, vocab) for _ in range(n - len(loose))]
                ids = bulk_comments(loose + copies, section.id, policy, participant)
                bulk_signatures(ids[: len(loose)], loose, policy)
                bulk_signatures(ids[len(loose) :], copies, policy, group_every=50)
                stored.extend(loose + copies)
                db.session.commit()

            def measure() -> tuple[float, float]:
                texts = [variant(t, rng, vocab) for t in rng.sample(stored, BATCH // 2)]
                texts += [sentence_text(rng, vocab, 20, 60) for _ in range(BATCH // 2)]
                ids = bulk_comments(texts, section.id, policy, participant)
                grouping, lookup = [], []
                for comment_id, body in zip(ids, texts, strict=True):
                    hashes = campaigns.band_hashes(campaigns.signature(body), bands, rows)
                    start = time.perf_counter()
                    db.session.execute(
                        select(CampaignBand.comment_id)
                        .where(CampaignBand.policy_id == policy, CampaignBand.band_hash.in_(hashes))
                        .limit(campaigns.CANDIDATE_ROWS)
                    ).all()
                    lookup.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    campaigns.group_new_comment(
                        SimpleNamespace(id=comment_id, policy_id=policy, body=body)
                    )
                    grouping.append(time.perf_counter() - start)
                db.session.commit()
                stored.extend(texts)
                return statistics.median(grouping) * 1000, statistics.median(lookup) * 1000

            results = []
            for size in sizes:
                grow(size)
                if not results:
                    measure()  # warm caches
                results.append((size, *measure()))
            dialect = db.engine.dialect.name
            db.engine.dispose()

    print(f"campaign grouping on {dialect}, layout {bands} bands x {rows} rows, batch {BATCH}")
    print(f"{'stored':>8}{'insert ms':>11}{'ratio':>8}{'lookup ms':>11}{'ratio':>8}")
    first_insert, first_lookup = results[0][1], results[0][2]
    for size, insert_ms, lookup_ms in results:
        print(
            f"{size:>8}{insert_ms:>11.3f}{insert_ms / first_insert:>8.2f}"
            f"{lookup_ms:>11.3f}{lookup_ms / first_lookup:>8.2f}"
        )
    print("\nMedians per new comment. Both should stay near 1.0: the lookup is one indexed query.")


if __name__ == "__main__":
    main()
