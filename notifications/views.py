from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications import exports, selectors, services
from notifications.filters import NotificationFilter
from units.forms import add_bootstrap_classes
from units.listexport import page_export


@login_required
def notification_list(request):
    filterset = NotificationFilter(
        request.GET, queryset=selectors.notification_list(user=request.user), request=request
    )
    if (export := page_export(request, exports.NOTIFICATIONS, filterset.qs)) is not None:
        return export
    add_bootstrap_classes(filterset.form)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "nav": "notifications", "filter": filterset, "page_obj": page,
    })


@login_required
def notification_open(request, pk):
    """Open the record a notification is about, marking it read. The record's
    own page checks scope again: a stale notification cannot open more."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, ids=[notification.pk])
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(notification.url)


@login_required
@require_POST
def notification_read(request, pk):
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, ids=[notification.pk])
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    services.notification_mark_read(user=request.user)
    return redirect("notifications:list")
