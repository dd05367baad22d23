"""Paper forms of a hearing: the entry screen, the list and correction of entered forms,
the CSV template and import, the printable form. Managers of the hearing only.

Thin: load and authorize (`views._managed`, i.e. `permissions.can_manage`), read the flat
fields (`paper_layout`), call one service inside the one transaction edge, redirect or
show the page again with what was typed and the errors beside it.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.idempotency import clean_key, run_once
from consult.core.params import choice_arg
from consult.core.spreadsheets import csv_stream
from consult.core.transaction import transaction
from consult.core.vocab import choices
from consult.errors import DomainError, NotFound, ValidationError
from consult.hearings import paper, paper_csv, paper_layout
from consult.hearings.models import Hearing
from consult.hearings.views import _managed, bp, signed_in


def _page(
    hearing: Hearing,
    scope: paper.Scope,
    values: dict[str, list[str]],
    errors: dict[str, str],
    status: int = 200,
    message: str | None = None,
    form_number: int | None = None,
    key: str | None = None,
):
    refusal = paper.entry_refusal(current_user, hearing)
    return render_template(
        "hearings/paper/entry.html",
        hearing=hearing,
        blocks=paper_layout.blocks(scope),
        values=values,
        errors=errors,
        message=message,
        refusal=refusal.message if refusal else None,
        form_number=form_number,
        next_number=paper.next_form_number(hearing),
        idempotency_key=key or uuid.uuid4().hex,
        vocab=_profile_choices(),
        stances=choices("stance"),
        history=None,
    ), status


def _profile_choices() -> dict[str, list[tuple[str, str]]]:
    return {kind: choices(kind) for kind in ("province", "stakeholder_group", "gender", "age_band")}


def _values() -> dict[str, list[str]]:
    return request.form.to_dict(flat=False)


def _problems(hearing: Hearing, scope: paper.Scope, data: dict, names: dict, errors: dict):
    """Input problems plus everything the service would say, so one page shows them all."""
    try:
        paper.check_paper_form(hearing, data, scope)
    except ValidationError as exc:
        return {**paper_layout.error_fields(exc.fields, names), **errors}
    return errors


@bp.route("/<int:hearing_id>/paper", methods=["GET", "POST"])
@signed_in
def paper_entry(hearing_id: int):
    """One paper form after another: save, then an empty form with "Saved form N"."""
    hearing = _managed(hearing_id)
    scope = paper.scope_of(hearing)
    if request.method == "GET":
        return _page(hearing, scope, {}, {})
    values = _values()
    refusal = paper.entry_refusal(current_user, hearing)
    if refusal is not None:
        raise refusal
    try:
        key = clean_key(request.form.get("idempotency_key"))
    except ValidationError as exc:
        return _page(hearing, scope, values, {}, 400, exc.message)
    data, names, input_errors = paper_layout.from_fields(scope, request.form)
    if input_errors:
        errors = _problems(hearing, scope, data, names, input_errors)
        return _page(hearing, scope, values, errors, 422, _("Please correct the form."), key=key)

    def work() -> tuple[int, dict[str, Any]]:
        result = paper.submit_paper_form(current_user, hearing, data, scope=scope)
        return 201, result.as_json()

    try:
        with transaction():
            outcome = run_once(paper.idempotency_scope(hearing), key, data, work)
    except DomainError as exc:
        errors = paper_layout.error_fields(exc.fields, names)
        return _page(hearing, scope, values, errors, exc.status, exc.message, key=key)
    flash(_("Saved form %(number)d.", number=outcome.body["form_number"]))
    return redirect(url_for("hearings.paper_entry", hearing_id=hearing.id))


@bp.get("/<int:hearing_id>/paper/forms")
@signed_in
def paper_forms(hearing_id: int):
    hearing = _managed(hearing_id)
    return render_template(
        "hearings/paper/forms.html", hearing=hearing, rows=paper.list_forms(hearing)
    )


@bp.route("/<int:hearing_id>/paper/<int:form_number>", methods=["GET", "POST"])
@signed_in
def paper_correct(hearing_id: int, form_number: int):
    """Correct an entered form; earlier versions stay as revisions, shown below it."""
    hearing = _managed(hearing_id)
    attendee = paper.get_form(hearing, form_number)
    if attendee is None:
        raise NotFound(_("No form %(n)d was entered for this hearing.", n=form_number))
    scope = paper.scope_of(hearing)
    status, message, errors = 200, None, {}
    if request.method == "GET":
        values = paper_layout.to_fields(scope, paper.stored_form(hearing, attendee, scope))
    else:
        values = _values()
        data, names, errors = paper_layout.from_fields(scope, request.form)
        if errors:
            errors = _problems(hearing, scope, data, names, errors)
            status, message = 422, _("Please correct the form.")
        else:
            try:
                with transaction():
                    paper.correct_paper_form(current_user, hearing, form_number, data)
            except DomainError as exc:
                status, message = exc.status, exc.message
                errors = paper_layout.error_fields(exc.fields, names)
            else:
                flash(_("Form %(number)d is corrected.", number=form_number))
                return redirect(url_for("hearings.paper_forms", hearing_id=hearing.id))
    refusal = paper.entry_refusal(current_user, hearing)
    return render_template(
        "hearings/paper/entry.html",
        hearing=hearing,
        blocks=paper_layout.blocks(scope),
        values=values,
        errors=errors,
        message=message,
        refusal=refusal.message if refusal else None,
        form_number=form_number,
        next_number=None,
        idempotency_key=None,
        vocab=_profile_choices(),
        stances=choices("stance"),
        history=paper.form_history(hearing, attendee),
    ), status


@bp.get("/<int:hearing_id>/paper/template.csv")
@signed_in
def paper_template(hearing_id: int):
    """The CSV template: the header row of the hearing's form (documented in hearings.md)."""
    hearing = _managed(hearing_id)
    header = paper_layout.columns(paper.scope_of(hearing))
    filename = f"hearing-{hearing.id}-paper-forms.csv"
    return Response(
        csv_stream(header, []),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/<int:hearing_id>/paper/import", methods=["GET", "POST"])
@signed_in
def paper_import(hearing_id: int):
    """Upload a CSV: check it (dry run, nothing written), or import it all or nothing."""
    hearing = _managed(hearing_id)
    report, status, message = None, 200, None
    if request.method == "POST":
        upload = request.files.get("file")
        dry_run = request.form.get("action") != "import"
        try:
            refusal = paper.entry_refusal(current_user, hearing)
            if refusal is not None:
                raise refusal
            with transaction():
                raw = paper_csv.read_upload(upload)
                report = paper_csv.import_forms(current_user, hearing, raw, dry_run=dry_run)
                if report.errors and not dry_run:
                    raise paper_csv.ImportRefused(report)
        except paper_csv.ImportRefused as exc:
            report, status, message = exc.report, exc.status, exc.message
        except DomainError as exc:
            status, message = exc.status, exc.message
        else:
            if not dry_run:
                flash(
                    _(
                        "Imported %(n)d forms; %(skipped)d were already imported.",
                        n=report.imported,
                        skipped=report.skipped,
                    )
                )
                return redirect(url_for("hearings.paper_forms", hearing_id=hearing.id))
            if report.errors:
                status = 422
    return render_template(
        "hearings/paper/import.html",
        hearing=hearing,
        report=report,
        message=message,
        refusal=_refusal_message(hearing),
        max_bytes=paper_csv.MAX_BYTES,
        max_rows=paper_csv.MAX_ROWS,
    ), status


def _refusal_message(hearing: Hearing) -> str | None:
    refusal = paper.entry_refusal(current_user, hearing)
    return refusal.message if refusal else None


@bp.get("/<int:hearing_id>/paper/print")
@signed_in
def paper_print(hearing_id: int):
    """The paper form to print (A4), in English or Urdu, in the entry screen's order."""
    hearing = _managed(hearing_id)
    lang = choice_arg("lang", current_app.config["LANGUAGES"], "en")
    scope = paper.scope_of(hearing)
    with force_locale(lang):
        return render_template(
            "hearings/paper/print.html",
            hearing=hearing,
            blocks=paper_layout.blocks(scope),
            vocab=_profile_choices(),
            stances=choices("stance"),
            lang=lang,
        )
