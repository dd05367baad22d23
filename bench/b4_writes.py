"""B4: concurrent writes through the real forms, beside the same INSERTs done directly.

    make bench-b4                          (fresh SQLite, generated at SCALE=small)
    python -m bench.b4_writes --database-url postgresql+psycopg://postgres@127.0.0.1/gen_bench
    python -m bench.b4_writes --database-url sqlite:////tmp/gen.db --duration 60

Consult (`wsgi:app`, `CONSULT_ENV=production`) is served by gunicorn with 2 sync workers
(as in B1). `--clients` (32) generated citizens, each its own account, log in through the
real login form (CSRF token and all, B1's code), read the busiest section once signed in
for the form's CSRF token, then for `--duration` seconds each posts, in turn, through the
HTML forms real users post through (not the JSON API, which few people use):

- a comment on the busiest section (`POST …/sections/<s>/comments`, a new text each time),
- an endorsement (`POST /comments/<id>/endorse`) of a published comment of that section
  which the account did not write and has not endorsed,
- a survey response (`POST …/sections/<s>/survey`) to each section's survey the account
  has not answered yet, each once (one response per person per survey).

Success is the form's redirect (302). An endorsement the service refuses also redirects,
with a flash message in the session cookie: the client decodes the cookie and counts that
as an error. 429 (rate limit) is counted apart; any other answer is an error. Afterwards
the rows are counted: comments, endorsements and responses must each have grown by exactly
the number of successes (lost writes = 0).

Limits: every client writes from 127.0.0.1, where real users come from many addresses, and
a real person does not post 5 comments a minute; the run raises the two existing knobs
`RATELIMIT_LOGIN_ADDRESS` and `RATELIMIT_POSTING` (`--posting-limit`) and leaves every
other setting at production's. `--posting-limit 5/minute` measures with production's.

The reference, in the same run, after the servers stop: the same rows (read back from what
Consult wrote, given fresh participants so the unique keys hold) inserted directly through
SQLAlchemy Core, in as many threads as clients, one transaction per write, the same mix
in the same order per thread: a comment's INSERT; an endorsement's INSERT and the
comment's counter UPDATE; a response's INSERT and its answer rows. That is the database's
own write rate on this machine; the ratio Consult / reference says what the app adds.
"""

from __future__ import annotations

import base64
import http.client
import json
import multiprocessing
import os
import platform
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
import zlib

from bench.b1_section_page import (
    _cookie_header,
    _cookies,
    _free_port,
    _gunicorn,
    _login,
    _request,
    _stop,
)
from bench.common import HOST, arguments, env, prepare_database
from bench.common import app as bench_app

POLICY = "nsp-2022-2026"
KINDS = ("comment", "endorsement", "response")
TABLES = {"comment": "comments", "endorsement": "endorsements", "response": "survey_responses"}


def _counts(url: str) -> dict[str, int]:
    from sqlalchemy import text

    from consult.extensions import db

    with bench_app(url).app_context():
        counts = {
            kind: db.session.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 (constants)
            for kind, table in TABLES.items()
        }
        db.engine.dispose()
    return counts


