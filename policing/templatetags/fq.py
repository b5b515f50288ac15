"""Small template helpers shared by every page."""

from django import template
from django.utils import timezone

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
