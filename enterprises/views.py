"""Enterprise pages (一警365·亲清在一企): the register of a station, one
enterprise's timeline, visit logging with its requests, the requests board
and the coverage figures.

Every read goes through a selector (another unit's enterprise is a 404);
every write through a service in enterprises.services.
"""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import exports, selectors, services
from enterprises.filters import EnterpriseFilter, EnterpriseRequestFilter
from enterprises.forms import (
    EnterpriseFiguresForm,
    EnterpriseForm,
    EnterpriseImportForm,
    RequestConvertForm,
    RequestDeclineForm,
    RequestFormSet,
    RequestResolveForm,
    StandaloneRequestForm,
    VisitForm,
)
from enterprises.imports import EnterpriseImporter
from enterprises.models import EnterpriseRequest
from units import selectors as unit_selectors
from units.conf import fengqiao
from units.errors import TransitionError
from units.forms import add_bootstrap_classes
from units.listexport import page_export
from units.validators import mask_phone

NAV = "enterprises"
IMPORT_SESSION_KEY = "enterprise_import"
view_perm = permission_required("enterprises.view_enterprise", raise_exception=True)


def _call(form, action):
    """Run a service; its refusals become the form's errors. None if refused."""
    try:
        return action()
    except TransitionError as error:
        form.add_error(None, error.message)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            form.add_error(None, error)
    return None


# Register ------------------------------------------------------------------------------


@login_required
@view_perm
def enterprise_list(request):
    enterprises = EnterpriseFilter(
        request.GET, queryset=selectors.enterprise_list(user=request.user), request=request
    )
    ordered = enterprises.qs.order_by("name", "pk")
    if (export := page_export(request, exports.ENTERPRISES, ordered)) is not None:
        return export
    add_bootstrap_classes(enterprises.form)
    page = Paginator(ordered, fengqiao("PAGE_SIZE")).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "enterprises/list.html",
        {"nav": NAV, "filter": enterprises, "page_obj": page, "today": timezone.localdate()},
    )


def _enterprise_data(form, enterprise=None) -> dict:
    data = dict(form.cleaned_data)
    # The phone is never put back into the edit form (it is personal data);
    # an empty field keeps the number on file.
    if enterprise is not None and not data["contact_phone"]:
        data["contact_phone"] = enterprise.contact_phone
    return data


@login_required
@permission_required("enterprises.add_enterprise", raise_exception=True)
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enterprise = _call(
            form,
            lambda: services.enterprise_save(actor=request.user, **_enterprise_data(form)),
        )
        if enterprise is not None:
            messages.success(request, _("The enterprise was registered."))
            return redirect(enterprise)
    return render(request, "enterprises/form.html", {"nav": NAV, "form": form})


@login_required
@permission_required("enterprises.change_enterprise", raise_exception=True)
def enterprise_edit(request, pk):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    initial = {
        name: getattr(enterprise, name)
        for name in (
            "name", "credit_code", "unit", "address", "industry", "hazardous_chemicals",
            "logistics", "foreign_staff", "contact_name", "liaison_officer", "active",
            "latitude", "longitude",
        )
    }
    form = EnterpriseForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _call(
            form,
            lambda: services.enterprise_save(
                actor=request.user, enterprise=enterprise, **_enterprise_data(form, enterprise)
            ),
        )
        if saved is not None:
            messages.success(request, _("The enterprise was saved."))
            return redirect(saved)
    return render(
        request,
        "enterprises/form.html",
        {"nav": NAV, "form": form, "enterprise": enterprise},
    )


@login_required
@view_perm
def enterprise_detail(request, pk):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    return render(
        request,
        "enterprises/detail.html",
        {
            "nav": NAV,
            "enterprise": enterprise,
            "timeline": selectors.enterprise_timeline(enterprise=enterprise),
            "today": timezone.localdate(),
        },
    )


# Visits --------------------------------------------------------------------------------


