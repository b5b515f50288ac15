"""Pages of the volunteer alliances: the coordinator's daily tool, and the
officers' tip pages.

Reads go through volunteers.selectors (scoped: another unit's record is 404),
writes through volunteers.services. A refused state change (TransitionError)
or a service's ValidationError is shown on the page; PermissionDenied is 403.
"""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disputes import services as dispute_services
from units.conf import fengqiao
from units.errors import TransitionError
from units.forms import LocationForm
from units.listexport import page_export
from units.selectors import unit_get, user_unit
from units.validators import mask_id_number, mask_phone
from volunteers import exports, selectors, services
from volunteers.filters import (
    AllianceFilter,
    OutreachFilter,
    PatrolFilter,
    TipFilter,
    VolunteerFilter,
)
from volunteers.forms import (
    AllianceForm,
    AttendanceCorrectForm,
    FiguresForm,
    ImportUploadForm,
    MembershipForm,
    OutreachForm,
    PartyFormSet,
    PatrolCancelForm,
    PatrolCompleteForm,
    PatrolForm,
    SignUpForm,
    TipConvertForm,
    TipForm,
    TipNoteForm,
    VolunteerForm,
    add_service_errors,
    style_form,
)
from volunteers.imports import VolunteerImporter
from volunteers.models import Patrol, Tip

NAV = "volunteers"
IMPORT_SESSION_KEY = "volunteer_import"


def _perm(code: str):
    return permission_required(f"volunteers.{code}", raise_exception=True)


def _paginate(request, queryset):
    return Paginator(queryset, fengqiao("PAGE_SIZE")).get_page(request.GET.get("page"))


def _call(form, call):
    """Run ``call``; on refusal put the message on ``form`` and return None."""
    try:
        return call()
    except TransitionError as error:
        form.add_error(None, error.message)
    except ValidationError as error:
        add_service_errors(form, error)
    return None


def _call_with_message(request, call) -> bool:
    """Run ``call`` for a button (no form to show errors on): a refusal
    becomes an error message on the next page."""
    try:
        call()
    except TransitionError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        return True
    return False


def _month_to_date() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today.replace(day=1), today


# Alliances ---------------------------------------------------------------------------


@login_required
@_perm("view_alliance")
def alliance_list(request):
    filterset = AllianceFilter(
        request.GET or None, queryset=selectors.alliance_list(user=request.user), request=request
    )
    if (export := page_export(request, exports.ALLIANCES, filterset.qs)) is not None:
        return export
    style_form(filterset.form)
    return render(request, "volunteers/alliance_list.html", {
        "nav": NAV, "filter": filterset, "page_obj": _paginate(request, filterset.qs),
    })


@login_required
@_perm("view_alliance")
def alliance_detail(request, pk):
    alliance = selectors.alliance_get(user=request.user, pk=pk)
    start, end = _month_to_date()
    return render(request, "volunteers/alliance_detail.html", {
        "nav": NAV,
        "alliance": alliance,
        "roster": selectors.alliance_roster(alliance=alliance),
        "membership_form": MembershipForm(
            user=request.user, alliance=alliance, initial={"joined_on": timezone.localdate()}
        ),
        "upcoming": selectors.patrol_list(user=request.user)
        .filter(alliance=alliance, ends_at__gte=timezone.now())
        .exclude(status=Patrol.Status.CANCELLED)
        .order_by("starts_at")[:10],
        "figures": selectors.volunteer_figures(start=start, end=end, alliance=alliance),
        "start": start, "end": end,
    })


def _alliance_form_page(request, form, alliance=None):
    return render(request, "volunteers/form.html", {
        "nav": NAV, "form": form, "object": alliance,
        "title": _("Edit alliance") if alliance else _("New alliance"),
    })


