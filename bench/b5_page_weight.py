"""B5: the weight of every page type against DESIGN §4's budgets.

    make bench-b5                          (fresh SQLite, generated at SCALE=small)
    python -m bench.b5_page_weight --database-url postgresql+psycopg://postgres@127.0.0.1/gen_bench

Each page type of docs/urls.md that a person reads (public pages signed out; the signed-in
citizen's pages; the moderator's pages; an attendee's hearing pages, after joining through
the real join form) is fetched through Flask's test client on a generated database: the
HTML's bytes raw and gzipped (level 6, what a proxy sends), and every CSS, JavaScript and
font file the page references (`<link rel=stylesheet>`, `<script src>`, font preloads, and
`@import`/`url(…)` in the CSS, followed), fetched too and added up per page. A reference to
another origin is a third-party request.

Budgets (DESIGN §4), before gzip, on any page: CSS <= 30 KB, JS <= 30 KB, no web fonts,
no third-party request; a section page with 50 comments under 100 KB of HTML. The 100 KB
is applied here to every page a reader or a moderator works in, except the report (a long
document of charts and tables: its HTML is shown, not judged). An attendee's pages are
measured when the database has an open hearing (the full scale has some; small has none).
`tests/core/test_page_weight.py` asserts the same budgets on the main public pages.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit

from bench.common import app as bench_app
from bench.common import arguments, prepare_database

KB = 1024
BUDGETS = {"html": 100 * KB, "css": 30 * KB, "js": 30 * KB, "fonts": 0}
UNBUDGETED_HTML = {"report"}
FONT_SUFFIXES = (".woff", ".woff2", ".ttf", ".otf", ".eot")
_TAG = re.compile(r"<(link|script)\b([^>]*)>", re.I)
_ATTR = re.compile(r'([a-zA-Z-]+)\s*=\s*"([^"]*)"')
_CSS_REF = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)|url\(\s*['"]?([^'")]+)""")


@dataclass
class PageWeight:
    """One page's bytes by kind, the files behind them and what broke a budget."""

    path: str
    status: int
    html: int
    html_gzip: int
    css: int = 0
    js: int = 0
    fonts: int = 0
    comments: int = 0
    assets: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)

    def over_budget(self, html_budget: bool = True) -> list[str]:
        failures = [
            f"{kind} {getattr(self, kind):,} > {limit:,}"
            for kind, limit in BUDGETS.items()
            if getattr(self, kind) > limit and (html_budget or kind != "html")
        ]
        if self.third_party:
            failures.append(f"third-party {self.third_party}")
        return failures


def _local(ref: str) -> bool:
    parts = urlsplit(ref)
    return not parts.scheme and not parts.netloc and not ref.startswith("data:")


def _kind(path: str) -> str | None:
    name = urlsplit(path).path.lower()
    if name.endswith(".css"):
        return "css"
    if name.endswith((".js", ".mjs")):
        return "js"
    if name.endswith(FONT_SUFFIXES):
        return "fonts"
    return None


def page_refs(html: str) -> list[str]:
    """Stylesheets, scripts and preloaded fonts a page makes the browser fetch."""
    refs = []
    for tag, attrs in _TAG.findall(html):
        a = {k.lower(): v for k, v in _ATTR.findall(attrs)}
        if tag.lower() == "script" and a.get("src"):
            refs.append(a["src"])
        elif tag.lower() == "link":
            rel = a.get("rel", "").lower().split()
            if "stylesheet" in rel or (
                "preload" in rel and a.get("as") in ("font", "style", "script")
            ):
                refs.append(a.get("href", ""))
    return [r for r in refs if r]


