"""The report page (/policies/<policy>/report): filters, SVG charts and their tables; the
published snapshots (their page, their exact JSON bytes) and the admins' publish form."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.database import replica_session
from consult.core.i18n import localized
from consult.core.transaction import form_transaction
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
from consult.reports import charts, permissions, population, publication, queries
from consult.reports.filters import ReportFilters, read_filters, requested_filter_args
from consult.reports.forms import PublishForm
from consult.reports.models import ReportSnapshot

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


def _charts(report: dict[str, Any], sections: dict[str, Any], minimum: int) -> dict[str, Any]:
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


CHOICES = {
    "channel": ("channel", CHANNELS),
    "stream": ("input_stream", INPUT_STREAMS),
    "province": ("province", PROVINCES),
    "stakeholder_group": ("stakeholder_group", STAKEHOLDER_GROUPS),
    "gender": ("gender", GENDERS),
    "age_band": ("age_band", AGE_BANDS),
}


def _render(policy: Any, data: dict[str, Any], sections: dict[str, Any], **context: Any) -> str:
    minimum = data["small_cells"]["min"]
    return render_template(
        "reports/report.html",
        policy=policy,
        report=data,
        minimum=minimum,
        charts=_charts(data, sections, minimum),
        breakdown_labels=BREAKDOWN_LABELS,
        stance_codes=STANCE_CODES,
        stance_label=stance_label,
        sections=sections,
        choices=CHOICES,
        snapshots=publication.list_snapshots(policy),
        heatmap_axes={
            axis: (HEATMAP_KINDS[axis], codes) for axis, codes in queries.HEATMAP_AXES.items()
        },
        population=population.population(),
        **context,
    )


def _live_page(policy: Any, publish_form: PublishForm | None = None, status: int = 200):
    """The live report for the desk, with the publish form for admins."""
    filters = read_filters(policy)
    minimum = current_app.config["REPORT_MIN_CELL"]
    exact = permissions.sees_exact_numbers(current_user)
    with replica_session():  # the heavy reads, on the replica when there is one
        data = queries.report_for(policy, filters, exact=exact, minimum=minimum)
        hearings = queries.hearing_choices(policy)
    can_publish = permissions.can_publish_report(current_user, policy)
    return _render(
        policy,
        data,
        {s.slug: s for s in policy.sections},
        live=True,
        snapshot=None,
        filters=filters,
        exact=exact,
        hearings=hearings,
        publish_form=(publish_form or PublishForm()) if can_publish else None,
    ), status


def _snapshot_page(policy: Any, snapshot: ReportSnapshot, ignored: list[str] | None = None):
    """A published snapshot as it was frozen: its own numbers and section titles."""
    data = snapshot.data()
    titles = {s["slug"]: SimpleNamespace(title=s["title"]) for s in data["sections"]}
    latest = publication.latest_snapshot(policy)
    return _render(
        policy,
        data,
        titles,
        live=False,
        snapshot=snapshot,
        latest_number=latest.number if latest else None,
        ignored_filters=ignored or [],
        filters=ReportFilters(),
        exact=False,
        hearings=[],
        publish_form=None,
    )


def _report_policy(slug: str):
    return get_policy(slug, include_drafts=permissions.can_open_draft(current_user))


@bp.get("/policies/<policy>/report")
def report(policy: str):
    """The desk sees the live report; everyone else the latest published snapshot."""
    p = _report_policy(policy)
    latest = publication.latest_snapshot(p)
    refusal = permissions.report_refusal(current_user, p, latest is not None)
    if refusal:
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        raise PermissionDenied(refusal)
    if permissions.sees_live_report(current_user):
        return _live_page(p)
    if latest is None:  # fail closed: the public never falls through to the live report
        raise PermissionDenied(_("The report on this policy is not published yet."))
    return _snapshot_page(p, latest, requested_filter_args())


@bp.post("/policies/<policy>/report/snapshots")
def publish(policy: str):
    """An admin freezes the public report as the next snapshot."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=url_for("reports.report", policy=policy)))
    p = _report_policy(policy)
    refusal = permissions.publish_refusal(current_user, p)
    if refusal:
        raise PermissionDenied(refusal)
    form = PublishForm()
    if not form.validate_on_submit():
        return _live_page(p, form, 422)
    snapshot, status = form_transaction(
        form, lambda: publication.publish_report(p, current_user, form.note.data)
    )
    if snapshot is None:
        return _live_page(p, form, status)
    flash(
        _(
            "Snapshot %(n)d is published. Its SHA-256 digest is %(sha)s.",
            n=snapshot.number,
            sha=snapshot.sha256,
        )
    )
    return redirect(url_for("reports.snapshot", policy=p.slug, number=snapshot.number))


@bp.get("/policies/<policy>/report/snapshots/<int:number>")
def snapshot(policy: str, number: int):
    """Any published snapshot, as it was published: public like the report itself."""
    p = _report_policy(policy)
    return _snapshot_page(p, publication.get_snapshot(p, number))


@bp.get("/policies/<policy>/report/snapshots/<int:number>.json")
def snapshot_json(policy: str, number: int):
    """The exact stored bytes, so `sha256sum` of the download equals the published digest."""
    p = _report_policy(policy)
    s = publication.get_snapshot(p, number)
    response = Response(s.raw(), status=200, mimetype="application/json")
    response.headers["Content-Disposition"] = f'inline; filename="{p.slug}-report-{s.number}.json"'
    response.set_etag(s.sha256)
    return response