@login_required
@_perm("add_alliance")
def alliance_create(request):
    unit = user_unit(request.user)
    form = AllianceForm(request.POST or None, user=request.user,
                        initial={"unit": unit.pk if unit else None, "active": True})
    if request.method == "POST" and form.is_valid():
        alliance = _call(form, lambda: services.alliance_save(actor=request.user, **form.cleaned_data))
        if alliance is not None:
            messages.success(request, _("Alliance %(name)s created.") % {"name": alliance.name})
            return redirect(alliance)
    return _alliance_form_page(request, form)


@login_required
@_perm("change_alliance")
def alliance_edit(request, pk):
    alliance = selectors.alliance_get(user=request.user, pk=pk)
    initial = {
        "name": alliance.name, "unit": alliance.unit_id, "focus": alliance.focus,
        "coordinators": list(alliance.coordinators.all()), "active": alliance.active,
    }
    form = AllianceForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _call(form, lambda: services.alliance_save(
            actor=request.user, alliance=alliance, **form.cleaned_data
        ))
        if saved is not None:
            messages.success(request, _("Alliance saved."))
            return redirect(saved)
    return _alliance_form_page(request, form, alliance)


@login_required
@_perm("change_alliance")
@require_POST
def membership_add(request, pk):
    alliance = selectors.alliance_get(user=request.user, pk=pk)
    form = MembershipForm(request.POST, user=request.user, alliance=alliance)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif _call_with_message(request, lambda: services.membership_save(
        actor=request.user, alliance=alliance, **form.cleaned_data
    )):
        messages.success(request, _("%(name)s joined the alliance.")
                         % {"name": form.cleaned_data["volunteer"].name})
    return redirect(alliance)


@login_required
@_perm("change_alliance")
@require_POST
def membership_remove(request, pk, membership_pk):
    alliance = selectors.alliance_get(user=request.user, pk=pk)
    membership = get_object_or_404(alliance.memberships.select_related("alliance"), pk=membership_pk)
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, _("Removed from the alliance."))
    return redirect(alliance)


# Volunteers --------------------------------------------------------------------------


@login_required
@_perm("view_volunteer")
def volunteer_list(request):
    filterset = VolunteerFilter(
        request.GET or None, queryset=selectors.volunteer_list(user=request.user), request=request
    )
    if (export := page_export(request, exports.VOLUNTEERS, filterset.qs.distinct())) is not None:
        return export
    style_form(filterset.form)
    return render(request, "volunteers/volunteer_list.html", {
        "nav": NAV, "filter": filterset, "page_obj": _paginate(request, filterset.qs.distinct()),
    })


@login_required
@_perm("view_volunteer")
def volunteer_detail(request, pk):
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    return render(request, "volunteers/volunteer_detail.html", {
        "nav": NAV, "volunteer": volunteer, **selectors.volunteer_history(volunteer=volunteer),
    })


def _volunteer_form_page(request, form, volunteer=None):
    return render(request, "volunteers/form.html", {
        "nav": NAV, "form": form, "object": volunteer,
        "title": _("Edit volunteer") if volunteer else _("New volunteer"),
    })


@login_required
@_perm("add_volunteer")
def volunteer_create(request):
    unit = user_unit(request.user)
    form = VolunteerForm(request.POST or None, user=request.user,
                         initial={"unit": unit.pk if unit else None, "active": True})
    if request.method == "POST" and form.is_valid():
        volunteer = _call(form, lambda: services.volunteer_save(
            actor=request.user, **form.cleaned_data
        ))
        if volunteer is not None:
            messages.success(request, _("Volunteer %(name)s registered.") % {"name": volunteer.name})
            return redirect(volunteer)
    return _volunteer_form_page(request, form)


