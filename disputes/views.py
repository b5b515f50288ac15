"""Pages of the dispute flow and the mediator pool.

Reads go through disputes.selectors (already scoped: another unit's record is
404), writes through disputes.services. A refused transition is shown as a
form error; a service's ValidationError as field errors; PermissionDenied is 403.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from disputes import exports, selectors, services
from disputes.filters import MEASURES, DisputeFilter, MediatorFilter
from disputes.forms import (
    ACTION_FORMS,
    AttachmentForm,
    ConfirmationApplyForm,
    ConfirmationDecideForm,
    DisputeForm,
    FollowUpForm,
    MediatorForm,
    PartyFormSet,
    PerformanceForm,
    ReferralAnswerForm,
    ReferralForm,
    RevealReasonForm,
    SessionForm,
    add_service_errors,
    local_now_minute,
    style_form,
)
from disputes.models import (
    Dispute,
    JudicialConfirmation,
    Source,
    Status,
)
from disputes.workflow import Action, allowed_actions, required_permission
from units import formtokens, reveals
from units.conf import fengqiao
from units.errors import TransitionError
from units.listexport import page_export
from units.pagination import CappedPaginator
from units.selectors import user_unit

view_required = permission_required("disputes.view_dispute", raise_exception=True)

# Sortable columns of the list: (ordering key, label).
SORT_COLUMNS = ["reference", "status", "risk_level", "received_at", "deadline"]


def _paginate(request, queryset, paginator_class=Paginator):
    return paginator_class(queryset, fengqiao("PAGE_SIZE")).get_page(request.GET.get("page"))


def _sort_links(request) -> dict[str, dict]:
    """For each sortable column: the ordering a click asks for and the arrow."""
    current = request.GET.get("ordering", "")
    links = {}
    for key in SORT_COLUMNS:
        if current == key:
            links[key] = {"next": f"-{key}", "arrow": "▲"}
        elif current == f"-{key}":
            links[key] = {"next": key, "arrow": "▼"}
        else:
            links[key] = {"next": key, "arrow": ""}
    return links


@login_required
@view_required
def dispute_list(request):
    filterset = DisputeFilter(
        request.GET or None, queryset=selectors.dispute_list(user=request.user), request=request
    )
    filterset.offer_choices()
    style_form(filterset.form)
    filterset.form.fields["status"].widget.attrs["size"] = 3
    for name in ("received_after", "received_before"):
        filterset.form.fields[name].widget.input_type = "date"
    if (export := page_export(request, exports.DISPUTES, filterset.qs)) is not None:
        return export
    page = _paginate(request, filterset.qs, CappedPaginator)
    return render(request, "disputes/list.html", {
        "nav": "disputes", "filter": filterset, "page_obj": page,
        "sort": _sort_links(request), "quick_filters": _quick_filters(request),
    })


def _quick_filters(request) -> list[dict]:
    """One-tap filters above the list (我的 / 超期 / 高风险 / 待核查 / 待回访):
    each a query string, marked current when the page shows exactly it."""
    quick = [
        (_("Mine"), [("assigned_officer", request.user.pk), *MEASURES["open"]]),
        (_("Overdue"), MEASURES["overdue"]),
        (_("High risk"), MEASURES["high_risk"]),
        (_("Awaiting verification"), MEASURES["awaiting_verification"]),
        (_("Follow-up due"), [("follow_up_due", "true")]),
    ]
    current = sorted(
        (k, v) for k, values in request.GET.lists() for v in values if k != "page" and v
    )
    return [
        {"label": label, "query": urlencode(pairs),
         "current": current == sorted((k, str(v)) for k, v in pairs)}
        for label, pairs in quick
    ]


# Registration -------------------------------------------------------------------


def _party_data(formset) -> list[services.PartyData]:
    # A spare row left blank has no cleaned data.
    return [services.PartyData(**form.cleaned_data) for form in formset.forms if form.cleaned_data]


def _register(form, formset, register: Callable) -> Dispute | None:
    """Call the service; on refusal put the message on the form. The dispute or None."""
    try:
        return register(dict(form.cleaned_data), _party_data(formset))
    except ValidationError as error:
        add_service_errors(form, error)
    except TransitionError as error:
        form.add_error(None, error.message)
    return None


def registration_form(
    request,
    *,
    initial: dict,
    party_initial: list[dict],
    register: Callable[[dict, list[services.PartyData]], Dispute],
    fixed_source: str | None = None,
    context: dict | None = None,
):
    """The registration page: the form with its parties, and on a valid POST
    ``register(data, parties)`` (a service) saves the case.

    Shared by the plain registration and by the pages of the records a case
    can come from (a 110 call), which pass their own defaults and service.
    """
    form_kwargs = {"user": request.user, "fixed_source": fixed_source}
    if request.method == "POST":
        form = DisputeForm(request.POST, initial=initial, **form_kwargs)
        formset = PartyFormSet(request.POST, prefix="parties")
        token = request.POST.get(formtokens.FIELD)
        if form.is_valid() and formset.is_valid():
            fresh, earlier = formtokens.claim(request.user, token)
            if not fresh:
                # Submitted twice: the first submit's case, never a second one.
                messages.info(request, _("This form was already submitted."))
                return redirect("disputes:detail", earlier) if earlier else redirect("disputes:list")
            dispute = _register(form, formset, register)
            if dispute is not None:
                formtokens.done(request.user, token, dispute.pk)
                message = _("Dispute %(reference)s registered.")
                messages.success(request, message % {"reference": dispute.reference})
                return redirect(dispute)
            formtokens.release(request.user, token)
    else:
        form = DisputeForm(initial=initial, **form_kwargs)
        formset = PartyFormSet(prefix="parties", initial=party_initial)
    return render(request, "disputes/create.html", {
        "nav": "disputes", "form": form, "formset": formset, **(context or {}),
        "form_token": request.POST.get(formtokens.FIELD) or formtokens.issue(),
    })


@login_required
@permission_required("disputes.add_dispute", raise_exception=True)
def dispute_create(request):
    if request.GET.get("incident", "").isdigit():
        # Registering from a 110 call is the call's own page: it links the call.
        return redirect("incidents:register_dispute", int(request.GET["incident"]))
    # The register button is for people at the desk: 群众来访 (a call or a tip
    # registers from its own page, with its own source).
    initial = {"received_at": local_now_minute(), "source": Source.WALK_IN}
    unit = user_unit(request.user)
    if unit is not None and unit.kind == unit.Kind.STATION:
        initial["unit"] = unit.pk

    def register(data: dict, parties: list[services.PartyData]) -> Dispute:
        return services.dispute_register(actor=request.user, parties=parties, **data)

    return registration_form(
        request, initial=initial, party_initial=[{"role": "applicant"}], register=register
    )


# Detail ---------------------------------------------------------------------------


# The usual next steps of a case; the other actions wait under "More".
FORWARD_ACTIONS = (Action.ASSESS, Action.DISPATCH, Action.RESOLVE, Action.VERIFY)


def _render_detail(request, dispute, *, attachment_form=None, status=200):
    user = request.user
    # Parties revealed by the POST that redirected here: shown in full this once.
    revealed = {p.pk for p in dispute.parties.all() if reveals.take(request, _party_grant(p))}
    actions = [(a, Action(a).label) for a in allowed_actions(dispute, user)]
    return render(request, "disputes/detail.html", {
        "nav": "disputes",
        "dispute": dispute,
        "tip": selectors.dispute_source_tip(user=user, dispute=dispute),
        "actions": actions,
        "forward_actions": [(a, label) for a, label in actions if a in FORWARD_ACTIONS],
        "fail_action": next((label for a, label in actions if a == Action.FAIL), None),
        "other_actions": [
            (a, label) for a, label in actions if a not in FORWARD_ACTIONS and a != Action.FAIL
        ],
        "revealed": revealed,
        "attachment_form": attachment_form or AttachmentForm(),
        "can_mediate": user.has_perm("disputes.mediate_dispute"),
        "can_session": dispute.status == Status.IN_MEDIATION
        and user.has_perm("disputes.mediate_dispute"),
        "can_follow_up": dispute.status in (Status.RESOLVED, Status.CLOSED)
        and user.has_perm("disputes.mediate_dispute"),
        "can_refer": dispute.status in (Status.ASSESSED, Status.IN_MEDIATION, Status.UNRESOLVED)
        and user.has_perm("disputes.mediate_dispute"),
        "can_attach": user.has_perm("disputes.add_attachment"),
        "can_reveal": user.has_perm("disputes.reveal_personal_data"),
    }, status=status)


@login_required
@view_required
def dispute_detail(request, pk):
    dispute = selectors.dispute_detail(user=request.user, pk=pk)
    return _render_detail(request, dispute)


def _party_grant(party) -> str:
    return f"party:{party.pk}"


@never_cache
@login_required
@view_required
def party_reveal(request, pk, party_pk):
    """Show one party's ID number and phone in full: the reason is asked (GET),
    the reveal logged (POST), then the case page shows them once (PRG: a
    refresh logs nothing and shows them masked again). The data never goes into
    a URL: a short-lived grant in the session (``units.reveals``) carries it."""
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    party = dispute.parties.filter(pk=party_pk).first()
    if party is None:
        raise Http404
    if not request.user.has_perm("disputes.reveal_personal_data"):
        raise PermissionDenied
    form = RevealReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.party_reveal(party=party, actor=request.user, reason=form.logged_reason())
        reveals.grant(request, _party_grant(party))
        return redirect(f"{dispute.get_absolute_url()}#party-{party.pk}")
    return render(request, "disputes/reveal.html", {
        "nav": "disputes", "dispute": dispute, "party": party, "form": form,
    })


# Actions (transitions) -------------------------------------------------------------

_SERVICE_OF = {
    Action.ASSESS: services.dispute_assess,
    Action.DISPATCH: services.dispute_dispatch,
    Action.VERIFY: services.dispute_verify,
    Action.TRANSFER: services.dispute_transfer,
    Action.REOPEN: services.dispute_reopen,
    Action.WITHDRAW: services.dispute_withdraw,
    Action.CHANGE_TRACK: services.dispute_change_track,
}


def _run_action(action: str, *, dispute, actor, data: dict):
    """Call the action's service with the form's cleaned data."""
    expected_version = data.pop("version")
    common = {"dispute": dispute, "actor": actor, "expected_version": expected_version}
    if action == Action.RESOLVE:
        agreement = None
        if data["terms"].strip():
            agreement = services.AgreementData(
                terms=data["terms"], signed_on=data["signed_on"],
                performance_due=data["performance_due"],
            )
        return services.dispute_resolve(
            **common, agreement=agreement, resolution_note=data["resolution_note"]
        )
    if action == Action.FAIL:
        referral = services.ReferralData(
            target=data.pop("target"), target_name=data.pop("target_name"),
            reason=data.pop("reason"),
        )
        return services.dispute_fail(**common, referral=referral, note=data["note"])
    return _SERVICE_OF[action](**common, **data)


@login_required
@view_required
def dispute_action(request, pk, action):
    """One page per action: GET shows its form, POST applies it."""
    if action not in ACTION_FORMS:
        raise Http404
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    if not request.user.has_perm(required_permission(action, track=dispute.track)):
        raise PermissionDenied
    form_class = ACTION_FORMS[action]
    if request.method == "POST":
        form = form_class(request.POST, dispute=dispute, user=request.user)
        if form.is_valid():
            try:
                _run_action(
                    action, dispute=dispute, actor=request.user, data=dict(form.cleaned_data)
                )
            except TransitionError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _after_action(request, action, dispute)
    else:
        form = form_class(dispute=dispute, user=request.user)
    return render(request, "disputes/action.html", {
        "nav": "disputes", "dispute": dispute, "form": form, "action": action,
        "action_label": Action(action).label,
        "available": action in allowed_actions(dispute, request.user),
    })


def _after_action(request, action: str, dispute):
    """Back to the case, or to the list when the case has left the user's
    scope (a transfer to another station): never a 404 for a job well done."""
    if selectors.dispute_list(user=request.user).filter(pk=dispute.pk).exists():
        messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
        return redirect(dispute)
    dispute.refresh_from_db(fields=["unit", "reference"])
    messages.success(request, _("Transferred to %(unit)s · %(reference)s.") % {
        "unit": dispute.unit, "reference": dispute.reference,
    })
    return redirect("disputes:list")


# Records added to a case ------------------------------------------------------------


def _record_page(request, dispute, form, *, title, template="disputes/record_form.html",
                 **extra):
    return render(request, template, {
        "nav": "disputes", "dispute": dispute, "form": form, "title": title, **extra,
    })


def _call_service(form, call) -> bool:
    """Run ``call``; on refusal put the message on ``form``. True when it succeeded."""
    try:
        call()
    except TransitionError as error:
        form.add_error(None, error.message)
    except ValidationError as error:
        add_service_errors(form, error)
    else:
        return True
    return False


@login_required
@view_required
def session_create(request, pk):
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    if not request.user.has_perm("disputes.mediate_dispute"):
        raise PermissionDenied
    form = SessionForm(request.POST or None, dispute=dispute, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = services.SessionData(**{
            k: list(v) if k in ("mediators", "officers", "parties_present") else v
            for k, v in form.cleaned_data.items()
        })
        if _call_service(form, lambda: services.session_record(
            dispute=dispute, actor=request.user, data=data
        )):
            messages.success(request, _("Mediation session recorded."))
            return redirect(dispute)
    return _record_page(request, dispute, form, title=_("Record a mediation session"))


@login_required
@view_required
def follow_up_create(request, pk):
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    if not request.user.has_perm("disputes.mediate_dispute"):
        raise PermissionDenied
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _call_service(form, lambda: services.follow_up_record(
            dispute=dispute, actor=request.user, **form.cleaned_data
        )):
            messages.success(request, _("Follow-up recorded."))
            return redirect(dispute)
    # A follow-up visit is when the officer learns whether the agreement is kept.
    pending = [a for a in dispute.agreements.all() if a.performance == a.Performance.PENDING]
    return _record_page(
        request, dispute, form, title=_("Record a follow-up"), pending_agreements=pending
    )


def _agreement_page(request, pk, agreement_pk):
    """The case and one of its agreements, for a user who may mediate."""
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    agreement = get_object_or_404(dispute.agreements.all(), pk=agreement_pk)
    if not request.user.has_perm("disputes.mediate_dispute"):
        raise PermissionDenied
    return dispute, agreement


@login_required
@view_required
def agreement_performance(request, pk, agreement_pk):
    dispute, agreement = _agreement_page(request, pk, agreement_pk)
    form = PerformanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _call_service(form, lambda: services.agreement_record_performance(
            agreement=agreement, actor=request.user, **form.cleaned_data
        )):
            messages.success(request, _("The agreement's performance was recorded."))
            if form.cleaned_data["performance"] != agreement.Performance.PERFORMED:
                messages.info(request, _(
                    "If the dispute is not settled, reopen the case to mediate again "
                    "(the agreement is kept) or refer it."
                ))
            return redirect(dispute)
    return _record_page(request, dispute, form, title=_("Record the agreement's performance"))


@login_required
@view_required
def agreement_confirmation(request, pk, agreement_pk):
    dispute, agreement = _agreement_page(request, pk, agreement_pk)
    form = ConfirmationApplyForm(request.POST or None, dispute=dispute)
    if request.method == "POST" and form.is_valid():
        if _call_service(form, lambda: services.judicial_confirmation_apply(
            agreement=agreement, actor=request.user, **form.cleaned_data
        )):
            messages.success(request, _("The application for judicial confirmation was recorded."))
            return redirect(dispute)
    return _record_page(request, dispute, form, title=_("Apply for judicial confirmation"))


@login_required
@view_required
def agreement_confirmation_decision(request, pk, agreement_pk):
    dispute, agreement = _agreement_page(request, pk, agreement_pk)
    confirmation = get_object_or_404(JudicialConfirmation, agreement=agreement)
    form = ConfirmationDecideForm(request.POST or None, dispute=dispute)
    if request.method == "POST" and form.is_valid():
        if _call_service(form, lambda: services.judicial_confirmation_decide(
            confirmation=confirmation, actor=request.user, **form.cleaned_data
        )):
            messages.success(request, _("The court's ruling was recorded."))
            return redirect(dispute)
    return _record_page(request, dispute, form, title=_("Record the court's ruling"))


@login_required
@view_required
def referral_create(request, pk):
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    if not request.user.has_perm("disputes.mediate_dispute"):
        raise PermissionDenied
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.ReferralData(**form.cleaned_data)
        if _call_service(form, lambda: services.referral_add(
            dispute=dispute, actor=request.user, data=data
        )):
            messages.success(request, _("Referral recorded."))
            return redirect(dispute)
    return _record_page(request, dispute, form, title=_("Refer the case"))


@login_required
@view_required
def referral_answer(request, pk, referral_pk):
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    referral = get_object_or_404(dispute.referrals.all(), pk=referral_pk)
    if not request.user.has_perm("disputes.mediate_dispute"):
        raise PermissionDenied
    form = ReferralAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _call_service(form, lambda: services.referral_answer(
            referral=referral, actor=request.user, **form.cleaned_data
        )):
            messages.success(request, _("The answer has been recorded."))
            return redirect(dispute)
    return render(request, "disputes/record_form.html", {
        "nav": "disputes", "dispute": dispute, "form": form, "referral": referral,
        "title": _("Record the answer to a referral"),
    })


@login_required
@view_required
@require_POST
def attachment_add(request, pk):
    dispute = selectors.dispute_detail(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and _call_service(form, lambda: services.attachment_add(
        dispute=dispute, actor=request.user, kind=form.cleaned_data["kind"],
        upload=form.cleaned_data["file"],
    )):
        messages.success(request, _("Attachment added."))
        return redirect(dispute)
    return _render_detail(request, dispute, attachment_form=form)


@login_required
@view_required
def attachment_download(request, pk, attachment_pk):
    """Serve an attachment only to users who may see its dispute."""
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    attachment = get_object_or_404(dispute.attachments.all(), pk=attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True,
        filename=attachment.original_name, content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@view_required
def agreement_print(request, pk, agreement_pk):
    """The 协议书 ready to print. Its parties' ID numbers and phones show
    masked; printing them in full is a reveal like any other: a reason is asked
    (POST), each party's access is logged, and the redirected page shows them
    in full once (``units.reveals``)."""
    # The parties show twice (the heading and the signatures): read once.
    dispute = get_object_or_404(
        selectors.dispute_list(user=request.user).prefetch_related("parties"), pk=pk
    )
    agreement = get_object_or_404(dispute.agreements.all(), pk=agreement_pk)
    form = RevealReasonForm(request.POST if request.method == "POST" else None)
    grant_key = f"agreement:{agreement.pk}"
    if request.method == "POST" and form.is_valid():
        reason = form.logged_reason()
        for party in dispute.parties.all():
            services.party_reveal(party=party, actor=request.user, via="print", reason=reason)
        reveals.grant(request, grant_key)
        return redirect("disputes:agreement_print", dispute.pk, agreement.pk)
    return render(request, "disputes/agreement_print.html", {
        "nav": "disputes", "dispute": dispute, "agreement": agreement,
        "participants": selectors.agreement_participants(dispute=dispute),
        "form": form, "revealed": request.method == "GET" and reveals.take(request, grant_key),
        "can_reveal": request.user.has_perm("disputes.reveal_personal_data"),
    })


# Mediator pool -------------------------------------------------------------------------


@login_required
@permission_required("disputes.view_mediator", raise_exception=True)
def mediator_list(request):
    mediators = selectors.mediator_list(user=request.user)
    filterset = MediatorFilter(request.GET or None, queryset=mediators)
    if (export := page_export(request, exports.MEDIATORS, filterset.qs)) is not None:
        return export
    style_form(filterset.form)
    return render(request, "disputes/mediator_list.html", {
        "nav": "mediators", "filter": filterset, "page_obj": _paginate(request, filterset.qs),
    })


@login_required
@permission_required("disputes.view_mediator", raise_exception=True)
def mediator_detail(request, pk):
    mediator = selectors.mediator_get(user=request.user, pk=pk)
    cases = selectors.dispute_list(user=request.user).filter(mediators=mediator)[:20]
    return render(request, "disputes/mediator_detail.html", {
        "nav": "mediators", "mediator": mediator, "cases": cases,
    })


def _mediator_form_page(request, mediator=None):
    initial = MediatorForm.initial_for(mediator) if mediator else {}
    form = MediatorForm(request.POST or None, initial=initial, user=request.user, mediator=mediator)
    if request.method == "POST" and form.is_valid():
        try:
            mediator = services.mediator_save(
                actor=request.user, mediator=mediator, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Mediator saved."))
            return redirect(mediator)
    return render(request, "disputes/mediator_form.html", {
        "nav": "mediators", "form": form, "mediator": mediator,
    })


@login_required
@permission_required("disputes.add_mediator", raise_exception=True)
def mediator_create(request):
    return _mediator_form_page(request)


@login_required
@permission_required("disputes.change_mediator", raise_exception=True)
def mediator_edit(request, pk):
    return _mediator_form_page(request, selectors.mediator_get(user=request.user, pk=pk))
