"""Domain settings, read when needed so tests can override them."""

from django.conf import settings


def fengqiao(name: str):
    return settings.FENGQIAO[name]
