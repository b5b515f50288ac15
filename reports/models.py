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
    # The Celery task id of the latest request. Only a message carrying it may
    # generate the report: one re-queued by the reaper supersedes a lost one,
    # which then does nothing if the broker ever delivers it again.
    task_id = models.CharField(max_length=64, blank=True)

    # Reasons written by the reaper and the time limit, shown translated.
    TIMED_OUT = "timed_out"
    WORKER_LOST = "worker_lost"
    REASONS = {
        TIMED_OUT: _("The report took longer than its time limit and was stopped. "
                     "Please ask for it again later."),
        WORKER_LOST: _("The worker making the report stopped several times. "
                       "Please ask for it again later."),
    }

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "unit__path"]
        permissions = [("regenerate_monthlyreport", _("Can generate a report again"))]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="report_unit_month_unique"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="report_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def reason(self) -> str:
        """Why the latest request failed, in the reader's language when known."""
        return str(self.REASONS.get(self.error, self.error))
