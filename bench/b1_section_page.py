"""B1: the busiest section page under load, beside a bare Flask app emitting the same bytes.

    make bench-b1                      (fresh SQLite, generated at SCALE=small)
    python -m bench.b1_section_page --database-url postgresql+psycopg://…/gen_bench
    python -m bench.b1_section_page --database-url sqlite:////tmp/gen.db --duration 10

Both apps are served by gunicorn with 2 sync workers on 127.0.0.1. For each page (default,
`?sort=top`, a deep `?page=N`), signed out and signed in, the real page is fetched once;
the bare app (`bench/bare_app.py`) serves exactly those bytes from memory through one Jinja
loop. Then each is loaded for `--duration` seconds at fixed concurrency (16 by default)
by the load client below, back to back, and the table shows bytes, requests per second,
p50 and p99 and the ratio Consult / bare.

The load client is Python (wrk is not installed here): 2 processes x 8 threads, one
connection per request on a raw socket with a prebuilt request (gunicorn's sync workers
close every connection anyway); only 200 responses count, anything else is an error. It
shares the 2 cores with the servers, so the bare app's figure is a floor of the framework
limit, and the ratio errs in Consult's favour.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.common import BIN, HOST, ROOT, arguments, env, prepare_database
from bench.common import app as bench_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _gunicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    help_text = subprocess.run(
        [str(BIN / "gunicorn"), "--help"], capture_output=True, text=True
    ).stdout
    extra = ["--no-control-socket"] if "--no-control-socket" in help_text else []
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            # Not the production gunicorn.conf.py of the repository root (threads, access
            # log, worker recycling): B1 measures two plain sync workers on both sides.
            "--config",
            "python:bench",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "300",  # a pathological page must be measured, not killed at 30 s
            *extra,
            app,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{app} did not start on port {port}")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)  # its own session: the arbiter and its workers
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def _request(port: int, method: str, path: str, headers=None, body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=300)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def _login(port: int, email: str, password: str) -> str:
    """Log in once through the real form; returns the Cookie header of the session."""
    response, page = _request(port, "GET", "/auth/login")
    cookies = _cookies(response)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": email, "password": password}
    if token:
        form["csrf_token"] = token.group(1).decode()
    response, data = _request(
        port,
        "POST",
        "/auth/login",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _cookie_header(cookies),
        },
        urllib.parse.urlencode(form),
    )
    if response.status != 302:
        raise RuntimeError(f"login failed: {response.status} {data[:300]!r}")
    cookies.update(_cookies(response))
    return _cookie_header(cookies)


def _cookies(response) -> dict[str, str]:
    found = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            found[key.strip()] = val.strip()
    return found


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items() if v)


# --- the load client -------------------------------------------------------------------


def _worker(port, path, headers, threads, start_at, stop_at, out) -> None:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    # A raw socket and a prebuilt request: far lighter than http.client, so the client
    # takes less of the CPU the servers share with it.
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n{extra}\r\n"
    ).encode()

    def loop() -> None:
        mine = []
        bad = 0
        while time.time() < start_at:
            time.sleep(0.001)
        while True:
            began = time.perf_counter()
            if time.time() >= stop_at:
                break
            try:
                with socket.create_connection((HOST, port), timeout=30) as sock:
                    sock.sendall(request)
                    first = sock.recv(65536)
                    while sock.recv(65536):  # gunicorn's sync worker closes: read to EOF
                        pass
                ok = first.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))
            except OSError:
                ok = False
            if ok:
                mine.append(time.perf_counter() - began)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((latencies, errors[0]))


def load(port: int, path: str, headers: dict[str, str], duration: float, concurrency: int):
    """Fixed concurrency for `duration` seconds: (req/s, p50 ms, p99 ms, errors)."""
    procs_n = 2 if concurrency >= 2 else 1
    per = [concurrency // procs_n + (i < concurrency % procs_n) for i in range(procs_n)]
    out: multiprocessing.Queue = multiprocessing.Queue()
    start_at = time.time() + 0.5
    stop_at = start_at + duration
    procs = [
        multiprocessing.Process(
            target=_worker, args=(port, path, headers, n, start_at, stop_at, out)
        )
        for n in per
    ]
    for p in procs:
        p.start()
    latencies, errors = [], 0
    for _ in procs:
        lat, err = out.get()
        latencies.extend(lat)
        errors += err
    for p in procs:
        p.join()
    latencies.sort()
    if not latencies:
        return 0.0, float("nan"), float("nan"), errors
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / duration, statistics.median(latencies) * 1000, p99 * 1000, errors


# --- the run ---------------------------------------------------------------------------


def _facts(url: str) -> dict:
    from sqlalchemy import func, select

    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.datagen import EMAIL_DOMAIN, GENERATED_PASSWORD, busiest_section
    from consult.extensions import db

    with bench_app(url).app_context():
        slug, top_level = busiest_section()
        email = db.session.scalar(
            select(User.email)
            .where(User.role == "citizen", User.email.like(f"%@{EMAIL_DOMAIN}"))
            .order_by(User.id)
            .limit(1)
        )
        comments = db.session.scalar(select(func.count()).select_from(Comment))
        dialect = db.engine.dialect.name
        db.engine.dispose()
    return {
        "slug": slug,
        "top_level": top_level,
        "email": email,
        "password": GENERATED_PASSWORD,
        "comments": comments,
        "dialect": dialect,
    }


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--max-single",
        type=float,
        default=5.0,
        help="seconds: a page slower than this alone gets no load test (req/s = 2 / time)",
    )
    parser.add_argument(
        "--cache-redis",
        metavar="URL",
        help="the page cache in this Redis (as in production) instead of each worker's memory",
    )
    args = parser.parse_args()

    url = prepare_database(args)
    facts = _facts(url)
    base = f"/policies/nsp-2022-2026/sections/{facts['slug']}"
    deep = max(1, int(facts["top_level"] / 20 * 0.95))
    variants = [
        ("default", base),
        ("sort=top", f"{base}?sort=top"),
        (f"page={deep}", f"{base}?page={deep}"),
    ]

    environment = env(url)
    if args.cache_redis:  # a prefix of this run's own: no page of an earlier run is found
        environment["CACHE_REDIS_URL"] = args.cache_redis
        environment["CACHE_KEY_PREFIX"] = f"b1-{os.getpid()}-{time.time_ns()}:"
    consult_port, bare_port = _free_port(), _free_port()
    consult = _gunicorn("wsgi:app", consult_port, environment)
    bare = None
    results = []
    try:
        cookie = _login(consult_port, facts["email"], facts["password"])
        pages, cases = {}, []
        for auth, headers in (("out", {}), ("in", {"Cookie": cookie})):
            for name, path in variants:
                response, body = _request(consult_port, "GET", path, headers)
                if response.status != 200:
                    raise RuntimeError(f"{path} signed {auth}: {response.status}")
                if auth == "in" and b"/auth/logout" not in body and b"logout" not in body:
                    raise RuntimeError("the signed-in page does not look signed in")
                key = f"{name.replace('=', '-')}-{auth}"
                pages[key] = body.decode("utf-8")
                cases.append((name, auth, path, headers, key, len(body)))
        pages_file = Path(tempfile.mkdtemp(prefix="b1-pages-")) / "pages.json"
        pages_file.write_text(json.dumps(pages), encoding="utf-8")
        bare = _gunicorn(
            "bench.bare_app:app", bare_port, {**environment, "BARE_PAGES": str(pages_file)}
        )
        for key, text in pages.items():  # the bare app must give the very same bytes
            _, body = _request(bare_port, "GET", f"/{key}")
            if body != text.encode("utf-8"):
                raise RuntimeError(f"bare app bytes differ for {key}")

        print(
            f"\nB1 section page: {facts['slug']} ({facts['top_level']:,} top-level comments, "
            f"{facts['comments']:,} in all), {facts['dialect']}, gunicorn 2 sync workers, "
            f"concurrency {args.concurrency}, {args.duration:g} s each, page cache "
            f"{'in Redis' if args.cache_redis else 'per worker'}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
        )
        for name, auth, path, headers, key, size in cases:
            single = []
            for _ in range(3):  # one request at a time: the cost of one page, unloaded
                began = time.perf_counter()
                _request(consult_port, "GET", path, headers)
                single.append((time.perf_counter() - began) * 1000)
                if single[-1] > args.max_single * 1000:
                    break
            one = statistics.median(single)
            if one > args.max_single * 1000:
                nan = float("nan")
                c = (1000 / one * 2, nan, nan, 0)  # 2 workers: an upper bound, not a load test
                print(f"  {name} signed {auth}: {one:,.0f} ms per request, no load test")
            else:
                load(consult_port, path, headers, 1.0, args.concurrency)  # warm up
                c = load(consult_port, path, headers, args.duration, args.concurrency)
            load(bare_port, f"/{key}", {}, 1.0, args.concurrency)
            b = load(bare_port, f"/{key}", {}, args.duration, args.concurrency)
            results.append(
                {
                    "page": name,
                    "signed": auth,
                    "bytes": size,
                    "single_ms": one,
                    "consult": {"rps": c[0], "p50_ms": c[1], "p99_ms": c[2], "errors": c[3]},
                    "bare": {"rps": b[0], "p50_ms": b[1], "p99_ms": b[2], "errors": b[3]},
                    "ratio": c[0] / b[0] if b[0] else float("nan"),
                }
            )
            print(f"  measured {name} signed {auth}", file=sys.stderr)
    finally:
        _stop(consult)
        if bare is not None:
            _stop(bare)

    head = (
        f"{'page':<11}{'signed':>7}{'bytes':>9}{'one ms':>9}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'bare r/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>8}{'errors':>8}"
    )
    print(head)
    for r in results:
        c, b = r["consult"], r["bare"]
        print(
            f"{r['page']:<11}{r['signed']:>7}{r['bytes']:>9,}{r['single_ms']:>9,.0f}{c['rps']:>9.1f}{c['p50_ms']:>8.1f}"
            f"{c['p99_ms']:>8.1f}{b['rps']:>10.1f}{b['p50_ms']:>8.1f}{b['p99_ms']:>8.1f}"
            f"{r['ratio']:>8.3f}{c['errors'] + b['errors']:>8}"
        )
    print("\nTargets (issue #13): ratio >= 0.5 signed out, >= 0.25 signed in.")
    if args.json:
        args.json.write_text(json.dumps({"facts": facts, "results": results}, indent=2))


if __name__ == "__main__":
    main()
