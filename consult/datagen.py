"""`consult generate`: a realistic, deterministic consultation at a chosen scale, fast.

For benchmarks and capacity tests, never for a live consultation. Rows are written with
bulk `insert()` (a few thousand per statement), not one service call per row, so the full
scale (20,000 accounts, 100,000 comments, 50,000 survey responses) loads in minutes. Each
row is made to satisfy every CHECK, UNIQUE and foreign key constraint, and what the
services would keep consistent is kept consistent here:

- a thread's `root_id` is its top-level comment, `depth` is the parent's plus one (at most
  `MAX_DEPTH`), a reply shares its parent's section and objective and answers a
  published comment posted before it;
- `agree_count`, `disagree_count` and `score` (Wilson lower bound) match the endorsement
  rows; nobody endorses or flags their own comment, nobody twice;
- `stream` is `invited` exactly for the participants who joined through an invitation;
- survey answers go through `validate_answers` and the question type's own `rows()`, so
  they are what the survey page would have stored;
- hearing and paper input comes from the hearing's attendee participants, on sections the
  hearing covers, only for hearings that opened.

Ids are chosen here (after the current maximum, so `--force` adds a second batch rather
than colliding with unique keys: emails, join codes and body names carry the new ids), and
PostgreSQL sequences are moved past them at the end.

Transactions: the generator commits once per table batch through
`consult.core.transaction.transaction()` (the one commit edge), so a full load does not
hold one huge transaction; an interrupted run leaves complete batches behind, which is
acceptable for generated data (run again on a fresh database). Every generated account
shares ONE password hash (`GENERATED_PASSWORD`): hashing 20,000 passwords would take longer
than the whole load.
"""

from __future__ import annotations

import hashlib
import html
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import click
from sqlalchemy import Table, func, insert, select, text
from werkzeug.security import generate_password_hash

from consult.accounts.models import Participant, User
from consult.comments import tallies
from consult.comments.models import Comment, Endorsement, Flag
from consult.comments.services import wilson_lower_bound
from consult.core.confusables import name_key, skeleton
from consult.core.models import utcnow
from consult.core.transaction import transaction
from consult.core.vocab import (
    AGE_BANDS,
    BODY_KINDS,
    FLAG_REASONS,
    GENDERS,
    PROVINCES,
    STAKEHOLDER_GROUPS,
    STANCES,
)
from consult.extensions import db
from consult.hearings.models import (
    JOIN_ALPHABET,
    Hearing,
    HearingAttendee,
    hearing_facilitators,
    hearing_sections,
)
from consult.invitations.models import Invitation, Invitee, StakeholderBody
from consult.moderation import campaigns
from consult.moderation.models import CampaignBand, CampaignGroup, CampaignSignature
from consult.policy import versions
from consult.policy.models import Policy, Section
from consult.surveys.answers import answer_rows, validate_answers
from consult.surveys.models import Answer, Survey, SurveyResponse
from consult.surveys.queries import respondent_key
from consult.surveys.types import NO_OPINION

GENERATED_PASSWORD = "generated password 2026"  # noqa: S105 (documented, generated data only)
EMAIL_DOMAIN = "gen.example.org"
MAX_DEPTH = 3
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    accounts: int
    comments: int
    responses: int
    hearings: int
    bodies: int
    invitees: int
    campaigns: int
    campaign_copies: tuple[int, int]


FULL = Scale(20_000, 100_000, 50_000, 30, 40, 240, 6, (40, 160))
SCALES: dict[str, Scale] = {
    "full": FULL,
    "small": Scale(1_000, 5_000, 2_500, 3, 4, 24, 3, (10, 30)),
    "tiny": Scale(60, 300, 120, 2, 2, 8, 1, (4, 6)),
}

# Sections do not draw equal interest: the busiest gets about a third of the comments.
SECTION_WEIGHTS = {"human-security": 8, "economic-future": 5, "internal-security": 4}
REPLY_SHARE = 0.4


