"""B2: the report API beside the raw SQL it needs, run directly, in the same run.

    make bench-b2                          (fresh SQLite, generated at SCALE=small)
    python -m bench.b2_report --database-url sqlite:////tmp/gen.db
    python -m bench.b2_report --database-url postgresql+psycopg://postgres@127.0.0.1/gen_bench

For each case (the whole report, a profile-filtered one, one section, one channel and a
date range) the report is requested through the API by a moderator (exact numbers, every
query of the report), in process, through Flask's test client. Every statement the request
sends to the database is recorded with its parameters; the reference is those statements
replayed on a raw DBAPI cursor, fetching every row, with no ORM, no Python reshaping, no
JSON and no HTTP. The ratio report / raw SQL says what Consult adds on top of the database
work; the target (issue 12) is at most 2 at the default scale, and under 1 second.

Medians of `--repeat` runs after one warm-up each, measured back to back. Not a timed test.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time

from bench.common import app as bench_app
from bench.common import arguments, prepare_database

REPORT = "/api/v1/policies/nsp-2022-2026/report"
CASES = [
    ("whole report", ""),
    ("province=punjab & gender=woman", "?province=punjab&gender=woman"),
    ("section=human-security", "?section=human-security"),
    ("channel=hearing", "?channel=hearing"),
    ("a 30-day range", None),  # filled in from the data's own dates
]


def _median_ms(fn, repeat: int) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def _measure(client, headers: dict[str, str], query: str, repeat: int) -> dict:
    """The report request's time and the time of its SELECTs replayed on a raw cursor."""
    from sqlalchemy import event

    from consult.extensions import db

    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    def api() -> dict:
        response = client.get(REPORT + query, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{query}: {response.status_code} {response.data[:300]!r}")
        return response.get_json()

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        body = api()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    report_ms = _median_ms(api, repeat)

    def raw() -> None:
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            cursor.close()
        finally:
            connection.close()

    raw_ms = _median_ms(raw, repeat)
    slowest = []
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        for statement, parameters in statements:
            began = time.perf_counter()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            slowest.append(((time.perf_counter() - began) * 1000, " ".join(statement.split())))
        cursor.close()
    finally:
        connection.close()
    slowest.sort(reverse=True)
    return {
        "slowest": [{"ms": round(ms, 1), "sql": sql} for ms, sql in slowest[:5]],
        "statements": len(statements),
        "report_ms": round(report_ms, 1),
        "raw_sql_ms": round(raw_ms, 1),
        "ratio": round(report_ms / raw_ms, 2) if raw_ms else None,
        "report_comments": body["participation"]["comments"],
    }


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--statements", type=int, default=0, help="print the 5 slowest, N characters of each"
    )
    args = parser.parse_args()
    url = prepare_database(args)

    from datetime import timedelta

    from sqlalchemy import func, select

    from consult.accounts import services as accounts
    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.core.transaction import transaction
    from consult.extensions import db

    app = bench_app(url)
    results = []
    with app.app_context():
        moderator = db.session.scalar(select(User).where(User.role == "moderator").limit(1))
        if moderator is None:
            raise SystemExit("no moderator in this database: generate it with `consult generate`")
        with transaction():
            token = accounts.create_api_token(moderator, "bench b2").plaintext
        comments = db.session.scalar(select(func.count()).select_from(Comment))
        newest = db.session.scalar(select(func.max(Comment.created_at)))
        db.session.remove()
        start = (newest - timedelta(days=30)).date().isoformat()
        cases = [
            (name, query if query is not None else f"?from={start}&to={newest.date()}")
            for name, query in CASES
        ]
        headers = {"Authorization": f"Bearer {token}"}
        client = app.test_client()

        for name, query in cases:
            results.append(
                {"case": name, "query": query, **_measure(client, headers, query, args.repeat)}
            )

    print(f"B2 report, {url.split('://')[0]}, {comments:,} comments in the database")
    print(f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python")
    print(f"{platform.python_version()}; medians of {args.repeat} after one warm-up")
    print()
    print("| case | SQL statements | report API ms | raw SQL ms | ratio | comments counted |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['case']} | {r['statements']} | {r['report_ms']:,.1f} | {r['raw_sql_ms']:,.1f}"
            f" | {r['ratio']} | {r['report_comments']:,} |"
        )
    if args.statements:
        for r in results:
            print(f"\nSlowest statements, {r['case']}:")
            for item in r["slowest"]:
                print(f"  {item['ms']:8.1f} ms  {item['sql'][: args.statements]}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
