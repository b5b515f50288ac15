from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicingConfig(AppConfig):
    name = "policing"
    verbose_name = _("Policing")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from policing.roles import sync_roles

        # Permissions are created app by app after migrate; resyncing the role
        # groups after each app is cheap and lets the last one win.
        post_migrate.connect(sync_roles, dispatch_uid="policing.sync_roles")

        from policing import accounts, logmask

        logmask.install_record_factory()
        accounts.connect_signals()