@dataclass
class Report:
    """How many rows of each kind were written (the test compares these with the tables)."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


# --- text ------------------------------------------------------------------------------

_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"


def vocabulary(rng: random.Random, size: int = 1200) -> list[str]:
    """Pronounceable made-up words: no real text to license, plain (no markdown) characters."""
    words: set[str] = set()
    while len(words) < size:
        n = rng.randint(1, 4)
        words.add("".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(n)))
    return sorted(words)


def _sentences(rng: random.Random, vocab: list[str], low: int, high: int) -> str:
    out, since = [], 0
    for _ in range(rng.randint(low, high)):
        word = rng.choice(vocab)
        out.append(word.capitalize() if since == 0 else word)
        since += 1
        if since > rng.randint(7, 16):
            out[-1] += "."
            since = 0
    return " ".join(out).rstrip(".") + "."


def comment_text(rng: random.Random, vocab: list[str]) -> str:
    """One to three paragraphs, mostly short: what readers actually write."""
    paragraphs = 1 if rng.random() < 0.7 else rng.randint(2, 3)
    return "\n\n".join(_sentences(rng, vocab, 8, 70) for _ in range(paragraphs))


def body_html(body: str) -> str:
    """What `render_markdown` makes of the generator's plain paragraphs (checked by a test)."""
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in body.split("\n\n"))


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# --- helpers ---------------------------------------------------------------------------


def _next_id(model: Any) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _bulk(target: Any, rows: list[dict[str, Any]], size: int = BATCH) -> None:
    for start in range(0, len(rows), size):
        db.session.execute(insert(target), rows[start : start + size])


