"""The change history page of one record (see policing.history for the rules)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from policing.history import history_entries, history_subject


@require_GET
@login_required
@permission_required("policing.view_history", raise_exception=True)
def history_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = history_subject(user=request.user, kind=kind, pk=pk)
    entries = history_entries(kind=kind, record=record)
    return render(
        request,
        "policing/history.html",
        {"record": record, "entries": entries, "kind": kind},
    )