@login_required
@_perm("change_volunteer")
def volunteer_edit(request, pk):
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    # The phone and ID number are not put in the form: they would show in full.
    initial = {"name": volunteer.name, "skills": volunteer.skills,
               "unit": volunteer.unit_id, "active": volunteer.active}
    form = VolunteerForm(request.POST or None, user=request.user, initial=initial)
    form.fields["phone"].required = False
    form.fields["phone"].help_text = _("Leave empty to keep %(phone)s.") % {
        "phone": volunteer.phone_masked}
    form.fields["id_number"].help_text = _("Leave empty to keep the recorded number.")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["phone"] = data["phone"] or volunteer.phone
        data["id_number"] = data["id_number"] or volunteer.id_number
        saved = _call(form, lambda: services.volunteer_save(
            actor=request.user, volunteer=volunteer, **data
        ))
        if saved is not None:
            messages.success(request, _("Volunteer saved."))
            return redirect(saved)
    return _volunteer_form_page(request, form, volunteer)


# Import ------------------------------------------------------------------------------


def _importer(request, unit):
    return VolunteerImporter(
        actor=request.user, unit=unit, alliances=selectors.alliance_list(user=request.user)
    )


@login_required
@_perm("import_volunteers")
def volunteer_import(request):
    """Upload a sheet and see the preview; nothing is written here.

    The checked rows wait in the session under a one-time token until the
    user confirms them (volunteer_import_confirm).
    """
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"nav": NAV, "form": form}
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        importer = _importer(request, unit)
        try:
            rows = importer.parse(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            token = uuid.uuid4().hex
            request.session[IMPORT_SESSION_KEY] = {
                "token": token, "unit": unit.pk, "rows": importer.dump(rows),
                "file": form.cleaned_data["file"].name,
            }
            context.update(_preview_context(rows), token=token, unit=unit)
    return render(request, "volunteers/import.html", context)


def _preview_context(rows) -> dict:
    # The preview shows personal data masked, like every other page.
    for row in rows:
        row.masked_phone = mask_phone(row.data.get("phone") or row.raw.get("phone", ""))
        row.masked_id = mask_id_number(row.data.get("id_number") or row.raw.get("id_number", ""))
    return {
        "rows": rows,
        "error_count": sum(1 for r in rows if not r.ok),
        "write_count": sum(1 for r in rows if r.will_write),
        "skip_count": sum(1 for r in rows if r.ok and r.skip_reason),
    }


@login_required
@_perm("import_volunteers")
@require_POST
def volunteer_import_confirm(request):
    """Write the previewed rows, all or none."""
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect("volunteers:import")
    unit = unit_get(user=request.user, pk=stored["unit"])
    importer = _importer(request, unit)
    rows = importer.load(stored["rows"])
    try:
        count = importer.commit(rows)
    except ValidationError as error:
        return render(request, "volunteers/import.html", {
            "nav": NAV, "form": ImportUploadForm(user=request.user), "unit": unit,
            "import_errors": error.messages, **_preview_context(rows),
        })
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, _("%(n)s volunteers imported.") % {"n": count})
    return redirect("volunteers:volunteer_list")


# Patrols -----------------------------------------------------------------------------


def _week_of(request) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return selectors.week_start(day)


@login_required
@_perm("view_patrol")
def patrol_week(request):
    """Seven columns, Monday to Sunday, with each patrol's fill status."""
    monday = _week_of(request)
    filterset = PatrolFilter(
        request.GET or None, queryset=selectors.patrol_list(user=request.user), request=request
    )
    if (export := page_export(request, exports.PATROLS, selectors.patrols_in_week(filterset.qs, monday))) is not None:
        return export
    style_form(filterset.form)
    for name in ("starts_after", "starts_before", "status"):
        del filterset.form.fields[name]
    days = selectors.patrol_week(user=request.user, monday=monday, patrols=filterset.qs)
    return render(request, "volunteers/patrol_week.html", {
        "nav": NAV, "filter": filterset, "days": days, "monday": monday,
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "today": timezone.localdate(),
    })


@login_required
@_perm("add_patrol")
def patrol_create(request):
    form = PatrolForm(request.POST or None, user=request.user,
                      initial={"alliance": request.GET.get("alliance"), "volunteers_needed": 4})
    if request.method == "POST" and form.is_valid():
        patrol = _call(form, lambda: services.patrol_schedule(actor=request.user, **form.cleaned_data))
        if patrol is not None:
            messages.success(request, _("Patrol planned."))
            return redirect(patrol)
    return render(request, "volunteers/form.html", {
        "nav": NAV, "form": form, "title": _("Plan a patrol"),
    })