def plan(url: str, clients: int, seed: int) -> dict:
    """Who writes what: accounts, survey form data per account, endorsement targets."""
    from types import SimpleNamespace

    from sqlalchemy import func, select

    from consult.accounts.models import User
    from consult.comments.models import Comment, Endorsement
    from consult.datagen import EMAIL_DOMAIN, GENERATED_PASSWORD, Generator, busiest_section
    from consult.extensions import db
    from consult.policy.models import Section
    from consult.surveys.answers import validate_answers
    from consult.surveys.forms import form_values
    from consult.surveys.models import Survey, SurveyResponse

    rng = random.Random(seed)
    with bench_app(url).app_context():
        slug, _top = busiest_section()
        section = db.session.scalar(select(Section).where(Section.slug == slug))
        objectives = [o.key for o in section.objectives]
        answered = (
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.participant_id == User.participant_id)
            .scalar_subquery()
        )
        # The accounts with the fewest responses, so each has most surveys still to answer.
        users = db.session.execute(
            select(User.email, User.participant_id)
            .where(User.role == "citizen", User.email.like(f"%@{EMAIL_DOMAIN}"))
            .order_by(answered, User.id)
            .limit(clients)
        ).all()
        if len(users) < clients:
            raise SystemExit(f"only {len(users)} generated citizens; need {clients}")
        surveys = db.session.scalars(select(Survey).where(Survey.status == "open")).all()
        done = set(
            db.session.execute(
                select(SurveyResponse.survey_id, SurveyResponse.participant_id).where(
                    SurveyResponse.participant_id.in_([u.participant_id for u in users])
                )
            ).all()
        )
        maker = SimpleNamespace(rng=rng, vocab=["water", "schools", "energy", "rights", "trade"])
        published = db.session.scalars(
            select(Comment.id).where(
                Comment.section_id == section.id, Comment.status == "published"
            )
        ).all()
        own = set(
            db.session.execute(
                select(Comment.participant_id, Comment.id).where(
                    Comment.section_id == section.id,
                    Comment.participant_id.in_([u.participant_id for u in users]),
                )
            ).all()
        )
        endorsed = set(
            db.session.execute(
                select(Endorsement.participant_id, Endorsement.comment_id).where(
                    Endorsement.participant_id.in_([u.participant_id for u in users])
                )
            ).all()
        )
        accounts = []
        for email, pid in users:
            forms = []
            for survey in surveys:
                if (survey.id, pid) in done:
                    continue
                questions = list(survey.questions)
                answers = validate_answers(
                    questions,
                    {
                        q.key: Generator._raw_answer(maker, q)  # the generator's valid answers
                        for q in questions
                        if not q.condition
                    },
                )
                forms.append((survey.section.slug, form_values(questions, answers)))
            targets = [c for c in published if (pid, c) not in own and (pid, c) not in endorsed]
            rng.shuffle(targets)
            accounts.append({"email": email, "pid": pid, "surveys": forms, "endorse": targets})
        db.engine.dispose()
    return {
        "slug": slug,
        "objectives": objectives,
        "password": GENERATED_PASSWORD,
        "accounts": accounts,
    }


# --- the write client -----------------------------------------------------------------


def _flashed(response: http.client.HTTPResponse) -> bool:
    """Whether the response's session cookie carries a flash message (a refusal)."""
    value = _cookies(response).get("session", "")
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".", 1)[0]
    if not payload:
        return False
    try:
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        if compressed:
            data = zlib.decompress(data)
    except (ValueError, zlib.error):
        return False
    return b"_flashes" in data


def _post(port: int, path: str, cookie: str, form) -> tuple[int, bool, float]:
    body = urllib.parse.urlencode(form, doseq=True)
    began = time.perf_counter()
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        response = conn.getresponse()
        response.read()
        conn.close()
    except OSError:
        return 0, False, time.perf_counter() - began
    return response.status, _flashed(response), time.perf_counter() - began


def _client(port, account, setup, start_at, stop_at, index, out) -> None:
    """One participant: comment, endorsement, survey response in turn until the end."""
    cookie, token = setup
    slug = account["slug"]
    rng = random.Random(index)
    surveys = list(account["surveys"])
    targets = list(account["endorse"])
    stats = {k: {"ok": 0, "limited": 0, "errors": 0, "latency": [], "statuses": {}} for k in KINDS}
    n = 0
    while time.time() < start_at:
        time.sleep(0.001)
    turn = 0
    while time.time() < stop_at:
        kind = KINDS[turn % 3]
        turn += 1
        if kind == "comment":
            n += 1
            objective = rng.choice([*account["objectives"], ""])
            form = {
                "csrf_token": token,
                "body": f"Client {index} comment {n}: {rng.random():.12f} on water and schools.",
                "objective": objective,
                "stance": rng.choice(["", "support", "oppose", "concern", "suggestion"]),
                "submit": "Post comment",
            }
            path = f"/policies/{POLICY}/sections/{slug}/comments"
        elif kind == "endorsement":
            if not targets:
                continue
            form = {"csrf_token": token, "value": rng.choice(["agree", "disagree"])}
            path = f"/comments/{targets.pop(0)}/endorse"
        else:
            if not surveys:
                continue
            section, values = surveys.pop(0)
            form = {"csrf_token": token, **values}
            path = f"/policies/{POLICY}/sections/{section}/survey"
        status, flashed, seconds = _post(port, path, cookie, form)
        s = stats[kind]
        s["statuses"][status] = s["statuses"].get(status, 0) + 1
        if status == 302 and not (kind == "endorsement" and flashed):
            s["ok"] += 1
            s["latency"].append(seconds)
        elif status == 429:
            s["limited"] += 1
        else:
            s["errors"] += 1
    out.append(stats)


