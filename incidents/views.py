"""Pages of 110 calls: the list, logging a call, its page, linking it to a case
and registering the case it reports.

Every read goes through a selector, so another unit's record is a 404; every
write goes through a service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disputes import selectors as dispute_selectors
from disputes.models import Party, Source, Status
from disputes.services import PartyData
from disputes.views import registration_form
from incidents import exports, selectors, services
from incidents.filters import IncidentFilter
from incidents.forms import IncidentForm, IncidentLinkForm
from units.conf import fengqiao
from units.errors import TransitionError
from units.forms import add_bootstrap_classes
from units.listexport import page_export
from units.validators import mask_phone

HOME_LIST_SIZE = 20


def _mask_callers(incidents) -> None:
    # Caller phones are personal data: pages only ever show them masked.
    for incident in incidents:
        incident.caller_phone_masked = mask_phone(incident.caller_phone)


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
def incident_list(request):
    incidents = IncidentFilter(
        request.GET, queryset=selectors.incident_list(user=request.user), request=request
    )
    if (export := page_export(request, exports.INCIDENTS, incidents.qs)) is not None:
        return export
    add_bootstrap_classes(incidents.form)
    page = Paginator(incidents.qs, fengqiao("PAGE_SIZE")).get_page(request.GET.get("page"))
    _mask_callers(page.object_list)
    return render(
        request,
        "incidents/list.html",
        {"nav": "incidents", "filter": incidents, "page_obj": page},
    )


@login_required
@permission_required("incidents.add_incident", raise_exception=True)
def incident_create(request):
    form = IncidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The call was logged."))
            return redirect(incident)
    return render(request, "incidents/form.html", {"nav": "incidents", "form": form})


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
def incident_detail(request, pk):
    incident = selectors.incident_get(user=request.user, pk=pk)
    _mask_callers([incident])
    candidates = []
    if incident.dispute_id is None:
        candidates = list(
            dispute_selectors.repeat_call_candidates(
                user=request.user, phone=incident.caller_phone, address=incident.address
            )[:HOME_LIST_SIZE]
        )
    return render(
        request,
        "incidents/detail.html",
        {"nav": "incidents", "incident": incident, "candidates": candidates},
    )


@require_POST
@login_required
@permission_required("incidents.change_incident", raise_exception=True)
def incident_link(request, pk):
    """Link the call to a case of the user's scope; a later call is a repeat."""
    incident = selectors.incident_get(user=request.user, pk=pk)
    form = IncidentLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the case to link this call to."))
        return redirect(incident)
    dispute = dispute_selectors.dispute_get(user=request.user, pk=form.cleaned_data["dispute"])
    try:
        services.incident_link_dispute(
            incident=incident, dispute=dispute, actor=request.user
        )
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect(incident)
    messages.success(
        request,
        _("The call was linked to case %(reference)s.") % {"reference": dispute.reference},
    )
    if dispute.status in (Status.RESOLVED, Status.CLOSED):
        messages.info(
            request,
            _(
                "Case %(reference)s is already resolved or closed. If the dispute "
                "has flared up again, reopen the case on its page."
            )
            % {"reference": dispute.reference},
        )
    return redirect(incident)



def _registration_initial(incident) -> tuple[dict, list[dict]]:
    """What a 110 call tells the registration form."""
    unit = incident.unit
    station = {unit.Kind.STATION: unit, unit.Kind.BEAT: unit.parent}.get(unit.kind)
    dispute = {
        "title": incident.get_category_display(), "received_at": incident.received_at,
        "place": incident.address, "summary": incident.summary, "source": Source.CALL_110,
        "latitude": incident.latitude, "longitude": incident.longitude,
        "unit": station.pk if station else None,
        "beat": unit.pk if unit.kind == unit.Kind.BEAT else None,
    }
    # The caller's phone is not put in the form: it would show in full there.
    # A blank phone on the first party is filled from the call (see below).
    party = {"name": incident.caller_name, "role": Party.Role.APPLICANT, "address": incident.address}
    return dispute, [party]


@login_required
@permission_required("disputes.add_dispute", raise_exception=True)
def register_dispute(request, pk):
    """Register the dispute this call reports; the call is linked to it at once."""
    incident = selectors.incident_get(user=request.user, pk=pk)
    initial, party_initial = _registration_initial(incident)

    def register(data: dict, parties: list[PartyData]):
        if parties and not parties[0].phone:
            parties[0].phone = incident.caller_phone
        return services.incident_register_dispute(
            actor=request.user, incident=incident, parties=parties, **data
        )

    return registration_form(
        request, initial=initial, party_initial=party_initial, register=register,
        fixed_source=Source.CALL_110, context={"incident": incident},
    )