def _patrol_page(request, patrol, *, complete_form=None, cancel_form=None, status=200):
    """The patrol with its check-in sheet. Each row offers only the actions
    the services would accept now (services.attendance_actions)."""
    user = request.user
    can_record = user.has_perm("volunteers.record_attendance")
    open_ = patrol.status in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY)
    now = timezone.now()
    sheet = list(selectors.patrol_sheet(patrol=patrol))
    for attendance in sheet:
        attendance.actions = (
            services.attendance_actions(patrol, attendance, now=now) if can_record else frozenset()
        )
    return render(request, "volunteers/patrol_detail.html", {
        "nav": NAV, "patrol": patrol, "sheet": sheet,
        "can_record": can_record and (open_ or patrol.status == Patrol.Status.DONE),
        "check_in_opens": patrol.starts_at - services.EARLY_CHECK_IN,
        "too_early": now < patrol.starts_at - services.EARLY_CHECK_IN,
        "undo_minutes": services.UNDO_MINUTES,
        "sign_up_form": SignUpForm(user=user, patrol=patrol) if can_record and open_ else None,
        "can_complete": can_record and services.patrol_complete_refusal(patrol, now=now) is None,
        "complete_form": complete_form or PatrolCompleteForm(),
        "cancel_form": cancel_form or PatrolCancelForm(),
        "can_cancel": can_record and patrol.status == Patrol.Status.PLANNED,
        "tips": patrol.tips.all(),
    }, status=status)


@login_required
@_perm("view_patrol")
def patrol_detail(request, pk):
    return _patrol_page(request, selectors.patrol_get(user=request.user, pk=pk))


@login_required
@_perm("record_attendance")
@require_POST
def patrol_sign_up(request, pk):
    patrol = selectors.patrol_get(user=request.user, pk=pk)
    form = SignUpForm(request.POST, user=request.user, patrol=patrol)
    if not form.is_valid():
        messages.error(request, _("Choose an active member of the alliance not yet signed up."))
    elif _call_with_message(request, lambda: services.patrol_sign_up(
        actor=request.user, patrol=patrol, volunteer=form.cleaned_data["volunteer"]
    )):
        messages.success(request, _("%(name)s signed up.") % {"name": form.cleaned_data["volunteer"].name})
    return redirect(patrol)


def _check_in_position(request) -> dict:
    """The phone's position the check-in button sent, if the user allowed it.
    Best effort: a position that does not parse is left out, never a reason
    to refuse the check-in."""
    form = LocationForm(request.POST)
    if not form.is_valid():
        return {}
    return {"latitude": form.cleaned_data["latitude"], "longitude": form.cleaned_data["longitude"]}


_ATTENDANCE_ACTIONS = {
    "check_in": (services.attendance_check_in, _("%(name)s checked in.")),
    "check_out": (services.attendance_check_out, _("%(name)s checked out.")),
    "undo_check_out": (services.attendance_undo_check_out, _("%(name)s's check-out was undone.")),
}


@login_required
@_perm("record_attendance")
@require_POST
def patrol_attendance(request, pk, attendance_pk, action):
    """One button per volunteer and action on the check-in sheet."""
    patrol = selectors.patrol_get(user=request.user, pk=pk)
    attendance = get_object_or_404(patrol.attendances.select_related("volunteer"), pk=attendance_pk)
    if action not in _ATTENDANCE_ACTIONS:
        raise Http404
    service, done = _ATTENDANCE_ACTIONS[action]
    extra = _check_in_position(request) if action == "check_in" else {}
    if _call_with_message(request, lambda: service(
        actor=request.user, patrol=patrol, volunteer=attendance.volunteer, **extra
    )):
        messages.success(request, done % {"name": attendance.volunteer.name})
    return redirect(patrol)


