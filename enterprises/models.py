"""Enterprise visits — 一警365·亲清在一企 (DESIGN.md §5)."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from units.models import Located, Unit
from units.validators import mask_phone, validate_credit_code, validate_phone


class Enterprise(Located):
    """An enterprise of a station's area that officers visit and serve."""

    class Industry(models.TextChoices):
        MANUFACTURING = "manufacturing", _("Manufacturing")
        CHEMICALS = "chemicals", _("Chemicals")
        AUTOMOTIVE = "automotive", _("Automotive")
        ENERGY = "energy", _("New energy")
        LOGISTICS = "logistics", _("Logistics and delivery")
        CONSTRUCTION = "construction", _("Construction")
        RETAIL = "retail", _("Retail and catering")
        TECHNOLOGY = "technology", _("Information technology")
        FINANCE = "finance", _("Finance")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("An enterprise with this credit code is already registered.")},
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("station"), on_delete=models.PROTECT, related_name="enterprises"
    )
    address = models.CharField(_("address"), max_length=200)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    hazardous_chemicals = models.BooleanField(_("hazardous chemicals"), default=False)
    logistics = models.BooleanField(_("logistics or delivery"), default=False)
    foreign_staff = models.BooleanField(_("foreign staff"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20, validators=[validate_phone])
    liaison_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_enterprises",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["unit", "active"], name="enterprise_unit_active_idx"),
            # The register's order, for a wide scope and unit by unit.
            models.Index(fields=["name", "id"], name="enterprise_name_id_idx"),
            models.Index(fields=["unit", "name", "id"], name="enterprise_unit_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.pk])

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)


class EnterpriseVisit(models.Model):
    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine visit")
        SECURITY_INSPECTION = "security_inspection", _("Security inspection")
        FIRE_SAFETY = "fire_safety", _("Fire-safety check")
        EMERGENCY_DRILL = "emergency_drill", _("Emergency drill")
        SECURITY_TRAINING = "security_training", _("Security training")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="visits"
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("officers"), related_name="enterprise_visits"
    )
    visited_on = models.DateField(_("visited on"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    notes = models.TextField(_("notes"), blank=True)
    hazards_found = models.PositiveSmallIntegerField(_("hazards found"), default=0)
    hazards_rectified = models.PositiveSmallIntegerField(_("hazards rectified"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise visit")
        verbose_name_plural = _("enterprise visits")
        ordering = ["-visited_on", "-id"]
        indexes = [
            # "Last visit" per enterprise and the year-to-date coverage by kind.
            models.Index(fields=["enterprise", "visited_on"], name="visit_enterprise_date_idx"),
            models.Index(fields=["visited_on", "kind"], name="visit_date_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hazards_rectified__lte=F("hazards_found")),
                name="visit_rectified_lte_found",
                violation_error_message=_(
                    "More hazards cannot be rectified than were found."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.visited_on} · {self.get_kind_display()}"


class EnterpriseRequest(models.Model):
    """A request (诉求) an enterprise brings to the police, tracked to its answer."""

    class Category(models.TextChoices):
        EXIT_ENTRY = "exit_entry", _("Exit-entry and residence permits")
        HOUSEHOLD = "household", _("Household registration")
        VEHICLES = "vehicles", _("Vehicles and licences")
        SECURITY = "security", _("Security and anti-fraud")
        DISPUTE = "dispute", _("Dispute")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("enterprise request", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", pgettext_lazy("enterprise request", "Resolved")
        DECLINED = "declined", _("Declined")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="requests"
    )
    visit = models.ForeignKey(
        EnterpriseVisit,
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    green_channel = models.BooleanField(
        _("green channel"), default=False, help_text=_("Handled with priority (绿色通道).")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    # When the request was answered: resolved or declined.
    resolved_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_enterprise_requests",
    )
    dispute = models.ForeignKey(
        "disputes.Dispute",
        verbose_name=_("dispute"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprise_requests",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise request")
        verbose_name_plural = _("enterprise requests")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="ent_request_status_due_idx"),
            models.Index(fields=["received_on"], name="ent_request_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=F("received_on")),
                name="ent_request_due_after_received",
                violation_error_message=_("The due date cannot be before the date received."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:request_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_REQUEST_STATUSES


# Requests still waiting for an answer: they count against their due date.
PENDING_REQUEST_STATUSES = (EnterpriseRequest.Status.OPEN, EnterpriseRequest.Status.IN_PROGRESS)

