"""Small template helpers shared by every page."""

from django import template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from units.masking import has_personal_data, mask_text

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for paging and
    sorting links that keep the filters)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def days_left(deadline) -> int | None:
    if deadline is None:
        return None
    return (timezone.localdate(deadline) - timezone.localdate()).days


@register.simple_tag
def badge(kind: str, value: str, label) -> str:
    """The one status badge: ``{% badge "dispute" case.status case.get_status_display %}``.
    Its colours are ``.badge-<kind>-<value>`` in app.css (policing/badges.py lists
    every kind and tests/test_badges.py checks each value has a style)."""
    return format_html(
        '<span class="badge badge-status badge-{}-{}">{}</span>', kind, value, label
    )


SECTIONS = (
    ("/disputes/mediators/", "mediators"),
    ("/disputes/", "disputes"),
    ("/incidents/", "incidents"),
    ("/enterprises/", "enterprises"),
    ("/volunteers/patrols/", "patrols"),
    ("/volunteers/tips/", "tips"),
    ("/volunteers/", "volunteers"),
    ("/reports/", "reports"),
    ("/notifications/", "notifications"),
    ("/map/", "map"),
)


@register.simple_tag(takes_context=True)
def nav_section(context) -> str:
    """The menu item the current page belongs to, from its address (so the
    highlighted item always matches the section, whatever the view passes)."""
    request = context.get("request")
    path = request.path if request is not None else ""
    for prefix, section in SECTIONS:
        if path.startswith(prefix):
            return section
    return "home" if path == "/" else ""


@register.simple_tag(takes_context=True)
def error_count(context) -> int:
    """How many errors the page's form (and formset) refused, for the title."""
    total = 0
    form = context.get("form")
    if form is not None and getattr(form, "is_bound", False):
        total += sum(len(errors) for errors in form.errors.values())
    formset = context.get("formset")
    if formset is not None and getattr(formset, "is_bound", False):
        total += len(formset.non_form_errors())
        total += sum(len(errors) for form_errors in formset.errors for errors in form_errors.values())
    return total


@register.filter
def masked(value) -> str:
    """Free text with any ID or mobile number in it masked (``units.masking``):
    ``{{ dispute.summary|masked|linebreaksbr }}``. The result is escaped as usual."""
    return mask_text("" if value is None else str(value))


@register.simple_tag(takes_context=True)
def reveal_link(context, kind: str, record, field: str, text, child=None) -> str:
    """"Show in full" after free text in which a number was masked, for users
    who may reveal it (the logged reveal of ``policing.reveal``). A child
    record's text names its kind and field, ``"session-notes"``, and ``child``."""
    request = context.get("request")
    if request is None or not has_personal_data(text or ""):
        return ""
    if not request.user.has_perm("disputes.reveal_personal_data"):
        return ""
    if child is not None:
        prefix, _sep, attr = field.partition("-")
        field = f"{prefix}-{child.pk}-{attr}"
    url = reverse("reveal_text", args=[kind, record.pk, field])
    return format_html(
        '<a class="small d-print-none text-nowrap" href="{}">{}</a>', url, gettext("Show in full")
    )


@register.filter
def data_lang(value) -> str:
    """``lang="zh-Hans"`` for data written in Chinese shown inside a page in
    another language (screen readers then read it in the right voice)."""
    if translation.get_language() in (None, "zh-hans"):
        return ""
    if any("\u4e00" <= char <= "\u9fff" for char in str(value)):
        return mark_safe(' lang="zh-Hans"')
    return ""


@register.filter
def data_text(value):
    """The value wrapped in ``<span lang="zh-Hans">`` when ``data_lang`` says
    so: for data inside a translated sentence (``blocktranslate``), where no
    element of its own could carry the attribute."""
    attribute = data_lang(value)
    return format_html("<span{}>{}</span>", attribute, value) if attribute else value


HIDDEN_FILTERS = {"ordering", "page", "o"}


@register.simple_tag(takes_context=True)
def active_filters(context, filterset, skip: str = "") -> list[dict]:
    """The filters in use, each with its label, the value as shown and the
    query string without it (a removable chip)."""
    request = context["request"]
    form = filterset.form
    skipped = HIDDEN_FILTERS | set(filter(None, skip.split(",")))
    chips = []
    for field in form:
        values = [v for v in request.GET.getlist(field.html_name) if v != ""]
        if field.name in skipped or field.is_hidden or not values:
            continue
        label_for = getattr(field.field, "label_for_value", None)  # the unit picker
        if label_for is not None:
            shown = ", ".join(label_for(value) for value in values)
        else:
            choices = getattr(field.field, "choices", None) or getattr(field.field.widget, "choices", [])
            choices = {str(key): label for key, label in choices}
            shown = ", ".join(str(choices.get(value, value)) for value in values)
        query = request.GET.copy()
        query.pop(field.html_name, None)
        query.pop("page", None)
        chips.append({"label": field.label, "value": shown, "query": query.urlencode()})
    return chips
