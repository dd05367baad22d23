"""The report page (/policies/<policy>/report): filters, SVG charts and their tables."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.i18n import localized
from consult.core.vocab import (
    AGE_BANDS,
    CHANNELS,
    GENDERS,
    INPUT_STREAMS,
    PROVINCES,
    STAKEHOLDER_GROUPS,
    STANCES,
    label,
)
from consult.errors import PermissionDenied
from consult.policy.queries import get_policy
from consult.reports import charts, permissions, population, queries
from consult.reports.filters import read_filters

bp = Blueprint("reports", __name__)

# breakdown key -> (vocabulary kind for labels, codes)
BREAKDOWN_LABELS = {
    "by_channel": ("channel", CHANNELS),
    "by_stream": ("input_stream", INPUT_STREAMS),
    "by_province": ("province", PROVINCES),
    "by_stakeholder_group": ("stakeholder_group", STAKEHOLDER_GROUPS),
    "by_gender": ("gender", GENDERS),
    "by_age_band": ("age_band", AGE_BANDS),
}
STANCE_CODES = (*STANCES, queries.NO_STANCE)


def stance_label(code: str) -> str:
    return _("No stance given") if code == queries.NO_STANCE else label("stance", code)


def _titles() -> dict[str, str]:
    return {
        "by_channel": _("People by channel"),
        "by_stream": _("People by input stream"),
        "by_province": _("People by province"),
        "by_stakeholder_group": _("People by stakeholder group"),
        "by_gender": _("People by gender"),
        "by_age_band": _("People by age band"),
    }


def _charts(report: dict[str, Any], policy: Any, minimum: int) -> dict[str, Any]:
    p = report["participation"]
    titles = _titles()
    out: dict[str, Any] = {"breakdowns": []}
    for key, (kind, codes) in BREAKDOWN_LABELS.items():
        rows = [(label(kind, code), p[key][code]) for code in codes]
        svg = charts.bar_chart(
            f"chart-{key}",
            titles[key],
            _(
                "Horizontal bars: how many people took part, per category;"
                " the table beside it gives the numbers."
            ),
            rows,
            minimum,
        )
        out["breakdowns"].append({"key": key, "title": titles[key], "rows": rows, "svg": svg})
    out["timeline"] = charts.timeline(
        "chart-timeline",
        _("Comments per day"),
        _("Columns: published comments per day, oldest on the left; the table gives the numbers."),
        p["comments_per_day"],
        minimum,
    )
    sections = {s.slug: s for s in policy.sections}
    out["sections"] = {}
    for section in report["sections"]:
        rows = [(o["key"], o["stance"]) for o in section["objectives"]]
        out["sections"][section["slug"]] = charts.stacked_chart(
            f"chart-stance-{section['slug']}",
            _(
                "Stance of comments per objective: %(section)s",
                section=localized(sections[section["slug"]].title),
            ),
            _(
                "Stacked bars: comments on each objective split by stance;"
                " the table gives the numbers."
            ),
            rows,
            STANCE_CODES,
            minimum,
            {code: stance_label(code) for code in STANCE_CODES},
        )
    out["heatmaps"] = _heatmap_charts(report, sections, minimum)
    out["representativeness"] = charts.ratio_chart(
        "chart-representativeness",
        _("Participation against population, per province"),
        _(
            "Bars from the line at 1: each province's share of participants divided by its"
            " share of the population; left of the line under-heard, right over-heard."
            " The table gives the numbers."
        ),
        [
            (label("province", r["province"]), r["ratio"], r["participants"] is None)
            for r in report["representativeness"]
        ],
        minimum,
    )
    return out


# heatmap axis -> vocabulary kind of its column labels
HEATMAP_KINDS = {"province": "province", "stakeholder_group": "stakeholder_group"}


def _heatmap_charts(
    report: dict[str, Any], sections: dict[str, Any], minimum: int
) -> dict[str, dict[str, Any]]:
    """section slug -> axis -> the heatmap SVG of the section's mean ratings."""
    titles = {
        "province": _("Mean rating per objective and province: %(section)s"),
        "stakeholder_group": _("Mean rating per objective and stakeholder group: %(section)s"),
    }
    out: dict[str, dict[str, Any]] = {}
    for section in report["sections"]:
        name = localized(sections[section["slug"]].title)
        out[section["slug"]] = {}
        for axis, grid in section["heatmaps"].items():
            kind = HEATMAP_KINDS[axis]
            codes = queries.HEATMAP_AXES[axis]
            out[section["slug"]][axis] = charts.heatmap(
                f"chart-heat-{axis}-{section['slug']}",
                titles[axis] % {"section": name},
                _(
                    "Heatmap: one row per objective, one column per category; each cell"
                    " gives the mean agreement (1 to 5) and how many rated it, darker for"
                    " lower means. The table gives the numbers."
                ),
                list(grid),
                [(code, label(kind, code)) for code in codes],
                grid,
                minimum,
            )
    return out


@bp.get("/policies/<policy>/report")
def report(policy: str):
    p = get_policy(policy, include_drafts=permissions.can_open_draft(current_user))
    refusal = permissions.report_refusal(current_user, p)
    if refusal:
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        raise PermissionDenied(refusal)
    filters = read_filters(p)
    minimum = current_app.config["REPORT_MIN_CELL"]
    exact = permissions.sees_exact_numbers(current_user)
    data = queries.report_for(p, filters, exact=exact, minimum=minimum)
    return render_template(
        "reports/report.html",
        policy=p,
        report=data,
        filters=filters,
        exact=exact,
        minimum=minimum,
        charts=_charts(data, p, minimum),
        breakdown_labels=BREAKDOWN_LABELS,
        stance_codes=STANCE_CODES,
        stance_label=stance_label,
        hearings=queries.hearing_choices(p),
        heatmap_axes={
            axis: (HEATMAP_KINDS[axis], codes) for axis, codes in queries.HEATMAP_AXES.items()
        },
        population=population.population(),
        sections={s.slug: s for s in p.sections},
        choices={
            "channel": ("channel", CHANNELS),
            "stream": ("input_stream", INPUT_STREAMS),
            "province": ("province", PROVINCES),
            "stakeholder_group": ("stakeholder_group", STAKEHOLDER_GROUPS),
            "gender": ("gender", GENDERS),
            "age_band": ("age_band", AGE_BANDS),
        },
    )
