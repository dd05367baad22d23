"""Profile the busiest section page in this process: time and statements per view, signed
out and signed in, and where a signed-in view spends its time.

    python -m bench.profile_section --database-url sqlite:////tmp/gen_full.db
    python -m bench.profile_section --database-url postgresql+psycopg://…/gen_bench --profile

Not a benchmark (B1 is, under load beside the bare app): the first step before changing
the hot path. The app runs as in production (production settings, the page cache on, CSRF
on); a generated citizen signs in through the real login form; after a few warm-up views
each reader views the page `--views` times through the test client, and the statements
are counted at the engine. `--profile` adds a pyinstrument profile of the signed-in
views; `--explain` prints the plan of the statement a signed-in view runs besides loading
the account (the section's version with the reader's own rows).
"""

from __future__ import annotations

import os
import re
import time

from bench.b1_section_page import _facts
from bench.common import SECRET, arguments, prepare_database


def _app(url: str):
    """The app in production mode; settings passed in, not through the environment, which
    `config.py` has read already (B1's facts imported the app first)."""
    os.environ.setdefault("SECRET_KEY", SECRET)
    from consult import create_app

    return create_app(
        "production",
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "PUBLIC_BASE_URL": "https://localhost",
            "TRUSTED_HOSTS": ["localhost"],
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_ENABLED": False,
        },
    )


def _sign_in(app, email: str, password: str):
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # the session cookie is Secure
    client.environ_base["HTTP_REFERER"] = "https://localhost/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"email": email, "password": password, "csrf_token": token}
    response = client.post("/auth/login", data=form)
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")
    return client


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--views", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="pyinstrument, signed in")
    parser.add_argument("--explain", action="store_true", help="the plan of the hot statement")
    args = parser.parse_args()
    url = prepare_database(args)
    facts = _facts(url)  # the busiest section and a generated citizen, as B1 picks them
    slug, top_level = facts["slug"], facts["top_level"]
    app = _app(url)

    from sqlalchemy import event

    from consult.extensions import db

    with app.app_context():
        engine = db.engine
    path = f"/policies/nsp-2022-2026/sections/{slug}"
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    readers = {"out": app.test_client(), "in": _sign_in(app, facts["email"], facts["password"])}
    print(f"{slug}: {top_level:,} top-level comments; {engine.dialect.name}; {args.views} views")
    for who, client in readers.items():
        for _ in range(5):
            client.get(path)
        statements.clear()
        began = time.perf_counter()
        for _ in range(args.views):
            response = client.get(path)
        per_view = (time.perf_counter() - began) / args.views
        print(
            f"signed {who:<3}  {response.status_code}  {len(response.data):,} bytes  "
            f"{per_view * 1000:.2f} ms a view  {len(statements) / args.views:.1f} statements"
        )
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        with profiler:
            for _ in range(args.views):
                readers["in"].get(path)
        print(profiler.output_text(unicode=False, color=False))
    if args.explain:
        _explain(app, slug)


def _explain(app, slug: str) -> None:
    from sqlalchemy import select, text

    from consult.comments.models import Comment
    from consult.extensions import db
    from consult.policy import hooks
    from consult.policy.page_cache import _state_with_reader_rows

    with app.app_context():
        dialect = db.engine.dialect
        statement = _state_with_reader_rows(hooks.reader_select(dialect.name))
        section_id = db.session.scalar(text("SELECT id FROM sections WHERE slug = :s"), {"s": slug})
        ids = list(
            db.session.scalars(
                select(Comment.id)
                .where(Comment.section_id == section_id, Comment.status == "published")
                .order_by(Comment.id.desc())
                .limit(27)
            )
        )
        reader = db.session.scalar(select(Comment.participant_id).where(Comment.id == ids[3]))
        params = {
            "policy_slug": "nsp-2022-2026",
            "section_slug": slug,
            "reader": reader,
            "section_id": section_id,
            "comment_ids": ids,
        }
        connection = db.session.connection()
        if dialect.name == "postgresql":
            compiled = statement.compile(dialect=dialect)
            rows = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, COSTS OFF) " + str(compiled), compiled.construct_params(params)
            ).all()
        else:
            literal = statement.params(**params).compile(
                dialect=dialect, compile_kwargs={"literal_binds": True, "render_postcompile": True}
            )
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(literal)).all()
        print("\n".join(" | ".join(str(x) for x in row) for row in rows))
        db.session.remove()


if __name__ == "__main__":
    main()