@login_required
@_perm("record_attendance")
def attendance_correct(request, pk, attendance_pk):
    """Correct one volunteer's check-in and check-out times, with a reason."""
    patrol = selectors.patrol_get(user=request.user, pk=pk)
    attendance = get_object_or_404(patrol.attendances.select_related("volunteer"), pk=attendance_pk)
    form = AttendanceCorrectForm(request.POST or None, initial={
        "checked_in_at": attendance.checked_in_at, "checked_out_at": attendance.checked_out_at,
    })
    refusal = services.attendance_refusal("correct", patrol, attendance, now=timezone.now())
    if refusal is None and request.method == "POST" and form.is_valid() and _call(form, lambda: (
        services.attendance_correct(
            actor=request.user, patrol=patrol, volunteer=attendance.volunteer, **form.cleaned_data
        )
    )):
        messages.success(request, _("%(name)s's times were corrected.") % {
            "name": attendance.volunteer.name})
        return redirect(patrol)
    return render(request, "volunteers/attendance_correct.html", {
        "nav": NAV, "form": form, "patrol": patrol, "attendance": attendance,
        "refusal": refusal.message if refusal is not None else "",
    })


@login_required
@_perm("record_attendance")
@require_POST
def patrol_complete(request, pk):
    patrol = selectors.patrol_get(user=request.user, pk=pk)
    form = PatrolCompleteForm(request.POST)
    if form.is_valid() and _call(form, lambda: services.patrol_complete(
        actor=request.user, patrol=patrol, report=form.cleaned_data["report"]
    )):
        messages.success(request, _("Patrol completed."))
        return redirect(patrol)
    return _patrol_page(request, patrol, complete_form=form)


@login_required
@_perm("record_attendance")
@require_POST
def patrol_cancel(request, pk):
    patrol = selectors.patrol_get(user=request.user, pk=pk)
    form = PatrolCancelForm(request.POST)
    if form.is_valid() and _call(form, lambda: services.patrol_cancel(
        actor=request.user, patrol=patrol, note=form.cleaned_data["note"]
    )):
        messages.success(request, _("Patrol cancelled."))
        return redirect(patrol)
    return _patrol_page(request, patrol, cancel_form=form)


# Tips --------------------------------------------------------------------------------


@login_required
@_perm("view_tip")
def tip_list(request):
    filterset = TipFilter(
        request.GET or None, queryset=selectors.tip_list(user=request.user), request=request
    )
    if (export := page_export(request, exports.TIPS, filterset.qs)) is not None:
        return export
    style_form(filterset.form)
    filterset.form.fields["status"].widget.attrs["size"] = 3
    return render(request, "volunteers/tip_list.html", {
        "nav": NAV, "filter": filterset, "page_obj": _paginate(request, filterset.qs),
    })


@login_required
@_perm("add_tip")
def tip_create(request):
    form = TipForm(request.POST or None, user=request.user, initial={
        "received_at": timezone.localtime().replace(second=0, microsecond=0),
        "alliance": request.GET.get("alliance"),
    })
    if request.method == "POST" and form.is_valid():
        tip = _call(form, lambda: services.tip_submit(actor=request.user, **form.cleaned_data))
        if tip is not None:
            messages.success(request, _("Tip sent to %(unit)s.") % {"unit": tip.unit})
            return redirect(tip)
    return render(request, "volunteers/form.html", {
        "nav": NAV, "form": form, "title": _("Pass on a tip"),
    })


def _tip_page(request, tip, *, note_form=None, convert_form=None, formset=None, status=200):
    can_handle = request.user.has_perm("volunteers.handle_tip")
    return render(request, "volunteers/tip_detail.html", {
        "nav": NAV, "tip": tip,
        "can_verify": can_handle and tip.status == Tip.Status.NEW,
        "can_reject": can_handle and tip.status in services.TIP_TRANSITIONS["reject"],
        "can_convert": can_handle and tip.kind == Tip.Kind.DISPUTE
        and tip.status in services.TIP_TRANSITIONS["convert"]
        and request.user.has_perm("disputes.add_dispute"),
        "note_form": note_form or TipNoteForm(),
        "convert_form": convert_form or TipConvertForm(initial={"place": tip.place}),
        "formset": formset or PartyFormSet(prefix="parties"),
    }, status=status)


