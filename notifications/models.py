from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something that needs the recipient's action, about one record.

    ``key`` names the event: one recipient is notified once per key, which
    makes every trigger — a service or the hourly check, run twice or twice
    at once — safe to repeat.

    ``done_at`` is set when an action on the record settled what the
    notification asked for (the case was dispatched, verified, closed…): it
    is then read for every recipient, so the bell only counts what still
    needs someone.
    """

    class Kind(models.TextChoices):
        CASE_ASSIGNED = "case_assigned", _("Case assigned to you")
        CASE_TRANSFERRED = "case_transferred", _("Case transferred to your unit")
        AWAITING_VERIFICATION = "awaiting_verification", _("Case awaiting verification")
        DEADLINE_SOON = "deadline_soon", _("Case deadline tomorrow")
        OVERDUE = "overdue", _("Case overdue")
        FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
        PERFORMANCE_DUE = "performance_due", _("Agreement performance to record")
        CONFIRMATION_WINDOW = "confirmation_window", _("Judicial confirmation window closing")
        TIP_RECEIVED = "tip_received", _("Tip sent to your unit")
        REQUEST_DUE_SOON = "request_due_soon", _("Enterprise request due soon")
        PATROL_SHORT = "patrol_short", _("Patrol short of volunteers")
        REPORT_READY = "report_ready", _("Monthly report ready")
        REPORT_FAILED = "report_failed", _("Monthly report failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    # What the record was called when the event happened (a reference number
    # and title, a patrol's area): shown without loading the record.
    label = models.CharField(_("about"), max_length=250)
    url = models.CharField(max_length=250)
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    done_at = models.DateTimeField(_("settled"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
            # Settling finds a record's notifications of a kind, whoever got them.
            models.Index(
                fields=["content_type", "object_id", "kind"], name="notification_subject_idx",
                condition=models.Q(done_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
