from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    """The ground floor: the unit tree, officers and roles, accounts, the scope
    rule and what every app shares. It imports no other app of the project."""

    name = "units"
    verbose_name = _("Units and officers")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from units import accounts, logmask
        from units.roles import sync_roles

        # Permissions are created app by app after migrate; resyncing the role
        # groups after each app is cheap and lets the last one win.
        post_migrate.connect(sync_roles, dispatch_uid="units.sync_roles")
        logmask.install_record_factory()
        accounts.connect_signals()