def _request_rows(formset, received_on: datetime.date) -> list[services.RequestData]:
    # Rows left untouched are the formset's spare blanks, not requests.
    return [
        services.RequestData(received_on=received_on, **form.cleaned_data)
        for form in formset.forms
        if form.has_changed() and form.cleaned_data
    ]


@login_required
@permission_required("enterprises.add_enterprisevisit", raise_exception=True)
def visit_create(request, pk):
    """Log a visit with the requests raised during it: all saved, or none."""
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = VisitForm(request.POST or None, user=request.user, enterprise=enterprise)
    formset = RequestFormSet(request.POST or None, prefix="requests")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        visit = _call(
            form,
            lambda: services.visit_log(
                actor=request.user,
                enterprise=enterprise,
                requests=_request_rows(formset, data["visited_on"]),
                **data,
            ),
        )
        if visit is not None:
            messages.success(request, _("The visit was logged."))
            return redirect(enterprise)
    return render(
        request,
        "enterprises/visit_form.html",
        {"nav": NAV, "enterprise": enterprise, "form": form, "formset": formset},
    )


@login_required
@permission_required("enterprises.add_enterpriserequest", raise_exception=True)
def request_create(request, pk):
    """Log a request the enterprise brought outside a visit (by phone, at the window)."""
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = StandaloneRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = _call(form, lambda: services.request_create(
            actor=request.user, enterprise=enterprise,
            data=services.RequestData(**form.cleaned_data),
        ))
        if item is not None:
            messages.success(request, _("The request was logged."))
            return redirect(item)
    return render(
        request, "enterprises/request_form.html",
        {"nav": NAV, "enterprise": enterprise, "form": form},
    )


# Requests ------------------------------------------------------------------------------


@login_required
@permission_required("enterprises.view_enterpriserequest", raise_exception=True)
def request_board(request):
    """Requests by status, one tab each (open by default), overdue first and
    green channel next."""
    status = request.GET.get("status") or EnterpriseRequest.Status.OPEN
    if status not in EnterpriseRequest.Status.values:
        status = EnterpriseRequest.Status.OPEN
    query = request.GET.copy()
    query["status"] = status
    scoped = selectors.request_list(user=request.user)
    requests = EnterpriseRequestFilter(query, queryset=scoped, request=request)
    if (export := page_export(request, exports.REQUESTS, requests.qs)) is not None:
        return export
    add_bootstrap_classes(requests.form)
    counts = dict(
        scoped.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    tabs = [
        (value, label, counts.get(value, 0)) for value, label in EnterpriseRequest.Status.choices
    ]
    page = Paginator(requests.qs, fengqiao("PAGE_SIZE")).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/requests.html",
        {"nav": NAV, "filter": requests, "page_obj": page, "status": status, "tabs": tabs},
    )


def _request_page(request, item, **forms):
    context = {
        "nav": NAV,
        "item": item,
        "resolve_form": RequestResolveForm(),
        "decline_form": RequestDeclineForm(),
        "convert_form": RequestConvertForm(
            initial={"title": item.description[:60], "summary": item.description}
        ),
        "can_convert": item.is_pending
        and item.category == EnterpriseRequest.Category.DISPUTE
        and item.dispute_id is None
        and request.user.has_perm("disputes.add_dispute"),
        "contact_phone_masked": mask_phone(item.enterprise.contact_phone),
    }
    context.update(forms)
    return render(
        request,
        "enterprises/request_detail.html",
        context,
        status=400 if forms else 200,
    )


@login_required
@permission_required("enterprises.view_enterpriserequest", raise_exception=True)
def request_detail(request, pk):
    return _request_page(request, selectors.request_get(user=request.user, pk=pk))


def _request_action(request, pk, form_class, form_name, service, message):
    item = selectors.request_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        result = _call(form, lambda: service(item, **form.cleaned_data))
        if result is not None:
            messages.success(request, message)
            return redirect(item)
    return _request_page(request, item, **{form_name: form})


