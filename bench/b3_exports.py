"""B3: exports of comments and survey responses in CSV and XLSX, memory and time.

    make bench-b3                         (fresh SQLite generated at SCALE=full)
    python -m bench.b3_exports --database-url sqlite:////tmp/gen.db
    python -m bench.b3_exports --database-url postgresql+psycopg://…/gen_bench

On a generated database (`consult generate`), each export runs to a null sink in a fresh
process, twice: once for time and peak resident memory (`ru_maxrss` of that process), once
under `tracemalloc` for the peak of Python allocations (tracemalloc slows Python, so its
run is not timed). Two sizes: every row of the kind (100,000 comments and 50,000 responses
at the full scale) and a window of the report's date filter (the newest days) holding about
10,000 of them, so the same exporter is measured at both. Beside each, a reference in the
same run: the raw SQL `SELECT` of the same table's rows, streamed with `yield_per` to
/dev/null, which is the floor any export pays for reading the rows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import date

from bench.common import ROOT, arguments, prepare_database
from bench.common import app as bench_app


class NullSink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def _window(url: str, kind: str, target: int) -> tuple[str, str, int]:
    """A date range (from, to, rows) of the newest days holding about `target` rows."""
    from sqlalchemy import func, select

    from consult.comments.models import Comment
    from consult.extensions import db
    from consult.surveys.models import SurveyResponse

    model = Comment if kind == "comments" else SurveyResponse
    with bench_app(url).app_context():
        days = db.session.execute(
            select(func.date(model.created_at), func.count())
            .group_by(func.date(model.created_at))
            .order_by(func.date(model.created_at).desc())
        ).all()
        taken, first = 0, None
        for day, n in days:
            taken += n
            first = day
            if taken >= target:
                break
        db.engine.dispose()
    return str(first)[:10], str(days[0][0])[:10], taken


def _measure_one(url: str, kind: str, fmt: str, date_from: str | None, traced: bool) -> dict:
    """One export (or `fmt == "sql"`: the reference SELECT) in this process."""
    from sqlalchemy import select

    from consult.comments.models import Comment
    from consult.extensions import db
    from consult.policy.queries import get_policy
    from consult.reports import exports
    from consult.reports.filters import ReportFilters
    from consult.surveys.models import SurveyResponse

    app = bench_app(url)
    with app.app_context():
        policy = get_policy("nsp-2022-2026")
        start = date.fromisoformat(date_from) if date_from else None
        filters = ReportFilters(date_from=start)
        options = exports.ExportOptions(policy, filters, "moderator")
        db.session.execute(select(1))  # connect before measuring
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        if traced:
            tracemalloc.start()
        began = time.perf_counter()
        if fmt == "sql":
            model = Comment if kind == "comments" else SurveyResponse
            stmt = select(*model.__table__.columns).order_by(model.id)
            if start:
                stmt = stmt.where(model.created_at >= filters.starts())
            rows = 0
            with open(os.devnull, "w") as devnull:
                result = db.session.execute(stmt.execution_options(yield_per=1000))
                for partition in result.partitions():
                    for row in partition:
                        devnull.write(repr(row))
                        rows += 1
            size = 0
        else:
            sink = NullSink()
            rows = exports.write_export(kind, fmt, options, sink)
            size = sink.size
        seconds = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1] if traced else None
        if traced:
            tracemalloc.stop()
        db.engine.dispose()
    return {
        "rows": rows,
        "bytes": size,
        "seconds": seconds,
        "tracemalloc_peak": peak,
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "baseline_maxrss": baseline,
    }


def _subprocess(url: str, kind: str, fmt: str, date_from: str | None, traced: bool) -> dict:
    cmd = [sys.executable, "-m", "bench.b3_exports", "--database-url", url, "--one", kind, fmt]
    if date_from:
        cmd += ["--from", date_from]
    if traced:
        cmd.append("--traced")
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = arguments(__doc__, scale="full")
    parser.add_argument("--kinds", default="comments,responses")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--small", type=int, default=10_000, help="rows of the smaller size")
    parser.add_argument(
        "--sizes",
        choices=("both", "all"),
        default="both",
        help="both: the date window and every row; all: every row only (make bench, small)",
    )
    parser.add_argument(
        "--untraced",
        action="store_true",
        help="skip the tracemalloc run (maxrss only): half the processes, for make bench",
    )
    parser.add_argument("--one", nargs=2, metavar=("KIND", "FORMAT"), help=argparse.SUPPRESS)
    parser.add_argument("--from", dest="date_from", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        result = _measure_one(args.database_url, *args.one, args.date_from, args.traced)
        print(json.dumps(result))
        return

    url = prepare_database(args)
    dialect = url.split(":", 1)[0]
    print(
        f"\nB3 exports on {dialect}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        f" (load average {os.getloadavg()[0]:.1f})"
    )
    head = (
        f"{'kind':<10}{'format':<7}{'rows':>9}{'MB out':>8}{'seconds':>9}"
        f"{'tracemalloc MB':>16}{'maxrss MB':>11}{'over app MB':>13}"
    )
    print(head)
    results = []
    for kind in args.kinds.split(","):
        date_from, _to, _n = _window(url, kind, args.small)
        for size_from in (date_from, None) if args.sizes == "both" else (None,):
            for fmt in ["sql", *args.formats.split(",")]:
                timed = _subprocess(url, kind, fmt, size_from, traced=False)
                traced = (
                    {"tracemalloc_peak": float("nan")}
                    if args.untraced
                    else _subprocess(url, kind, fmt, size_from, traced=True)
                )
                row = {
                    "kind": kind,
                    "format": fmt if fmt != "sql" else "SELECT (reference)",
                    "from": size_from,
                    "rows": timed["rows"],
                    "bytes": timed["bytes"],
                    "seconds": timed["seconds"],
                    "tracemalloc_peak": traced["tracemalloc_peak"],
                    "maxrss": timed["maxrss"],
                    "baseline_maxrss": timed["baseline_maxrss"],
                }
                results.append(row)
                print(
                    f"{kind:<10}{fmt:<7}{row['rows']:>9,}{row['bytes'] / 1e6:>8.1f}"
                    f"{row['seconds']:>9.1f}{row['tracemalloc_peak'] / 2**20:>16.1f}"
                    f"{row['maxrss'] / 2**20:>11.1f}"
                    f"{(row['maxrss'] - row['baseline_maxrss']) / 2**20:>13.1f}",
                    flush=True,
                )
    print(
        "\nmaxrss: the process's peak resident memory; 'over app': above the same process"
        " just before the export (the app with its imports).\n"
        "Target (issue #12): peak under 150 MB, the same at 10,000 and 100,000 rows."
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
