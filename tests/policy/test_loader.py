"""The policy file loader: parsing, validation, idempotent upsert, revisions."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from consult.core.audit import AuditEntry
from consult.extensions import db
from consult.policy.loader import PolicyFileError, parse_policy, read_policy_file
from consult.policy.models import Objective, Policy, Quotation, Section, TextRevision
from consult.policy.services import load_policy

EXPECTED = {
    "national-cohesion": ("National Cohesion", ["NC-1", "NC-2", "NC-3"]),
    "economic-future": ("Securing Our Economic Future", ["EF-1", "EF-2", "EF-3", "EF-4"]),
    "defence": ("Defence and Territorial Integrity", [f"DT-{i}" for i in range(1, 6)]),
    "internal-security": ("Internal Security", [f"IS-{i}" for i in range(1, 5)]),
    "foreign-policy": ("Foreign Policy in a Changing World", [f"FP-{i}" for i in range(1, 6)]),
    "human-security": ("Human Security", [f"HS-{i}" for i in range(1, 8)]),
}


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Policy, Section, Objective, Quotation, TextRevision, AuditEntry)
    }


def raw_nsp(nsp_file: Path) -> dict:
    return tomllib.loads(nsp_file.read_text(encoding="utf-8"))


def write_toml_like_json(tmp_path: Path, data: dict) -> Path:
    """Policies may be JSON too; tests write edited copies as JSON (dates as strings)."""
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    return path


def test_nsp_file_parses_to_six_sections_and_28_objectives(app, nsp_file):
    data = read_policy_file(nsp_file)
    assert data.slug == "nsp-2022-2026"
    assert data.status == "open"
    assert str(data.opens_at) == "2026-11-01" and str(data.closes_at) == "2027-06-30"
    assert [s.slug for s in data.sections] == list(EXPECTED)
    for section in data.sections:
        title, keys = EXPECTED[section.slug]
        assert section.title["en"] == title
        assert [o.key for o in section.objectives] == keys
    assert sum(len(s.objectives) for s in data.sections) == 28
    assert len(data.quotations) == 2
    assert data.preamble["en"].startswith("A country is as secure as its most vulnerable citizen.")
    assert "over 600 individuals" in data.process["en"]
    assert "Islamic welfare state" in data.vision["en"]


def test_line_wrapped_objective_text_is_joined(app, nsp_file):
    ef1 = read_policy_file(nsp_file).sections[1].objectives[0]
    assert (
        "external imbalance, socio-economic inequalities, and geographic disparities"
        in (ef1.text["en"])
    )
    assert "\n" not in ef1.text["en"]


def test_load_writes_everything_once(app, nsp_file):
    result = load_policy(read_policy_file(nsp_file))
    db.session.commit()
    assert result.created
    c = counts()
    assert c["policies"] == 1 and c["sections"] == 6 and c["objectives"] == 28
    assert c["quotations"] == 2
    # Version 1 of every text: 4 policy texts, 2×6 section texts, 28 objectives, 3 quote texts.
    assert c["text_revisions"] == 4 + 12 + 28 + 3
    assert c["audit_entries"] == 1


def test_loading_twice_changes_nothing(app, nsp_file):
    load_policy(read_policy_file(nsp_file))
    db.session.commit()
    before = counts()
    result = load_policy(read_policy_file(nsp_file))
    db.session.commit()
    assert not result.changed
    assert counts() == before


def test_edited_objective_adds_a_revision_and_keeps_key_and_id(app, nsp_file, tmp_path):
    load_policy(read_policy_file(nsp_file))
    db.session.commit()
    hs2 = db.session.scalar(select(Objective).where(Objective.key == "HS-2"))
    hs2_id, before = hs2.id, counts()

    raw = raw_nsp(nsp_file)
    raw["sections"][5]["objectives"][1]["text"] = "Pursuing youth-focused policies for skills."
    result = load_policy(read_policy_file(write_toml_like_json(tmp_path, raw)))
    db.session.commit()

    # The survey questions that list the objectives carry its new wording too.
    assert result.changes == [
        "objective HS-2.text changed",
        "survey human-security question ratings.config changed",
        "survey human-security question priorities.config changed",
    ]
    after = counts()
    assert after["text_revisions"] == before["text_revisions"] + 1
    assert after["objectives"] == 28 and after["audit_entries"] == before["audit_entries"] + 1
    db.session.expire_all()
    hs2 = db.session.get(Objective, hs2_id)
    assert hs2.key == "HS-2" and hs2.text == {"en": "Pursuing youth-focused policies for skills."}
    versions = db.session.scalars(
        select(TextRevision.version)
        .where(TextRevision.entity_type == "objective", TextRevision.entity_id == hs2_id)
        .order_by(TextRevision.version)
    ).all()
    assert versions == [1, 2]


def test_dropped_objective_is_retired_not_deleted_and_comes_back(app, nsp_file, tmp_path):
    load_policy(read_policy_file(nsp_file))
    db.session.commit()
    raw = raw_nsp(nsp_file)
    dropped = raw["sections"][0]["objectives"].pop()
    load_policy(read_policy_file(write_toml_like_json(tmp_path, raw)))
    db.session.commit()
    nc3 = db.session.scalar(select(Objective).where(Objective.key == "NC-3"))
    assert nc3 is not None and nc3.retired_at is not None
    raw["sections"][0]["objectives"].append(dropped)
    load_policy(read_policy_file(write_toml_like_json(tmp_path, raw)))
    db.session.commit()
    db.session.refresh(nc3)
    assert nc3.retired_at is None


def test_urdu_text_can_be_added_without_code_changes(app, nsp_file, tmp_path):
    raw = raw_nsp(nsp_file)
    raw["sections"][0]["title"] = {"en": "National Cohesion", "ur": "قومی ہم آہنگی"}
    data = read_policy_file(write_toml_like_json(tmp_path, raw))
    assert data.sections[0].title == {"en": "National Cohesion", "ur": "قومی ہم آہنگی"}


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [
        (
            lambda r: r["sections"][2]["objectives"][0].pop("key"),
            "sections[2].objectives[0].key",
            "missing required field",
        ),
        (
            lambda r: r["sections"][3]["objectives"][1].update(key="IS-1"),
            "sections[3].objectives[1].key",
            "duplicate objective key 'IS-1'",
        ),
        (lambda r: r["sections"][1].update(colour="blue"), "sections[1].colour", "unknown field"),
        (lambda r: r.update(status="paused"), "status", "must be one of"),
        (lambda r: r.update(closes_at="2026-01-01"), "closes_at", "must not be before"),
        (
            lambda r: r["sections"][4].update(slug="Foreign Policy"),
            "sections[4].slug",
            "must be a lowercase slug",
        ),
        (
            lambda r: r["sections"][0].update(goal={"ur": "صرف اردو"}),
            "sections[0].goal.en",
            "missing required English text",
        ),
        (lambda r: r.pop("sections"), "sections", "missing required field"),
    ],
)
def test_invalid_file_names_file_and_field(app, nsp_file, mutate, where, message):
    raw = raw_nsp(nsp_file)
    mutate(raw)
    with pytest.raises(PolicyFileError) as info:
        parse_policy(raw, "broken.toml")
    assert any(w == where and message in m for w, m in info.value.problems), info.value.problems
    assert f"broken.toml: {where}: " in str(info.value)


def test_cli_loads_and_reports_idempotence(app, runner, nsp_file):
    first = runner.invoke(args=["consult", "load-policy", str(nsp_file)])
    assert first.exit_code == 0, first.output
    assert "6 sections, 28 objectives" in first.output
    second = runner.invoke(args=["consult", "load-policy", str(nsp_file)])
    assert second.exit_code == 0 and "no changes" in second.output


@pytest.mark.parametrize("problem", ["missing key", "duplicate key", "unknown field", "syntax"])
def test_cli_rejects_invalid_file_and_writes_nothing(app, runner, nsp_file, tmp_path, problem):
    text = nsp_file.read_text(encoding="utf-8")
    if problem == "missing key":
        text = text.replace('key = "EF-3"\n', "", 1)
    elif problem == "duplicate key":
        text = text.replace('key = "EF-3"', 'key = "EF-2"', 1)
    elif problem == "unknown field":
        text = text.replace('moderation = "post"', 'moderation = "post"\nowner = "someone"', 1)
    else:
        text = text.replace("[[sections]]", "[[sections]", 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["consult", "load-policy", str(bad)])
    assert result.exit_code != 0
    assert str(bad) in result.output
    assert counts() == dict.fromkeys(counts(), 0)


def test_cli_loads_every_file_in_the_data_directory(app, runner):
    result = runner.invoke(args=["consult", "load-policy"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Policy)) >= 1