def _sync_sequences(tables: Iterable[str]) -> None:
    """Move PostgreSQL id sequences past the ids chosen here (SQLite needs nothing)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for name in tables:  # our own table names, never input
        sql = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))"  # noqa: S608, E501
        db.session.execute(text(sql))


def _join_code(hearing_id: int) -> str:
    """A join code unique by construction: the hearing id in the join alphabet, padded."""
    base = len(JOIN_ALPHABET)
    digits, n = [], hearing_id
    while n:
        n, r = divmod(n, base)
        digits.append(JOIN_ALPHABET[r])
    return "G" + "".join(reversed(digits)).rjust(5, JOIN_ALPHABET[0])


def _pick_weighted(rng: random.Random, weights: list[float], n: int) -> list[int]:
    return rng.choices(range(len(weights)), weights=weights, k=n)


# --- the generator ---------------------------------------------------------------------


class Generator:
    def __init__(self, policy: Policy, scale: Scale, seed: int, echo: Callable[[str], None]):
        self.policy = policy
        self.scale = scale
        self.rng = random.Random(seed)
        self.echo = echo
        self.report = Report()
        self.vocab = vocabulary(self.rng)
        # Generated times are spread over the 60 days before the run, in id order.
        self.start = utcnow().replace(microsecond=0) - timedelta(days=60)
        self.sections = [s for s in policy.sections if s.retired_at is None]
        self.surveys = {
            s.section_id: s
            for s in db.session.scalars(select(Survey).where(Survey.policy_id == policy.id))
        }

    def _at(self, fraction: float):
        return self.start + timedelta(seconds=int(fraction * 60 * 86400))

    def _step(self, name: str, fn: Callable[[], None]) -> None:
        began = time.perf_counter()
        with transaction():
            fn()
        self.report.seconds[name] = time.perf_counter() - began
        self.echo(f"  {name}: {self.report.seconds[name]:.1f} s")

    def run(self) -> Report:
        self._step("accounts", self.accounts)
        self._step("invitations", self.invitations)
        self._step("hearings", self.hearings)
        self._step("comments", self.comments)
        self._step("endorsements and flags", self.reactions)
        self._step("campaign signatures", self.signatures)
        self._step("survey responses", self.responses)
        self._step("comment counts and section versions", self.tallies)
        with transaction():
            _sync_sequences(
                [
                    "participants",
                    "users",
                    "comments",
                    "hearings",
                    "stakeholder_bodies",
                    "invitees",
                    "invitations",
                    "survey_responses",
                ]
            )
        # Planner statistics and the visibility map for what was just loaded, as after any
        # bulk load (pg_restore users run it too). Without statistics PostgreSQL plans the
        # fresh tables as near-empty (measured: the full-scale section page took over 2
        # minutes before, 1.4 s after); without the visibility map an index-only scan must
        # visit the heap, so the planner sorts the whole section for a deep page instead
        # (measured: page 963 of 19,260 threads 111 ms before VACUUM, 2.4 ms after).
        # Autovacuum does the same on a live database; VACUUM cannot run in a transaction.
        if db.session.get_bind().dialect.name == "postgresql":
            began = time.perf_counter()
            db.session.close()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
            self.report.seconds["vacuum analyze"] = time.perf_counter() - began
            self.echo(f"  vacuum analyze: {self.report.seconds['vacuum analyze']:.1f} s")
        return self.report

    def tallies(self) -> None:
        """The bulk inserts bypass the ORM listeners that keep `comment_counts` and bump
        section versions: recount the policy's sections, and bump them so no page cached
        before this load is served again."""
        ids = [s.id for s in self.sections]
        connection = db.session.connection()
        tallies.rebuild(connection, ids)
        versions.bump(connection, ids)

    # accounts ---------------------------------------------------------------------------

    def _profile(self) -> dict[str, str]:
        rng = self.rng
        return {
            "province": rng.choices(PROVINCES, weights=(40, 20, 12, 6, 2, 2, 6, 4, 8))[0],
            "stakeholder_group": rng.choice(STAKEHOLDER_GROUPS),
            "gender": rng.choices(GENDERS, weights=(35, 50, 1, 1, 13))[0],
            "age_band": rng.choice(AGE_BANDS),
        }

    def accounts(self) -> None:
        n = self.scale.accounts
        first_p, first_u = _next_id(Participant), _next_id(User)
        password_hash = generate_password_hash(GENERATED_PASSWORD)
        now = utcnow()
        participants, users = [], []
        # A few facilitators (they run the hearings) and moderators; everyone else citizens.
        staff = max(2, self.scale.hearings // 3)
        for i in range(n):
            pid, uid = first_p + i, first_u + i
            name = f"{self.rng.choice(self.vocab).capitalize()} {pid}"
            email = f"user{uid}@{EMAIL_DOMAIN}"
            role = "facilitator" if i < staff else ("moderator" if i < staff + 2 else "citizen")
            participants.append(
                {
                    "id": pid,
                    "kind": "account",
                    "display_name": name,
                    "name_key": name_key(name),
                    "created_at": self._at(i / n * 0.5),
                    **self._profile(),
                }
            )
            users.append(
                {
                    "id": uid,
                    "email": email,
                    "email_key": skeleton(email),
                    "password_hash": password_hash,
                    "role": role,
                    "participant_id": pid,
                    "confirmed_at": now,
                    "created_at": self._at(i / n * 0.5),
                    "session_version": 1,
                }
            )
        _bulk(Participant, participants)
        _bulk(User, users)
        self.account_pids = [p["id"] for p in participants]
        self.user_of = {u["participant_id"]: u["id"] for u in users}
        self.facilitators = [u["id"] for u in users[:staff]]
        self.report.add("participants", n)
        self.report.add("users", n)

    # invited contributors ----------------------------------------------------------------

    def invitations(self) -> None:
        rng, scale = self.rng, self.scale
        first_b, first_i, first_inv = (
            _next_id(StakeholderBody),
            _next_id(Invitee),
            _next_id(Invitation),
        )
        bodies = [
            {
                "id": first_b + i,
                "policy_id": self.policy.id,
                "name": f"Body {first_b + i} of {rng.choice(self.vocab).capitalize()}",
                "name_key": f"body {first_b + i} of",  # unique per policy by its id
                "kind": rng.choice(BODY_KINDS),
                "contact": None,
                "created_at": self.start,
            }
            for i in range(scale.bodies)
        ]
        for b in bodies:
            b["name_key"] = b["name"].casefold()
        # Invitees are generated accounts (the last ones), so the joined ones can comment.
        chosen = self.account_pids[-scale.invitees :] if scale.invitees else []
        invitees, invitations = [], []
        self.invited_pids: set[int] = set()
        for i, pid in enumerate(chosen):
            joined = rng.random() < 0.6
            uid = self.user_of[pid]
            body = bodies[i % len(bodies)]["id"] if bodies and rng.random() < 0.85 else None
            invitees.append(
                {
                    "id": first_i + i,
                    "policy_id": self.policy.id,
                    "email": f"user{uid}@{EMAIL_DOMAIN}",
                    "name": f"Invitee {uid}",
                    "body_id": body,
                    "affiliation": None if body else "Independent expert",
                    "stakeholder_group": rng.choice(("expert", "government", "academic")),
                    "province": rng.choice(PROVINCES),
                    "user_id": uid if joined else None,
                    "show_label": joined and rng.random() < 0.7,
                    "representative": body is not None and i < len(bodies),
                    "created_at": self.start,
                }
            )
            sent = self._at(0.05 + rng.random() * 0.1)
            invitations.append(
                {
                    "id": first_inv + i,
                    "invitee_id": first_i + i,
                    "token_hash": None
                    if joined
                    else hashlib.sha256(f"gen{uid}".encode()).hexdigest(),
                    "sent_at": sent,
                    "opened_at": sent + timedelta(hours=5)
                    if joined or rng.random() < 0.5
                    else None,
                    "joined_at": sent + timedelta(hours=6) if joined else None,
                    "reminders_sent": 0 if joined else rng.randint(0, 2),
                    "created_at": sent,
                }
            )
            if joined:
                self.invited_pids.add(pid)
        _bulk(StakeholderBody, bodies)
        _bulk(Invitee, invitees)
        _bulk(Invitation, invitations)
        self.report.add("stakeholder_bodies", len(bodies))
        self.report.add("invitees", len(invitees))
        self.report.add("invitations", len(invitations))

    # hearings -----------------------------------------------------------------------------

    def hearings(self) -> None:
        rng, n = self.rng, self.scale.hearings
        first_h = _next_id(Hearing)
        first_p = _next_id(Participant)
        rows, secs, facs, attendees, people = [], [], [], [], []
        self.hearing_people: dict[int, list[tuple[int, str]]] = {}
        self.hearing_sections: dict[int, list[Section]] = {}
        next_p = first_p
        for i in range(n):
            hid = first_h + i
            # Most hearings have been held; a couple are open now; the last are scheduled.
            status = "closed" if i < n * 0.8 else ("open" if i < n - 1 or n < 3 else "scheduled")
            if n <= 2:
                status = "closed" if i == 0 else "open"
            starts = self._at(0.1 + 0.85 * i / max(n, 1))
            opened = starts if status != "scheduled" else None
            closed = starts + timedelta(hours=3) if status == "closed" else None
            rows.append(
                {
                    "id": hid,
                    "policy_id": self.policy.id,
                    "title": f"Hearing {hid}: {rng.choice(self.vocab).capitalize()}",
                    "institution": f"University of {rng.choice(self.vocab).capitalize()}",
                    "city": rng.choice(self.vocab).capitalize(),
                    "province": rng.choice(PROVINCES[:7]),
                    "venue": "Main hall",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=3),
                    "status": status,
                    "join_code": _join_code(hid),
                    "opened_at": opened,
                    "closed_at": closed,
                    "attendance": rng.randint(40, 300) if status == "closed" else None,
                    "created_by_id": self.facilitators[i % len(self.facilitators)],
                    "created_at": starts - timedelta(days=7),
                    "updated_at": starts - timedelta(days=7),
                }
            )
            covered = rng.sample(self.sections, rng.randint(1, min(3, len(self.sections))))
            self.hearing_sections[hid] = covered
            secs.extend({"hearing_id": hid, "section_id": s.id} for s in covered)
            facs.append(
                {"hearing_id": hid, "user_id": self.facilitators[i % len(self.facilitators)]}
            )
            if status == "scheduled":
                continue
            form = 0
            members: list[tuple[int, str]] = []
            for _ in range(rng.randint(15, 60) if n > 2 else 6):
                channel = "paper" if rng.random() < 0.4 else "hearing"
                form += channel == "paper"
                show = rng.random() < 0.5
                given = f"{rng.choice(self.vocab).capitalize()} {next_p}"
                people.append(
                    {
                        "id": next_p,
                        "kind": "attendee",
                        "display_name": given if show else f"Attendee {next_p}",
                        "created_at": starts,
                        **self._profile(),
                    }
                )
                attendees.append(
                    {
                        "participant_id": next_p,
                        "hearing_id": hid,
                        "channel": channel,
                        "given_name": given,
                        "show_name": show,
                        "entered_by_id": self.facilitators[0] if channel == "paper" else None,
                        "form_number": form if channel == "paper" else None,
                        "created_at": starts,
                    }
                )
                members.append((next_p, channel))
                next_p += 1
            self.hearing_people[hid] = members
        self.hearing_rows = {r["id"]: r for r in rows}
        _bulk(Hearing, rows)
        _bulk(hearing_sections, secs)
        _bulk(hearing_facilitators, facs)
        _bulk(Participant, people)
        _bulk(HearingAttendee, attendees)
        self.report.add("hearings", len(rows))
        self.report.add("participants", len(people))
        self.report.add("hearing_attendees", len(attendees))

    # comments -----------------------------------------------------------------------------

    def comments(self) -> None:
        rng, scale = self.rng, self.scale
        first = _next_id(Comment)
        total = scale.comments
        weights = [SECTION_WEIGHTS.get(s.slug, 2) for s in self.sections]
        objectives = {
            s.id: [o.id for o in s.objectives if o.retired_at is None] for s in self.sections
        }
        # Authors: a long tail (a few people write much, most once or twice).
        pids = self.account_pids
        author_weights = [1.0 / (1 + (i % 997)) ** 0.6 for i in range(len(pids))]
        invited = sorted(self.invited_pids)
        hearing_inputs = [
            (hid, pid, ch) for hid, people in self.hearing_people.items() for pid, ch in people
        ]
        campaign_rows = self._campaign_texts()
        n_plain = total - sum(len(texts) for _, _, texts in campaign_rows)
        rows: list[dict[str, Any]] = []
        # Per section, recent comments one may reply to: (id, depth, objective, root).
        open_parents: dict[int, list[tuple[int, int, int | None, int]]] = {
            s.id: [] for s in self.sections
        }
        sections_seq = _pick_weighted(rng, weights, n_plain)
        authors_seq = rng.choices(pids, weights=author_weights, k=n_plain)
        # When each campaign's copies arrive: (position in the timeline, campaign).
        campaign_queue = sorted(
            (int(n_plain * (0.2 + 0.7 * rng.random())), c) for c in range(len(campaign_rows))
        )
        cid = first
        ci = 0
        self.campaign_ids: list[tuple[int, str, int]] = []  # (comment id, text, family)
        for i in range(n_plain):
            # Campaign copies arrive in bursts at their moment in the timeline.
            while ci < len(campaign_queue) and campaign_queue[ci][0] <= i:
                family, section, texts = campaign_rows[campaign_queue[ci][1]]
                for body in texts:
                    rows.append(
                        self._comment(cid, None, section, None, rng.choice(pids), body, i / n_plain)
                    )
                    self.campaign_ids.append((cid, body, family))
                    cid += 1
                ci += 1
            section = self.sections[sections_seq[i]]
            author = authors_seq[i]
            channel, hearing_id = "online", None
            roll = rng.random()
            if invited and roll < 0.03:
                author = rng.choice(invited)
            elif hearing_inputs and roll < 0.06:
                hid, author, channel = rng.choice(hearing_inputs)
                covered = self.hearing_sections[hid]
                if section not in covered:
                    section = rng.choice(covered)
                hearing_id = hid
            candidates = open_parents[section.id]
            parent = None
            if candidates and channel == "online" and rng.random() < REPLY_SHARE:
                # Replies mostly answer recent comments, sometimes older ones.
                pick = len(candidates) - 1 - min(int(rng.expovariate(1 / 30)), len(candidates) - 1)
                parent = candidates[pick]
            body = comment_text(rng, self.vocab)
            row = self._comment(
                cid,
                parent,
                section,
                None if parent else rng.choice([*objectives[section.id], None]),
                author,
                body,
                i / n_plain,
            )
            if hearing_id is not None:  # said in the hall, during the hearing
                row["channel"], row["hearing_id"] = channel, hearing_id
                opened = self.hearing_rows[hearing_id]["opened_at"]
                row["created_at"] = opened + timedelta(minutes=rng.randint(5, 170))
                if row["withdrawn_at"] is not None:
                    row["withdrawn_at"] = row["created_at"] + timedelta(hours=2)
            rows.append(row)
            if hearing_id is None and row["status"] == "published" and row["depth"] < MAX_DEPTH:
                candidates.append((cid, row["depth"], row["objective_id"], row["root_id"]))
                if len(candidates) > 400:
                    del candidates[:100]
            cid += 1
        while ci < len(campaign_queue):  # (only when every campaign sorted past the end)
            family, section, texts = campaign_rows[campaign_queue[ci][1]]
            for body in texts:
                rows.append(self._comment(cid, None, section, None, rng.choice(pids), body, 1.0))
                self.campaign_ids.append((cid, body, family))
                cid += 1
            ci += 1
        self.comment_rows = rows
        _bulk(Comment, rows)
        self.report.add("comments", len(rows))

    def _comment(
        self,
        cid: int,
        parent: tuple[int, int, int | None, int] | None,
        section: Section,
        objective_id: int | None,
        author: int,
        body: str,
        fraction: float,
    ) -> dict[str, Any]:
        rng = self.rng
        roll = rng.random()
        status, reason, withdrawn = "published", None, None
        created = self._at(fraction * 0.98)
        if roll < 0.01:
            status, reason = "hidden", rng.choice(("spam", "abuse", "off-topic", "flagged"))
        elif roll < 0.015:
            status, withdrawn = "withdrawn", created + timedelta(hours=2)
        elif roll < 0.018:
            status = "pending"
        return {
            "id": cid,
            "policy_id": self.policy.id,
            "section_id": section.id,
            "objective_id": parent[2] if parent else objective_id,
            "parent_id": parent[0] if parent else None,
            "root_id": parent[3] if parent else cid,
            "depth": parent[1] + 1 if parent else 0,
            "participant_id": author,
            "channel": "online",
            "stream": "invited" if author in self.invited_pids else "open",
            "hearing_id": None,
            "stance": rng.choice((None, None, *STANCES)),
            "body": body,
            "body_html": body_html(body),
            "body_hash": _digest(body),
            "status": status,
            "agree_count": 0,
            "disagree_count": 0,
            "score": 0.0,
            "moderation_reason": reason,
            "withdrawn_at": withdrawn,
            "created_at": created,
        }

    def _campaign_texts(self) -> list[tuple[int, Section, list[str]]]:
        """A few families of near-identical texts (one base, copy-and-paste variants)."""
        rng, out = self.rng, []
        for family in range(self.scale.campaigns):
            base = _sentences(rng, self.vocab, 50, 80)
            section = self.sections[family % len(self.sections)]
            texts = [base]
            for _ in range(rng.randint(*self.scale.campaign_copies)):
                words = base.split()
                k = rng.randrange(1, len(words) - 2)
                if rng.random() < 0.5:
                    words[k], words[k + 1] = words[k + 1], words[k]
                else:
                    words[k] = rng.choice(self.vocab)
                texts.append(" ".join(words))
            out.append((family, section, texts))
        return out

    # endorsements and flags ---------------------------------------------------------------

    def reactions(self) -> None:
        rng = self.rng
        pids = self.account_pids
        endorsements, flags, counts = [], [], []
        for row in self.comment_rows:
            if row["status"] not in ("published", "hidden"):
                continue
            # Most comments get a handful; a few catch on (heavy tail).
            n = min(int(rng.paretovariate(1.3)) - 1 + (rng.random() < 0.5), len(pids) - 1, 400)
            agree = disagree = 0
            if n > 0:
                lean = rng.random()
                voters = rng.sample(pids, n + 1)
                voters = [p for p in voters if p != row["participant_id"]][:n]
                for p in voters:
                    value = "agree" if rng.random() < lean else "disagree"
                    agree += value == "agree"
                    disagree += value == "disagree"
                    endorsements.append(
                        {
                            "comment_id": row["id"],
                            "participant_id": p,
                            "value": value,
                            "created_at": row["created_at"] + timedelta(hours=1),
                        }
                    )
                counts.append(
                    {
                        "b_id": row["id"],
                        "agree": agree,
                        "disagree": disagree,
                        "score": wilson_lower_bound(agree, disagree),
                    }
                )
            if row["status"] == "hidden" or rng.random() < 0.01:
                for p in rng.sample(pids, min(rng.randint(1, 3), len(pids))):
                    if p == row["participant_id"]:
                        continue
                    flags.append(
                        {
                            "comment_id": row["id"],
                            "participant_id": p,
                            "reason": rng.choice(FLAG_REASONS),
                            "note": None,
                            "created_at": row["created_at"] + timedelta(hours=2),
                        }
                    )
        _bulk(Endorsement, endorsements, 5000)
        _bulk(Flag, flags)
        # Counters as the services keep them: one executemany UPDATE by primary key.
        table: Table = Comment.__table__  # type: ignore[assignment]
        from sqlalchemy import bindparam, update

        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                agree_count=bindparam("agree"),
                disagree_count=bindparam("disagree"),
                score=bindparam("score"),
            )
        )
        conn = db.session.connection()
        for start in range(0, len(counts), 5000):
            conn.execute(stmt, counts[start : start + 5000])
        self.report.add("endorsements", len(endorsements))
        self.report.add("flags", len(flags))

    def signatures(self) -> None:
        """Sign the campaign copies and group each family as detection would have."""
        if not self.campaign_ids:
            return
        bands, rows_per_band = campaigns.band_layout(campaigns.DEFAULT_THRESHOLD)
        sigs, band_rows, by_family = [], [], {}
        for cid, body, family in self.campaign_ids:
            values = campaigns.signature(body)
            if values is None:
                continue
            by_family.setdefault(family, []).append((cid, values))
        for members in by_family.values():
            group = CampaignGroup(
                policy_id=self.policy.id,
                status="candidate",
                size=len(members),
                sample_comment_id=members[0][0],
            )
            db.session.add(group)
            db.session.flush()
            for cid, values in members:
                sigs.append(
                    {
                        "comment_id": cid,
                        "policy_id": self.policy.id,
                        "signature": values.tobytes(),
                        "group_id": group.id,
                        "created_at": utcnow(),
                    }
                )
                band_rows.extend(
                    {"comment_id": cid, "band": i, "policy_id": self.policy.id, "band_hash": h}
                    for i, h in enumerate(campaigns.band_hashes(values, bands, rows_per_band))
                )
        _bulk(CampaignSignature, sigs)
        _bulk(CampaignBand, band_rows, 5000)
        self.report.add("campaign_groups", len(by_family))
        self.report.add("campaign_signatures", len(sigs))

    # survey responses ---------------------------------------------------------------------

    def _raw_answer(self, question: Any) -> Any:
        rng, qtype, cfg = self.rng, question.question_type, question.config
        keys = qtype.item_keys(question)
        scale_values: list[Any] = [1, 2, 3, 4, 5] + ([NO_OPINION] if cfg.get("no_opinion") else [])
        code = question.type
        if code == "matrix":
            chosen = (
                keys
                if question.required or rng.random() < 0.8
                else rng.sample(keys, len(keys) // 2)
            )
            return {k: rng.choice(scale_values) for k in chosen}
        if code == "likert":
            return rng.choice(scale_values)
        if code == "ranking":
            order = keys[:]
            rng.shuffle(order)
            return order[: min(cfg.get("top_n") or len(keys), len(keys))]
        if code == "single":
            return rng.choice(keys)
        if code == "multiple":
            low = cfg.get("min_select") or 1
            high = min(cfg.get("max_select") or len(keys), len(keys))
            return rng.sample(keys, rng.randint(low, high))
        if code == "number":
            low, high = cfg.get("min", 0), cfg.get("max", 100)
            value = rng.uniform(low, high)
            return round(value) if cfg.get("integer") else round(value, 1)
        if code == "text":
            if not question.required and rng.random() < 0.7:
                return ""
            limit = cfg.get("max_length") or 2000
            return _sentences(rng, self.vocab, 5, 40)[:limit].strip()
        raise ValueError(f"no generator for question type {code}")

    def responses(self) -> None:
        rng, total = self.rng, self.scale.responses
        surveys = [self.surveys[s.id] for s in self.sections if s.id in self.surveys]
        if not surveys:
            return
        first = _next_id(SurveyResponse)
        weights = [SECTION_WEIGHTS.get(s.section.slug, 2) for s in surveys]
        per_survey = [0] * len(surveys)
        for k in _pick_weighted(rng, weights, total):
            per_survey[k] += 1
        rid = first
        responses, answers = [], []
        profile = {
            p.id: p
            for p in db.session.execute(
                select(
                    Participant.id,
                    Participant.province,
                    Participant.stakeholder_group,
                    Participant.gender,
                    Participant.age_band,
                ).where(Participant.id >= min(self.account_pids, default=0))
            )
        }
        for survey, n in zip(surveys, per_survey, strict=True):
            questions = list(survey.questions)
            hall = [
                (hid, pid, ch)
                for hid, people in self.hearing_people.items()
                if survey.section in self.hearing_sections[hid]
                for pid, ch in people
            ]
            n_hall = min(len(hall), n // 20)
            respondents = [
                (None, pid, "online")
                for pid in rng.sample(self.account_pids, min(n - n_hall, len(self.account_pids)))
            ]
            respondents += rng.sample(hall, n_hall)
            for hid, pid, channel in respondents:
                answers_json = validate_answers(
                    questions, {q.key: self._raw_answer(q) for q in questions if not q.condition}
                )
                p = profile[pid]
                created = self._at(rng.random() * 0.98)
                responses.append(
                    {
                        "id": rid,
                        "survey_id": survey.id,
                        "respondent_key": respondent_key(survey, pid),
                        "participant_id": None if survey.anonymous else pid,
                        "channel": channel,
                        "stream": "invited" if pid in self.invited_pids else "open",
                        "hearing_id": hid,
                        "province": p.province,
                        "stakeholder_group": p.stakeholder_group,
                        "gender": p.gender,
                        "age_band": p.age_band,
                        "version": 1,
                        "answers": answers_json,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                by_key = {q.key: q for q in questions}
                for key, value in answers_json.items():
                    q = by_key[key]
                    for row in answer_rows(q, value):
                        answers.append(
                            {
                                "response_id": rid,
                                "question_id": q.id,
                                "item_key": row.get("item_key"),
                                "value_int": row.get("value_int"),
                                "value_num": row.get("value_num"),
                                "value_text": row.get("value_text"),
                            }
                        )
                rid += 1
        _bulk(SurveyResponse, responses)
        _bulk(Answer, answers, 5000)
        self.report.add("survey_responses", len(responses))
        self.report.add("survey_answers", len(answers))


def generate(
    policy: Policy, scale: Scale, seed: int, echo: Callable[[str], None] = print
) -> Report:
    """Write a generated consultation on `policy`; returns what was written."""
    return Generator(policy, scale, seed, echo).run()


def has_comments() -> bool:
    return db.session.scalar(select(func.count()).select_from(Comment)) > 0


def busiest_section() -> tuple[str, int]:
    """(slug, top-level comments) of the section with the most top-level comments."""
    row = db.session.execute(
        select(Section.slug, func.count(Comment.id))
        .join(Comment, Comment.section_id == Section.id)
        .where(Comment.depth == 0)
        .group_by(Section.slug)
        .order_by(func.count(Comment.id).desc())
        .limit(1)
    ).one()
    return row[0], row[1]


def register(group: click.Group) -> None:
    @group.command("generate")
    @click.option(
        "--scale",
        type=click.Choice(sorted(SCALES)),
        default="full",
        show_default=True,
        help="full: 20,000 accounts, 100,000 comments, 50,000 responses; small: 1/20; tiny.",
    )
    @click.option("--seed", type=int, default=2026, show_default=True)
    @click.option("--policy", "slug", default="nsp-2022-2026", show_default=True)
    @click.option("--force", is_flag=True, help="Add a further batch to a database with comments.")
    def generate_command(scale: str, seed: int, slug: str, force: bool) -> None:
        """Fill the database with a generated consultation, for benchmarks (never live data).

        Every generated account's password is GENERATED_PASSWORD. Load the policy first
        (`consult load-policy`). On a database that already has comments it refuses unless
        --force, which adds a further batch with new ids, emails and join codes.
        """
        policy = db.session.scalar(select(Policy).where(Policy.slug == slug))
        if policy is None:
            raise click.ClickException(f"no policy {slug}: run `consult load-policy` first")
        if has_comments() and not force:
            raise click.ClickException(
                "the database already has comments; use --force to add a further batch"
            )
        began = time.perf_counter()
        click.echo(f"Generating scale {scale} (seed {seed}) on {slug}:")
        report = generate(policy, SCALES[scale], seed, click.echo)
        for name, n in sorted(report.counts.items()):
            click.echo(f"{name:>22}: {n:,}")
        click.echo(f"Done in {time.perf_counter() - began:.1f} s.")
