"""110 calls (警情) and their link to the dispute they concern."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import Unit
from units.validators import validate_phone


class Incident(models.Model):
    """A 110 call (警情), optionally linked to the dispute it concerns."""

    class Category(models.TextChoices):
        DISPUTE = "dispute", _("Dispute")
        NOISE = "noise", _("Noise")
        FAMILY = "family", _("Family trouble")
        FIGHT = "fight", _("Fight")
        THEFT = "theft", _("Theft")
        FRAUD = "fraud", _("Fraud")
        TRAFFIC = "traffic", _("Traffic")
        HELP = "help", _("Request for help")
        OTHER = "other", _("Other")

    number = models.CharField(_("call number"), max_length=30, unique=True)
    received_at = models.DateTimeField(_("received at"))
    caller_name = models.CharField(_("caller name"), max_length=50)
    caller_phone = models.CharField(_("caller phone"), max_length=20, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=200)
    # Where it happened (WGS-84), when the officer recorded it: the beat map.
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="incidents")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    summary = models.TextField(_("summary"))
    handling_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handling officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_incidents",
    )
    dispute = models.ForeignKey(
        "disputes.Dispute",
        verbose_name=_("dispute"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    is_repeat = models.BooleanField(
        _("repeat call"),
        default=False,
        help_text=_("The linked dispute already had an earlier call."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["unit", "-received_at"], name="incident_unit_recv_idx"),
            models.Index(fields=["caller_phone"], name="incident_phone_idx"),
            models.Index(fields=["received_at"], name="incident_received_idx"),
            # The beat map zoomed in: the view's box, read by its latitude band.
            models.Index(fields=["latitude", "longitude"], name="incident_lat_lng_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", args=[self.pk])

