"""`make bench`: B1 to B5 on SQLite and PostgreSQL, one generated data set each, a summary.

    make bench                      small scale, SQLite and PostgreSQL (about 4-5 minutes)
    make bench SCALE=full           the default scale of `consult generate` (much longer)
    make bench BENCH_PG=            SQLite only
    python -m bench.all --scale small --pg postgresql+psycopg://postgres@127.0.0.1:5432

For each database a fresh data set is generated at the scale (SQLite: a file in a temporary
directory; PostgreSQL: the scratch database `consult_bench_<scale>` on the `--pg` server,
dropped and created again), then each benchmark runs on it in its own process, printing its
own table, in the order B1, B2, B3, B5, B4 (B4 writes, so it goes last). At the small
scale the measurements are shortened to fit (B1 2 s per page, B2 3 repeats, B3 every row
only and without the tracemalloc run, B4 10 s); SCALE=full runs each at its own defaults
(B4 60 s). The summary at the end gives every benchmark's headline figure and its ratio
against the reference measured in the same run, for both databases. If PostgreSQL cannot
be reached, it is skipped and the summary says so. The exit status is non-zero if any
benchmark failed (B4 lost a write, B5 found a page over budget, a benchmark crashed).

Before B1-B5 `make bench` ran bench/run.py, a growth ratio (section page and survey
results, small vs 10x data); it is kept as `make bench-growth`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, generate

SMALL = {
    "b1": ["--duration", "2"],
    "b2": ["--repeat", "3"],
    "b3": ["--sizes", "all", "--untraced"],
    "b5": [],
    "b4": ["--duration", "10"],
}
FULL = {"b1": [], "b2": [], "b3": [], "b5": [], "b4": ["--duration", "60"]}
MODULES = {
    "b1": "bench.b1_section_page",
    "b2": "bench.b2_report",
    "b3": "bench.b3_exports",
    "b5": "bench.b5_page_weight",
    "b4": "bench.b4_writes",
}


def _scratch_pg(server: str, name: str) -> str | None:
    """Drop and create `name` on the server; its URL, or None if the server is not there."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server)
    try:
        conn = psycopg.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL at {server} not reachable ({exc}): skipped", flush=True)
        return None
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False
    )


def _run(key: str, url: str, scale: str, out: Path) -> tuple[float, int, object]:
    extra = (SMALL if scale != "full" else FULL)[key]
    cmd = [sys.executable, "-m", MODULES[key], "--database-url", url, "--json", str(out), *extra]
    print(f"\n=== {key.upper()} ({' '.join(extra) or 'defaults'}) ===", flush=True)
    began = time.perf_counter()
    code = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}).returncode
    seconds = time.perf_counter() - began
    data = json.loads(out.read_text()) if out.exists() else None
    return seconds, code, data


def _summary(name: str, results: dict) -> list[str]:
    lines = [f"\n{name}"]
    b1 = results.get("b1")
    if b1:
        lines.append("  B1 section page, Consult req/s / bare Flask req/s, same bytes:")
        for r in b1["results"]:
            lines.append(
                f"    {r['page']:<10} signed {r['signed']:<3} {r['consult']['rps']:7.1f} /"
                f" {r['bare']['rps']:7.1f}  ratio {r['ratio']:.3f}"
                f"  p99 {r['consult']['p99_ms']:,.0f} ms  errors"
                f" {r['consult']['errors'] + r['bare']['errors']}"
            )
    b2 = results.get("b2")
    if b2:
        lines.append("  B2 report API ms / raw SQL ms:")
        for r in b2:
            lines.append(
                f"    {r['case']:<32} {r['report_ms']:8.1f} / {r['raw_sql_ms']:8.1f}"
                f"  ratio {r['ratio']}"
            )
    b3 = results.get("b3")
    if b3:
        lines.append("  B3 exports, s (export / SELECT of the same rows), MB over the app:")
        select = {
            (r["kind"], r["from"]): r["seconds"] for r in b3 if r["format"].startswith("SELECT")
        }
        for r in b3:
            if r["format"].startswith("SELECT"):
                continue
            ref = select.get((r["kind"], r["from"]))
            ratio = r["seconds"] / ref if ref else float("nan")
            lines.append(
                f"    {r['kind']:<10}{r['format']:<5}{r['rows']:>8,} rows {r['seconds']:6.1f} /"
                f" {ref or float('nan'):5.1f}  ratio {ratio:5.1f}"
                f"  +{(r['maxrss'] - r['baseline_maxrss']) / 2**20:.1f} MB"
            )
    b4 = results.get("b4")
    if b4:
        kinds = b4["consult"]["kinds"]
        ref = b4["reference"]["kinds"]
        lines.append("  B4 writes/s, Consult / the same rows inserted directly:")
        for kind, c in kinds.items():
            lines.append(
                f"    {kind:<12} {c['per_s']:6.1f} / {ref[kind]['per_s']:6.1f}"
                f"  p99 {c['p99_ms']:,.0f} ms  errors {c['errors']}  429 {c['limited']}"
                f"  lost {c['lost']}"
            )
        lines.append(f"    all          ratio {b4['ratio']:.3f}")
    b5 = results.get("b5")
    if b5:
        over = [f"{r['who']} {r['page']}" for r in b5 if r.get("over")]
        lines.append(
            f"  B5 page weight: {len(b5) - len(over)} of {len(b5)} pages within DESIGN §4"
            + (f"; over: {', '.join(over)}" if over else "")
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", default="small", help="tiny|small|full")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG", ""),
        help="a PostgreSQL server URL (its scratch database is created); empty: SQLite only",
    )
    parser.add_argument("--only", default="b1,b2,b3,b5,b4", help="which benchmarks")
    args = parser.parse_args()

    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    databases = [("SQLite", f"sqlite:///{tmp}/bench.db")]
    if args.pg:
        pg = _scratch_pg(args.pg, f"consult_bench_{args.scale}")
        databases.append(("PostgreSQL", pg) if pg else ("PostgreSQL", None))
    summaries, failures, timings = [], [], []
    for name, url in databases:
        if url is None:
            summaries.append([f"\n{name}: skipped (server not reachable)"])
            continue
        print(f"\n##### {name}: generating scale {args.scale} on {url}", flush=True)
        seconds = generate(url, args.scale, args.seed)
        timings.append(f"{name} generate {seconds:.0f} s")
        results = {}
        for key in args.only.split(","):
            seconds, code, data = _run(key, url, args.scale, tmp / f"{name}-{key}.json")
            timings.append(f"{name} {key.upper()} {seconds:.0f} s")
            if code:
                failures.append(f"{name} {key.upper()} (exit {code})")
            if data is not None:
                results[key] = data
        summaries.append(_summary(f"{name} ({url.split('://')[0]}), scale {args.scale}", results))
    print("\n##### Summary: each figure beside its reference, measured in the same run")
    for lines in summaries:
        print("\n".join(lines))
    print(f"\nTime: {', '.join(timings)}; total {time.perf_counter() - began:.0f} s")
    if failures:
        print("Failed: " + ", ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