@login_required
@_perm("view_tip")
def tip_detail(request, pk):
    return _tip_page(request, selectors.tip_get(user=request.user, pk=pk))


@login_required
@_perm("handle_tip")
@require_POST
def tip_handle(request, pk, action):
    """Verify or reject a tip."""
    tip = selectors.tip_get(user=request.user, pk=pk)
    service = {"verify": services.tip_verify, "reject": services.tip_reject}.get(action)
    if service is None:
        raise Http404
    form = TipNoteForm(request.POST)
    if form.is_valid() and _call(form, lambda: service(
        actor=request.user, tip=tip, note=form.cleaned_data["note"]
    )):
        messages.success(request, _("Tip verified.") if action == "verify" else _("Tip rejected."))
        return redirect(tip)
    return _tip_page(request, tip, note_form=form)


@login_required
@_perm("handle_tip")
@require_POST
def tip_convert(request, pk):
    """Register the dispute the tip reports, in one step."""
    tip = selectors.tip_get(user=request.user, pk=pk)
    form = TipConvertForm(request.POST)
    formset = PartyFormSet(request.POST, prefix="parties")
    if form.is_valid() and formset.is_valid():
        parties = [
            dispute_services.PartyData(**f.cleaned_data)
            for f in formset.forms if f.has_changed() and f.cleaned_data
        ]
        dispute = _call(form, lambda: services.tip_convert(
            actor=request.user, tip=tip, parties=parties, **form.cleaned_data
        ))
        if dispute is not None:
            messages.success(request, _("Dispute %(reference)s registered from the tip.")
                             % {"reference": dispute.reference})
            return redirect(dispute)
    return _tip_page(request, tip, convert_form=form, formset=formset)


# Outreach ----------------------------------------------------------------------------


@login_required
@_perm("view_outreach")
def outreach_list(request):
    filterset = OutreachFilter(
        request.GET or None, queryset=selectors.outreach_list(user=request.user), request=request
    )
    if (export := page_export(request, exports.OUTREACH, filterset.qs)) is not None:
        return export
    style_form(filterset.form)
    return render(request, "volunteers/outreach_list.html", {
        "nav": NAV, "filter": filterset, "page_obj": _paginate(request, filterset.qs),
    })


@login_required
@_perm("add_outreach")
def outreach_create(request):
    form = OutreachForm(request.POST or None, user=request.user,
                        initial={"date": timezone.localdate(), "alliance": request.GET.get("alliance")})
    if request.method == "POST" and form.is_valid():
        if _call(form, lambda: services.outreach_record(actor=request.user, **form.cleaned_data)):
            messages.success(request, _("Outreach logged."))
            return redirect("volunteers:outreach_list")
    return render(request, "volunteers/form.html", {
        "nav": NAV, "form": form, "title": _("Log outreach"),
    })


# Figures -----------------------------------------------------------------------------


@login_required
@_perm("view_alliance")
def figures(request):
    """Volunteer figures of a unit subtree over any date range."""
    start, end = _month_to_date()
    own = user_unit(request.user)
    data = request.GET.copy()
    data.setdefault("start", start.isoformat())
    data.setdefault("end", end.isoformat())
    if own is not None:
        data.setdefault("unit", str(own.pk))
    form = FiguresForm(data, user=request.user)
    result = None
    if form.is_valid():
        unit = form.cleaned_data["unit"] or own
        if unit is not None or request.user.is_superuser:
            result = selectors.volunteer_figures(
                unit=unit, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
    return render(request, "volunteers/figures.html", {
        "nav": NAV, "form": form, "figures": result,
    })
