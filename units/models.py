"""The bureau's organisation: the unit tree and the officers in it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.validators import validate_phone


class Unit(models.Model):
    """One node of the bureau tree: city bureau → sub-bureau → station → beat.

    ``path`` is a materialised path of zero-padded ids ("000001.000004.")
    so that "this unit and everything below it" is one indexed prefix query.
    """

    class Kind(models.TextChoices):
        CITY_BUREAU = "city_bureau", _("City bureau")
        SUB_BUREAU = "sub_bureau", _("Sub-bureau")
        STATION = "station", _("Police station")
        BEAT = "beat", _("Beat")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Short code used in reference numbers, e.g. TH-DC."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    # The unit's area as a GeoJSON Polygon or MultiPolygon in WGS-84
    # longitude/latitude, checked by units.geo.clean_boundary when set.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        # Not about units as such: the one permission of the change history of
        # every record (policing.history), given to leads and supervisors.
        permissions = [("view_history", _("Can view the change history of records"))]
        indexes = [
            models.Index(fields=["path"], name="unit_path_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["path"], name="unit_path_sort_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived data that must never disagree with ``parent``,
        # so it is kept here rather than trusted to every caller. Moving a unit
        # rewrites its whole subtree in one UPDATE.
        super().save(*args, **kwargs)
        prefix = self.parent.path if self.parent_id else ""
        path = f"{prefix}{self.pk:06d}."
        if path == self.path:
            return
        old_path, old_depth = self.path, self.depth
        self.path, self.depth = path, path.count(".") - 1
        Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
        if old_path:
            Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                depth=F("depth") + (self.depth - old_depth),
            )

    def get_absolute_url(self) -> str:
        return reverse("policing:unit_detail", args=[self.pk])

    def subtree(self) -> models.QuerySet["Unit"]:
        return Unit.objects.filter(path__startswith=self.path)

    def contains(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)

    def ancestor_paths(self) -> list[str]:
        """The paths of this unit and of every unit above it (each step of
        the path is six digits and a dot)."""
        return [self.path[: i + 7] for i in range(0, len(self.path), 7)]


class Officer(models.Model):
    """A user's place in the bureau: the unit whose subtree they may see, and role."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Community officer")
        STATION_LEAD = "station_lead", _("Station lead")
        COORDINATOR = "coordinator", _("Volunteer coordinator")
        SUPERVISOR = "supervisor", _("Supervisor")
        ADMIN = "admin", _("Administrator")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="officers")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    badge_number = models.CharField(_("badge number"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    # Set by an administrator (admin form or action): at their next sign-in the
    # user must choose a new password before anything else (units.accounts).
    must_change_password = models.BooleanField(
        _("must change password at next sign-in"), default=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["unit__path", "user__username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username



class Located(models.Model):
    """An optional place on earth (WGS-84 latitude and longitude, both or
    neither, checked by units.geo.clean_location): the beat map's points.
    Disputes and 110 calls declare the same two fields themselves."""

    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        abstract = True


class ExportEvent(models.Model):
    """One list exported to a file: who took which list, with which filter,
    how many rows, in which format (units/listexport.py writes these; the
    admin reads them). Never changed or deleted by the app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
        related_name="export_events",
    )
    at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)
    # A report drill-down is named after its report: report-<unit code>-<month>-<figure>.
    list_name = models.CharField(_("list"), max_length=120)
    file_format = models.CharField(_("format"), max_length=10)
    query = models.TextField(_("filter"), blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    via = models.CharField(_("through"), max_length=10)  # "web" or "api"

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.list_name} · {self.rows}"