def weigh(client, path: str, headers: dict[str, str] | None = None) -> PageWeight:
    """Fetch `path` and every CSS, JS and font file it pulls in (each counted once)."""
    response = client.get(path, headers=headers or {})
    body = response.get_data()
    html = body.decode("utf-8", "replace")
    weight = PageWeight(
        path=path,
        status=response.status_code,
        html=len(body),
        html_gzip=len(gzip.compress(body, 6, mtime=0)),
        comments=len(re.findall(r'id="comment-\d+"', html)),
    )
    queue = [urljoin(path, r) if _local(r) else r for r in page_refs(html)]
    seen: set[str] = set()
    while queue:
        ref = queue.pop(0)
        if ref in seen:
            continue
        seen.add(ref)
        if not _local(ref):
            weight.third_party.append(ref)
            continue
        kind = _kind(ref)
        asset = client.get(ref)
        data = asset.get_data()
        asset.close()
        if asset.status_code != 200:
            raise RuntimeError(f"{path} references {ref}: {asset.status_code}")
        weight.assets.append(ref)
        if kind:
            setattr(weight, kind, getattr(weight, kind) + len(data))
        if kind == "css":
            text = data.decode("utf-8", "replace")
            if "@font-face" in text:
                weight.assets.append(f"{ref} (@font-face)")
            for imported, url in _CSS_REF.findall(text):
                target = imported or url
                queue.append(urljoin(ref, target) if _local(target) else target)
    return weight


def login(client, email: str, password: str) -> None:
    """Log the test client in through the real form, CSRF token and all."""
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": email, "password": password}
    if token:
        form["csrf_token"] = token.group(1)
    response = client.post("/auth/login", data=form)
    if response.status_code != 302:
        raise RuntimeError(f"login as {email} failed: {response.status_code}")


def _join(client, code: str) -> bool:
    """Join a hearing through its form as an attendee; False if the form refuses."""
    page = client.get(f"/join/{code}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|idempotency_key)"[^>]*value="([^"]*)"', page))
    form = {
        **fields,
        "province": "punjab",
        "stakeholder_group": "citizen",
        "gender": "woman",
        "age_band": "25-34",
    }
    return client.post(f"/join/{code}", data=form).status_code == 302


def cases(url: str):
    """(group, page type, path, who) for every page type, on this generated database."""
    from sqlalchemy import select

    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.datagen import EMAIL_DOMAIN, busiest_section
    from consult.extensions import db
    from consult.hearings.models import Hearing

    slug, top = busiest_section()
    p = "/policies/nsp-2022-2026"
    base = f"{p}/sections/{slug}"
    deep = max(1, int(top / 20 * 0.95))
    citizen = db.session.scalar(
        select(User)
        .where(User.role == "citizen", User.email.like(f"%@{EMAIL_DOMAIN}"))
        .order_by(User.id)
        .limit(1)
    )
    moderator = db.session.scalar(select(User).where(User.role == "moderator").limit(1))
    own = db.session.scalar(
        select(Comment.id)
        .where(Comment.participant_id == citizen.participant_id, Comment.status == "published")
        .limit(1)
    )
    thread = db.session.scalar(
        select(Comment.id)
        .where(Comment.depth == 0, Comment.status == "published")
        .order_by(Comment.id)
        .limit(1)
    )
    hearing = db.session.scalar(select(Hearing).where(Hearing.status == "open").limit(1))
    if hearing is None:
        hearing = db.session.scalar(select(Hearing).order_by(Hearing.id).limit(1))
    from consult.policy.models import Objective, Section

    objective_key = db.session.scalar(
        select(Objective.key)
        .join(Section, Objective.section_id == Section.id)
        .where(Section.slug == slug)
        .order_by(Objective.id)
        .limit(1)
    )
    out = [
        ("out", "home", "/"),
        ("out", "policy overview", p),
        ("out", "section, default", base),
        ("out", "section, sort=top", f"{base}?sort=top"),
        ("out", f"section, page={deep}", f"{base}?page={deep}"),
        ("out", "section, one objective", f"{base}?objective={objective_key}"),
        ("out", "survey", f"{base}/survey"),
        ("out", "log in", "/auth/login"),
        ("out", "sign up", "/auth/register"),
        ("out", "password reset", "/auth/reset"),
        ("out", "hearings", "/hearings/"),
        ("out", "one hearing", f"/hearings/{hearing.id}"),
        ("out", "join by code", "/join"),
        ("out", "hearing join form", f"/join/{hearing.join_code}"),
        ("out", "transparency", "/transparency"),
    ]
    signed_in = [
        ("citizen", "section, default", base),
        ("citizen", "section, sort=top", f"{base}?sort=top"),
        ("citizen", f"section, page={deep}", f"{base}?page={deep}"),
        ("citizen", "survey", f"{base}/survey"),
        ("citizen", "comment thread: reply", f"/comments/{thread}/reply"),
        ("citizen", "flag a comment", f"/comments/{thread}/flag"),
        ("citizen", "account", "/account"),
    ]
    if own:
        signed_in.append(("citizen", "edit own comment", f"/comments/{own}/edit"))
        signed_in.append(("citizen", "withdraw own comment", f"/comments/{own}/withdraw"))
    staff = [
        ("moderator", "report", f"{p}/report"),
        ("moderator", "moderation queue", "/moderation/"),
        ("moderator", "moderation log", "/moderation/log"),
        ("moderator", "one comment's record", f"/moderation/comments/{thread}"),
        ("moderator", "campaigns", "/moderation/campaigns"),
        ("moderator", "themes", "/moderation/themes"),
        ("moderator", "invited participation", "/invitations/participation"),
    ]
    attendee = []
    if hearing.status == "open":
        scope = [s.slug for s in hearing.sections] if hasattr(hearing, "sections") else []
        attendee = [("attendee", "hearing: take part", f"/join/{hearing.join_code}/take-part")]
        if scope:
            attendee += [
                ("attendee", "hearing: section", f"/join/{hearing.join_code}/sections/{scope[0]}"),
                (
                    "attendee",
                    "hearing: survey",
                    f"/join/{hearing.join_code}/sections/{scope[0]}/survey",
                ),
            ]
    return {
        "out": (None, out),
        "citizen": (citizen.email, signed_in),
        "moderator": (moderator.email if moderator else None, staff),
        "attendee": (hearing.join_code, attendee),
    }