def _process(port, accounts, setups, start_at, stop_at, offset, queue) -> None:
    out: list = []
    threads = [
        threading.Thread(target=_client, args=(port, a, s, start_at, stop_at, offset + i, out))
        for i, (a, s) in enumerate(zip(accounts, setups, strict=True))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(out)


def _setup(port: int, slug: str, email: str, password: str) -> tuple[str, str]:
    """Log in through the form; read the section signed in for the CSRF token."""
    cookie = _login(port, email, password)
    response, page = _request(
        port, "GET", f"/policies/{POLICY}/sections/{slug}", {"Cookie": cookie}
    )
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    if response.status != 200 or token is None:
        raise RuntimeError(f"no comment form for {email}: {response.status}")
    cookies = dict(pair.split("=", 1) for pair in cookie.split("; "))
    cookies.update(_cookies(response))
    return _cookie_header(cookies), token.group(1).decode()


def run_consult(url: str, the_plan: dict, args) -> dict:
    environment = env(url)
    environment["RATELIMIT_POSTING"] = args.posting_limit
    # Every client logs in from 127.0.0.1.
    environment["RATELIMIT_LOGIN_ADDRESS"] = "10000 per minute"
    port = _free_port()
    server = _gunicorn("wsgi:app", port, environment)
    try:
        accounts = [
            {**a, "slug": the_plan["slug"], "objectives": the_plan["objectives"]}
            for a in the_plan["accounts"]
        ]
        setups = [
            _setup(port, the_plan["slug"], a["email"], the_plan["password"]) for a in accounts
        ]
        before = _counts(url)
        queue: multiprocessing.Queue = multiprocessing.Queue()
        start_at = time.time() + 1.0
        stop_at = start_at + args.duration
        half = (len(accounts) + 1) // 2
        procs = [
            multiprocessing.Process(
                target=_process,
                args=(port, accounts[i:j], setups[i:j], start_at, stop_at, i, queue),
            )
            for i, j in ((0, half), (half, len(accounts)))
            if j > i
        ]
        for p in procs:
            p.start()
        per_client = []
        for _ in procs:
            per_client.extend(queue.get())
        for p in procs:
            p.join()
        elapsed = max(time.time() - start_at, args.duration)
    finally:
        _stop(server)
    after = _counts(url)
    result = {}
    for kind in KINDS:
        latency = sorted(x for c in per_client for x in c[kind]["latency"])
        ok = sum(c[kind]["ok"] for c in per_client)
        statuses: dict[str, int] = {}
        for c in per_client:
            for status, n in c[kind]["statuses"].items():
                statuses[str(status)] = statuses.get(str(status), 0) + n
        result[kind] = {
            "ok": ok,
            "per_s": ok / elapsed,
            "p50_ms": statistics.median(latency) * 1000 if latency else float("nan"),
            "p99_ms": latency[min(len(latency) - 1, int(len(latency) * 0.99))] * 1000
            if latency
            else float("nan"),
            "limited": sum(c[kind]["limited"] for c in per_client),
            "errors": sum(c[kind]["errors"] for c in per_client),
            "statuses": statuses,
            "rows_added": after[kind] - before[kind],
            "lost": ok - (after[kind] - before[kind]),
        }
    return {"seconds": elapsed, "kinds": result, "before": before, "after": after}


# --- the reference: the same rows, inserted directly --------------------------------------


def run_reference(url: str, the_plan: dict, before: dict, threads: int) -> dict:
    """Consult's new rows again, for fresh participants, through Core in `threads` threads."""
    from sqlalchemy import create_engine, func, insert, select, text, update

    from consult.accounts.models import Participant
    from consult.comments import tallies
    from consult.comments.models import Comment, Endorsement
    from consult.extensions import db
    from consult.surveys.models import Answer, SurveyResponse

    app = bench_app(url)
    with app.app_context():
        # Its own engine: a connection per thread (the app's pool is sized for a worker).
        sqlite = url.startswith("sqlite")
        engine = create_engine(
            url,
            pool_size=threads,
            max_overflow=0,
            connect_args={"timeout": float(app.config["SQLITE_BUSY_TIMEOUT"])} if sqlite else {},
        )
        pids = [a["pid"] for a in the_plan["accounts"]]

        # Consult's new rows: the newest `before`-counted ids onwards, per writer.
        def newest(model, n):
            return (
                db.session.execute(
                    select(*model.__table__.columns).order_by(model.id.desc()).limit(n)
                )
                .mappings()
                .all()[::-1]
            )

        comments = newest(
            Comment, db.session.scalar(select(func.count(Comment.id))) - before["comment"]
        )
        endorsements = newest(
            Endorsement,
            db.session.scalar(select(func.count(Endorsement.id))) - before["endorsement"],
        )
        responses = newest(
            SurveyResponse,
            db.session.scalar(select(func.count(SurveyResponse.id))) - before["response"],
        )
        answers: dict[int, list] = {}
        for row in db.session.execute(
            select(*Answer.__table__.columns).where(
                Answer.response_id.in_([r["id"] for r in responses] or [0])
            )
        ).mappings():
            answers.setdefault(row["response_id"], []).append(dict(row))
        # Fresh participants, copies of the clients', so every unique key is free.
        fresh = {}
        for row in db.session.execute(
            select(*Participant.__table__.columns).where(Participant.id.in_(pids))
        ).mappings():
            copy = {k: v for k, v in row.items() if k != "id"}
            copy["display_name"] = f"Reference {row['id']}"
            copy["kind"] = "attendee"
            if "name_key" in copy:
                copy["name_key"] = f"reference {row['id']}"
            new_id = db.session.execute(
                insert(Participant).values(**copy).returning(Participant.id)
            ).scalar_one()
            fresh[row["id"]] = new_id
        db.session.commit()
        ops: dict[int, list] = {pid: [] for pid in pids}
        for c in comments:
            ops.setdefault(c["participant_id"], []).append(("comment", c["created_at"], dict(c)))
        for e in endorsements:
            ops.setdefault(e["participant_id"], []).append(
                ("endorsement", e["created_at"], dict(e))
            )
        for r in responses:
            ops.setdefault(r["participant_id"], []).append(("response", r["created_at"], dict(r)))
        postgres = not sqlite

        def write(conn, kind, row, pid):
            if kind == "comment":
                row = {k: v for k, v in row.items() if k not in ("id", "root_id")}
                row["participant_id"] = pid
                if postgres:
                    new_id = conn.scalar(
                        text("SELECT nextval(pg_get_serial_sequence('comments', 'id'))")
                    )
                else:
                    new_id = select(func.coalesce(func.max(Comment.id), 0) + 1).scalar_subquery()
                conn.execute(insert(Comment).values(id=new_id, root_id=new_id, **row))
            elif kind == "endorsement":
                row = {k: v for k, v in row.items() if k != "id"}
                row["participant_id"] = pid
                conn.execute(insert(Endorsement).values(**row))
                counter = Comment.agree_count if row["value"] == "agree" else Comment.disagree_count
                conn.execute(
                    update(Comment)
                    .where(Comment.id == row["comment_id"])
                    .values({counter: counter + 1})
                )
            else:
                old = row.pop("id")
                row["participant_id"] = pid
                row["respondent_key"] = f"reference:{pid}"
                new_id = conn.execute(
                    insert(SurveyResponse).values(**row).returning(SurveyResponse.id)
                ).scalar_one()
                rows = [
                    {**{k: v for k, v in a.items() if k != "id"}, "response_id": new_id}
                    for a in answers.get(old, [])
                ]
                if rows:
                    conn.execute(insert(Answer), rows)

        latencies = {k: [] for k in KINDS}
        errors = [0]
        lock = threading.Lock()

        def worker(pid):
            mine = {k: [] for k in KINDS}
            bad = 0
            for kind, _at, row in sorted(ops.get(pid, []), key=lambda o: o[1]):
                began = time.perf_counter()
                try:
                    with engine.begin() as conn:
                        write(conn, kind, dict(row), fresh[pid])
                    mine[kind].append(time.perf_counter() - began)
                except Exception as exc:  # counted, then shown: the reference must be clean
                    bad += 1
                    print(f"reference {kind}: {exc!r}"[:300], file=sys.stderr)
            with lock:
                for k in KINDS:
                    latencies[k].extend(mine[k])
                errors[0] += bad

        pool = [threading.Thread(target=worker, args=(pid,)) for pid in pids]
        began = time.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.perf_counter() - began
        with engine.begin() as conn:  # the direct comments bypassed the kept counts
            tallies.rebuild(conn)
        engine.dispose()
        db.engine.dispose()
    result = {}
    for kind in KINDS:
        lat = sorted(latencies[kind])
        result[kind] = {
            "ok": len(lat),
            "per_s": len(lat) / elapsed if elapsed else float("nan"),
            "p50_ms": statistics.median(lat) * 1000 if lat else float("nan"),
            "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else float("nan"),
        }
    return {"seconds": elapsed, "kinds": result, "errors": errors[0]}


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of writing")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--posting-limit",
        default="10000 per minute",
        help="RATELIMIT_POSTING for the run ('5 per minute' is production's)",
    )
    args = parser.parse_args()

    url = prepare_database(args)
    the_plan = plan(url, args.clients, args.seed)
    consult = run_consult(url, the_plan, args)
    reference = run_reference(url, the_plan, consult["before"], args.clients)
    dialect = url.split(":", 1)[0].split("+")[0]
    print(
        f"\nB4 writes on {dialect}: {args.clients} clients (own accounts, real forms) for "
        f"{args.duration:g} s against gunicorn 2 sync workers; RATELIMIT_POSTING "
        f"{args.posting_limit!r}; {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'kind':<13}{'ok':>7}{'writes/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'429':>6}"
        f"{'errors':>8}{'rows +':>8}{'lost':>6}{'ref w/s':>9}{'ref p50':>9}{'ref p99':>9}"
    )
    total_c = total_r = 0.0
    for kind in KINDS:
        c, r = consult["kinds"][kind], reference["kinds"][kind]
        total_c += c["per_s"]
        total_r += r["per_s"]
        print(
            f"{kind:<13}{c['ok']:>7}{c['per_s']:>10.1f}{c['p50_ms']:>9.0f}{c['p99_ms']:>9.0f}"
            f"{c['limited']:>6}{c['errors']:>8}{c['rows_added']:>8}{c['lost']:>6}"
            f"{r['per_s']:>9.1f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
        )
        if c["errors"]:
            print(f"  {kind} answers: {c['statuses']}")
    ratio = total_c / total_r if total_r else float("nan")
    print(
        f"{'all':<13}{'':>7}{total_c:>10.1f}{'':>48}{total_r:>9.1f}\n"
        f"ratio Consult / direct INSERTs (same rows, same mix): {ratio:.3f}; "
        f"reference errors {reference['errors']}"
    )
    lost = sum(consult["kinds"][k]["lost"] for k in KINDS)
    print("Lost writes: " + ("0" if lost == 0 else f"{lost} (rows counted after differ)"))
    if args.json:
        args.json.write_text(
            json.dumps({"consult": consult, "reference": reference, "ratio": ratio}, indent=2)
        )
    if lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