@require_POST
@login_required
@permission_required("enterprises.change_enterpriserequest", raise_exception=True)
def request_start(request, pk):
    item = selectors.request_get(user=request.user, pk=pk)
    try:
        services.request_start(actor=request.user, request=item)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are now handling this request."))
    return redirect(item)


@require_POST
@login_required
@permission_required("enterprises.change_enterpriserequest", raise_exception=True)
def request_resolve(request, pk):
    return _request_action(
        request, pk, RequestResolveForm, "resolve_form",
        lambda item, **data: services.request_resolve(actor=request.user, request=item, **data),
        _("The request was resolved."),
    )


@require_POST
@login_required
@permission_required("enterprises.change_enterpriserequest", raise_exception=True)
def request_decline(request, pk):
    return _request_action(
        request, pk, RequestDeclineForm, "decline_form",
        lambda item, **data: services.request_decline(actor=request.user, request=item, **data),
        _("The request was declined."),
    )


@require_POST
@login_required
@permission_required("enterprises.change_enterpriserequest", raise_exception=True)
def request_convert(request, pk):
    return _request_action(
        request, pk, RequestConvertForm, "convert_form",
        lambda item, **data: services.request_convert_to_dispute(
            actor=request.user, request=item, **data
        ),
        _("The request was registered as a dispute."),
    )


# Figures -------------------------------------------------------------------------------


@login_required
@view_perm
def enterprise_figures(request):
    """The coverage figures of a unit's subtree for a period (default: this
    year to date at the user's own unit)."""
    form = EnterpriseFiguresForm(request.GET or None, user=request.user)
    figures = None
    today = timezone.localdate()
    own = unit_selectors.user_unit(request.user)
    if not request.GET or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        unit = data.get("unit") or own or form.fields["unit"].queryset.first()
        end = data.get("end") or today
        start = data.get("start") or datetime.date(end.year, 1, 1)
        if unit is not None:
            figures = selectors.enterprise_figures(unit=unit, start=start, end=end)
    return render(
        request,
        "enterprises/figures.html",
        {"nav": NAV, "form": form, "figures": figures},
    )


# Import --------------------------------------------------------------------------------


@login_required
@permission_required("enterprises.add_enterprise", raise_exception=True)
def enterprise_import(request):
    """Upload a register and see the preview; nothing is written here. The
    checked rows wait in the session under a one-time token until confirmed."""
    form = EnterpriseImportForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"nav": NAV, "form": form}
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        importer = EnterpriseImporter(actor=request.user, unit=unit)
        try:
            rows = importer.parse(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            token = uuid.uuid4().hex
            request.session[IMPORT_SESSION_KEY] = {
                "token": token, "unit": unit.pk, "rows": importer.dump(rows),
            }
            context.update(_preview(rows), token=token, unit=unit)
    return render(request, "enterprises/import.html", context)


def _preview(rows) -> dict:
    for row in rows:
        phone = row.data.get("contact_phone") or row.raw.get("contact_phone", "")
        row.masked_phone = mask_phone(phone)
    return {
        "rows": rows,
        "error_count": sum(1 for r in rows if not r.ok),
        "write_count": sum(1 for r in rows if r.will_write),
    }


@require_POST
@login_required
@permission_required("enterprises.add_enterprise", raise_exception=True)
def enterprise_import_confirm(request):
    """Write the previewed rows, all or none."""
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect("enterprises:import")
    unit = unit_selectors.unit_get(user=request.user, pk=stored["unit"])
    importer = EnterpriseImporter(actor=request.user, unit=unit)
    rows = importer.load(stored["rows"])
    try:
        count = importer.commit(rows)
    except ValidationError as error:
        context = {
            "nav": NAV, "form": EnterpriseImportForm(user=request.user),
            "import_errors": error.messages, **_preview(rows),
        }
        return render(request, "enterprises/import.html", context, status=400)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, _("%(n)s enterprises were imported.") % {"n": count})
    return redirect(f"{reverse('enterprises:list')}?unit={unit.pk}")