def main() -> None:
    args = arguments(__doc__).parse_args()
    url = prepare_database(args)
    from consult.datagen import GENERATED_PASSWORD
    from consult.extensions import db

    app = bench_app(url)
    results = []
    with app.app_context():
        groups = cases(url)
        db.session.remove()
    # Requests outside that context: each gets its own, as in production (no leaked `g`).
    for who, (credential, pages) in groups.items():
        client = app.test_client()
        if who in ("citizen", "moderator"):
            if credential is None:
                print(f"no {who} account in this database: its pages are left out")
                continue
            login(client, credential, GENERATED_PASSWORD)
        elif who == "attendee" and pages and not _join(client, credential):
            print("joining the hearing failed: the attendee's pages are left out")
            continue
        for _group, name, path in pages:
            results.append({"who": who, "page": name, **asdict(weigh(client, path))})
    with app.app_context():
        db.engine.dispose()

    dialect = url.split(":", 1)[0].split("+")[0]
    print(f"\nB5 page weight on {dialect} (bytes before gzip; budgets DESIGN §4)")
    print(
        f"{'who':<10}{'page':<26}{'status':>7}{'HTML':>9}{'gzip':>8}{'comments':>9}"
        f"{'CSS':>8}{'JS':>7}{'fonts':>6}{'3rd':>4}  result"
    )
    failed = 0
    for r in results:
        weight = PageWeight(**{k: v for k, v in r.items() if k not in ("who", "page")})
        # DESIGN §4 budgets the HTML of reading pages; the report is a long document of
        # charts and tables, so only its CSS, JS, fonts and third parties are held to it.
        budgeted = r["page"] not in UNBUDGETED_HTML
        over = weight.over_budget(html_budget=budgeted)
        if weight.status != 200:
            over.append(f"status {weight.status}")
        r["over"] = over
        failed += bool(over)
        verdict = "pass" if budgeted else "pass (HTML not budgeted)"
        if over:
            verdict = "FAIL: " + "; ".join(over)
        print(
            f"{r['who']:<10}{r['page'][:25]:<26}{r['status']:>7}{r['html']:>9,}"
            f"{r['html_gzip']:>8,}{r['comments']:>9}{r['css']:>8,}{r['js']:>7,}{r['fonts']:>6}"
            f"{len(r['third_party']):>4}  {verdict}"
        )
    print(
        f"{'budget':<36}{'':>7}{BUDGETS['html']:>9,}{'':>8}{'':>9}{BUDGETS['css']:>8,}"
        f"{BUDGETS['js']:>7,}{BUDGETS['fonts']:>6}{0:>4}"
    )
    print(f"\n{len(results) - failed} of {len(results)} pages within budget")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
