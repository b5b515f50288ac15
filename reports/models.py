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
        # The list reads the latest month first: with this index PostgreSQL
        # sorts one month's reports by unit, not every report there is.
        indexes = [models.Index(fields=["-month", "unit"], name="report_month_unit_idx")]
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


# ------------------------------------------------------------------ rollups
# The dispute figures of each unit on its own (not its subtree) for each
# month, kept by ``reports.rollups``: a figure over a subtree and a month is
# the sum of the subtree's rows (a few hundred), not a pass over the month's
# events. The records stay the definition (``reports.figures``); these rows
# are derived from them and ``manage.py rebuild_rollups`` reproduces them.


class RollupMonth(models.Model):
    """A month whose rows exist for every unit (``built_at``), and the row
    whose lock serialises the writers of the month's rollups."""

    month = models.DateField(unique=True)
    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class Rollup(models.Model):
    """The month's counts where each case counts at this very unit (DESIGN.md §6,
    "Where a case counts, through time"). A unit with nothing to count in the
    month has no row."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    received = models.PositiveIntegerField(default=0)
    settled = models.PositiveIntegerField(default=0)
    concluded = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    high_risk_resolved = models.PositiveIntegerField(default=0)
    open_at_end = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    backlog = models.PositiveIntegerField(default=0)
    incidents_linked = models.PositiveIntegerField(default=0)
    repeat_calls = models.PositiveIntegerField(default=0)
    follow_ups_rated = models.PositiveIntegerField(default=0)
    follow_ups_satisfied = models.PositiveIntegerField(default=0)
    agreements_due = models.PositiveIntegerField(default=0)
    agreements_performed = models.PositiveIntegerField(default=0)
    agreements_breached = models.PositiveIntegerField(default=0)
    agreements_confirmed = models.PositiveIntegerField(default=0)

    COUNTS = (
        "received", "settled", "concluded", "resolved", "high_risk_resolved", "open_at_end",
        "overdue", "backlog", "incidents_linked", "repeat_calls", "follow_ups_rated",
        "follow_ups_satisfied", "agreements_due", "agreements_performed", "agreements_breached",
        "agreements_confirmed",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="rollup_unit_month_unique")]
        indexes = [models.Index(fields=["month", "unit"], name="rollup_month_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"


class RollupBreakdown(models.Model):
    """Received, concluded and resolved of one unit and month for one track
    (the case's track at the figure's moment; "" not yet assessed) and category."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    track = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=30)
    received = models.PositiveIntegerField(default=0)
    concluded = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "track", "category"], name="rollup_breakdown_unique"
            )
        ]
        indexes = [models.Index(fields=["month", "unit"], name="rollup_bd_month_unit_idx")]


class RollupDuration(models.Model):
    """The time from receipt to outcome of each case concluded at the unit in
    the month, for the median (an order statistic cannot be summed)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    microseconds = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["unit", "month", "microseconds"], name="rollup_duration_idx"),
            models.Index(fields=["month", "microseconds"], name="rollup_duration_month_idx"),
        ]


class RollupMark(models.Model):
    """A unit and month whose rows a change made stale, written in the
    change's own transaction; ``reports.rollups.refresh`` recomputes the pair
    from the records and deletes the marks it read (a mark committed while it
    ran stays for the next run)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["month", "unit"], name="rollup_mark_month_unit_idx")]


class RollupSection(models.Model):
    """The month's counts of the volunteer and enterprise sections where each
    record counts at this very unit (DESIGN.md §6: a patrol at its own unit,
    outreach at its alliance's, a tip at the unit it was sent to, an
    enterprise and its requests at the enterprise's unit). The figures of
    *now* (active volunteers, active enterprises) are not per month and are
    read from the records. A unit with nothing to count has no row."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    patrols_done = models.PositiveIntegerField(default=0)
    patrol_attendances = models.PositiveIntegerField(default=0)
    # Check-in to check-out of those attendances (the checked-out ones), summed.
    patrol_microseconds = models.BigIntegerField(default=0)
    outreach_sessions = models.PositiveIntegerField(default=0)
    outreach_attendances = models.PositiveIntegerField(default=0)
    households_reached = models.PositiveIntegerField(default=0)
    people_reached = models.PositiveIntegerField(default=0)
    tips_received = models.PositiveIntegerField(default=0)
    tips_verified = models.PositiveIntegerField(default=0)
    tips_converted = models.PositiveIntegerField(default=0)
    tips_rejected = models.PositiveIntegerField(default=0)
    tips_pending = models.PositiveIntegerField(default=0)
    visited = models.PositiveIntegerField(default=0)
    visited_ytd = models.PositiveIntegerField(default=0)
    drilled_ytd = models.PositiveIntegerField(default=0)
    trained_ytd = models.PositiveIntegerField(default=0)
    requests_received = models.PositiveIntegerField(default=0)
    requests_resolved = models.PositiveIntegerField(default=0)
    requests_overdue = models.PositiveIntegerField(default=0)

    VOLUNTEER_COUNTS = (
        "patrols_done", "patrol_attendances", "patrol_microseconds", "outreach_sessions",
        "outreach_attendances", "households_reached", "people_reached", "tips_received",
        "tips_verified", "tips_converted", "tips_rejected", "tips_pending",
    )
    ENTERPRISE_COUNTS = (
        "visited", "visited_ytd", "drilled_ytd", "trained_ytd", "requests_received",
        "requests_resolved", "requests_overdue",
    )
    COUNTS = VOLUNTEER_COUNTS + ENTERPRISE_COUNTS

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="rollup_section_unique")]
        indexes = [models.Index(fields=["month", "unit"], name="rollup_section_month_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"


class RollupRequestDays(models.Model):
    """The days from receipt to resolution of each enterprise request resolved
    at the unit in the month, for the median (as ``RollupDuration``)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    days = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["unit", "month", "days"], name="rollup_request_days_idx"),
            models.Index(fields=["month", "days"], name="rollup_request_days_month_idx"),
        ]
