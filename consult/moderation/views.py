"""The moderation desk (/moderation/) and the public transparency page (/transparency)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from consult.core import audit
from consult.core.i18n import is_local_url
from consult.core.params import choice_arg, int_arg
from consult.core.spreadsheets import csv_stream
from consult.core.transaction import form_transaction, transaction
from consult.core.vocab import (
    CAMPAIGN_STATUSES,
    MODERATION_ACTIONS,
    MODERATION_REASONS,
    label,
)
from consult.errors import NotFound, ValidationError
from consult.moderation import campaigns, forms, queries, services
from consult.moderation.desk import desk_required
from consult.moderation.filters import queue_filters

bp = Blueprint("moderation", __name__)

FILTERS = ("reason", "section", "channel", "hearing", "status", "page")


def _back_to_queue() -> str:
    args = {k: v for k, v in request.args.items() if k in FILTERS}
    return url_for("moderation.queue", **args)


@bp.get("/moderation/")
@desk_required
def queue():
    filters = queue_filters()
    items = queries.get_queue(filters, int_arg("page", 1))
    return render_template(
        "moderation/queue.html",
        items=items,
        themes=queries.list_themes(sorted({i.comment.policy_id for i in items.items})),
        filters=filters,
        form=forms.ActionForm(),
        threshold=current_app.config["MODERATION_FLAG_THRESHOLD"],
    )


@bp.post("/moderation/actions")
@desk_required
def act():
    form = forms.ActionForm()
    if form.validate_on_submit():
        done, _status = form_transaction(
            form,
            lambda: services.act_on_comments(
                current_user, form.selection(), form.action.data, form.reason.data, form.note.data
            ),
        )
        if done is not None:
            flash(
                ngettext(
                    "%(num)d comment: %(action)s.",
                    "%(num)d comments: %(action)s.",
                    len(done),
                    action=label("moderation_action", form.action.data),
                )
            )
        else:
            flash(" ".join(str(e) for e in form.form_errors) or _("Nothing was changed."))
    else:
        flash(_("Nothing was changed: check the action and its reason."))
    target = request.form.get("next")  # the comment's record page, when acting from there
    return redirect(target if is_local_url(target) else _back_to_queue())


@bp.route("/moderation/users/<int:user_id>/ban", methods=["GET", "POST"])
@desk_required
def ban(user_id: int):
    target = queries.get_account(user_id)
    if target is None:
        raise NotFound(_("No such account."))
    form = forms.BanForm()
    status = 200
    if form.validate_on_submit():
        until = datetime.combine(form.until.data, time.min, tzinfo=UTC) if form.until.data else None
        done, status = form_transaction(
            form,
            lambda: services.ban_account(
                current_user, target, form.reason.data, until, form.note.data
            ),
        )
        if done is not None:
            flash(_("%(name)s is suspended from taking part.", name=target.display_name))
            return redirect(url_for("moderation.queue"))
    elif form.errors:
        status = 422
    history = queries.list_author_history(target.participant_id)
    return render_template(
        "moderation/ban.html", form=form, target=target, history=history
    ), status or 200


@bp.post("/moderation/users/<int:user_id>/unban")
@desk_required
def unban(user_id: int):
    target = queries.get_account(user_id)
    if target is None:
        raise NotFound(_("No such account."))
    form = forms.BanForm()
    done, _status = form_transaction(form, lambda: services.unban_account(current_user, target))
    flash(
        _("%(name)s can take part again.", name=target.display_name)
        if done is not None
        else " ".join(form.form_errors)
    )
    return redirect(url_for("moderation.ban", user_id=user_id))


def _date_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return datetime.combine(date.fromisoformat(raw), time.min, tzinfo=UTC)
    except ValueError:
        raise ValidationError(
            _("%(name)s must be a date such as 2026-12-01.", name=name), {name: _("Not a date.")}
        ) from None


def _log_filters() -> queries.LogFilters:
    until = _date_arg("to")
    return queries.LogFilters(
        action=choice_arg("action", MODERATION_ACTIONS, "") or None,
        reason=choice_arg("reason", MODERATION_REASONS, "") or None,
        since=_date_arg("from"),
        until=until + timedelta(days=1) if until else None,  # "to" is inclusive
    )


@bp.get("/moderation/log")
@desk_required
def log():
    """Every moderation action, newest first, with filters; notes are for moderators."""
    filters = _log_filters()
    args = {k: v for k, v in request.args.items() if k in ("action", "reason", "from", "to")}
    return render_template(
        "moderation/log.html",
        entries=queries.list_actions(filters, int_arg("page", 1)),
        args=args,
    )


@bp.get("/moderation/log.csv")
@desk_required
def log_csv():
    """The same rows as a CSV file for the policy team, streamed, formula-safe, audited."""
    filters = _log_filters()
    args = {k: v for k, v in request.args.items() if k in ("action", "reason", "from", "to")}
    with transaction():  # the export is on the record before a byte leaves
        audit.record(
            "moderation.log_export",
            actor_id=current_user.id,
            target_type="moderation_log",
            data={"filters": args, "format": "csv"},
        )
    body = stream_with_context(csv_stream(queries.LOG_COLUMNS, queries.iter_actions(filters)))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=consult-moderation-log-{stamp}.csv"},
    )


@bp.get("/transparency")
def transparency():
    return render_template(
        "moderation/transparency.html",
        figures=queries.transparency(),
        threshold=current_app.config["MODERATION_FLAG_THRESHOLD"],
    )


@bp.get("/moderation/campaigns")
@desk_required
def campaigns_list():
    """Groups of near-identical comments, largest first, by review status."""
    status = choice_arg("status", CAMPAIGN_STATUSES, "candidate")
    return render_template(
        "moderation/campaigns.html",
        groups=queries.list_campaigns(status, int_arg("page", 1)),
        status=status,
        token=campaigns.state_token,
        form=forms.CampaignConfirmForm(),
        threshold=campaigns.threshold(),
    )


@bp.get("/moderation/campaigns/<int:group_id>")
@desk_required
def campaign(group_id: int):
    """One group: its sample text and its comments, to confirm it or split comments off."""
    row = queries.get_campaign(group_id)
    if row is None:
        raise NotFound(_("No such group of comments."))
    return render_template(
        "moderation/campaign.html",
        row=row,
        members=queries.list_campaign_members(group_id, int_arg("page", 1)),
        token=campaigns.state_token(row.group),
        confirm_form=forms.CampaignConfirmForm(),
        split_form=forms.CampaignSplitForm(),
    )


@bp.post("/moderation/campaigns/<int:group_id>/confirm")
@desk_required
def campaign_confirm(group_id: int):
    form = forms.CampaignConfirmForm()
    if form.validate_on_submit():
        done, _status = form_transaction(
            form, lambda: campaigns.confirm_campaign(current_user, group_id, form.token.data)
        )
        if done is not None:
            flash(
                ngettext(
                    "Confirmed as one campaign of %(num)d comment.",
                    "Confirmed as one campaign of %(num)d comments.",
                    done.size,
                )
            )
        else:
            flash(" ".join(str(e) for e in form.form_errors) or _("Nothing was changed."))
    else:
        flash(_("Nothing was changed: reload the page and try again."))
    if request.form.get("next") == "list":
        return redirect(url_for("moderation.campaigns_list"))
    return redirect(url_for("moderation.campaign", group_id=group_id))


@bp.post("/moderation/campaigns/<int:group_id>/split")
@desk_required
def campaign_split(group_id: int):
    form = forms.CampaignSplitForm()
    if form.validate_on_submit():
        done, _status = form_transaction(
            form,
            lambda: campaigns.split_campaign(
                current_user, group_id, form.token.data, form.comment_ids(), form.seen_size.data
            ),
        )
        if done is not None:
            flash(
                _("The group was split up: it is no longer counted as a campaign.")
                if done.status == "split"
                else ngettext(
                    "Split off. %(num)d comment is left in the group.",
                    "Split off. %(num)d comments are left in the group.",
                    done.size,
                )
            )
        else:
            flash(" ".join(str(e) for e in form.form_errors) or _("Nothing was changed."))
    else:
        flash(_("Nothing was changed: reload the page and try again."))
    return redirect(url_for("moderation.campaign", group_id=group_id))
