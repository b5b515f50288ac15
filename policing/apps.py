from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicingConfig(AppConfig):
    """The project package: settings, URLs, the Celery app, middleware and the
    pages that gather every app's work. It holds no model; its migrations are
    the history of the models that moved to units, incidents and enterprises."""

    name = "policing"
    verbose_name = _("Policing")
