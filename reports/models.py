from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from units.models import Unit


class MonthlyReport(models.Model):
    """The snapshot of one unit's figures for one calendar month.

    ``figures`` is replaced only when a generation succeeds, so a failed run
    keeps the previous snapshot; ``state`` tells how the latest request went.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("reason of failure"), blank=True)
    figures = models.JSONField(_("figures"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="report_unit_month_unique"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="report_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])
