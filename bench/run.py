"""Benchmarks: how page and aggregate costs grow with data. Prints ratios from one run.

    make bench            (or: .venv/bin/python -m bench.run [--scale 10])

Each measurement compares a small and a large data set in the same process, so the ratio
says how the cost grows (1.0 = flat), whatever the machine. Not a pass/fail test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from sqlalchemy import event

from consult import ROOT, create_app
from consult.extensions import db


def timed(fn, repeat: int = 7) -> float:
    """Median wall time of `fn` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def count_queries(fn) -> int:
    seen = []

    def listener(*args: object) -> None:
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=10, help="large set = small × scale")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from bench.generate import add_comments, add_responses, load_nsp

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            load_nsp()
            client = app.test_client()
            page = "/policies/nsp-2022-2026/sections/human-security?sort=top"

            from consult.surveys.models import Survey
            from consult.surveys.queries import survey_results

            survey = db.session.query(Survey).filter_by(key="human-security").one()

            rows = []
            small_c, small_r = 100, 100
            add_comments("human-security", small_c)
            add_responses(survey, small_r)
            client.get(page)  # warm up templates and caches before timing
            t_page_small = timed(lambda: client.get(page))
            q_page_small = count_queries(lambda: client.get(page))
            size_small = len(client.get(page).data)
            t_results_small = timed(lambda: survey_results(survey))

            add_comments("human-security", small_c * args.scale - small_c)
            add_responses(survey, small_r * args.scale - small_r)
            t_page_large = timed(lambda: client.get(page))
            q_page_large = count_queries(lambda: client.get(page))
            size_large = len(client.get(page).data)
            t_results_large = timed(lambda: survey_results(survey))

            rows.append(
                (
                    "section page time (ms)",
                    small_c,
                    t_page_small,
                    small_c * args.scale,
                    t_page_large,
                )
            )
            rows.append(
                (
                    "section page SQL queries",
                    small_c,
                    q_page_small,
                    small_c * args.scale,
                    q_page_large,
                )
            )
            rows.append(
                ("section page HTML (bytes)", small_c, size_small, small_c * args.scale, size_large)
            )
            rows.append(
                (
                    "survey results time (ms)",
                    small_r,
                    t_results_small,
                    small_r * args.scale,
                    t_results_large,
                )
            )

    print(f"{'measure':<28}{'small n':>9}{'small':>11}{'large n':>9}{'large':>11}{'ratio':>8}")
    for name, n1, v1, n2, v2 in rows:
        print(f"{name:<28}{n1:>9}{v1:>11.1f}{n2:>9}{v2:>11.1f}{v2 / v1:>8.2f}")
    print(
        f"\nData grew ×{args.scale}. Page cost should stay near 1.0 (paginated, fixed "
        "queries); results grow with responses but stay in SQL."
    )


if __name__ == "__main__":
    main()
