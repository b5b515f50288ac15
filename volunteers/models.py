"""Volunteer alliances (平安联盟): volunteers, patrols and their attendance,
tips passed on to officers, and outreach (DESIGN.md §4).

Models hold data and invariants only; every write goes through
volunteers.services, every read through volunteers.selectors.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import Located, Unit
from units.validators import (
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)


class Alliance(models.Model):
    """A peace alliance or volunteer team, run by coordinators of a unit."""

    class Focus(models.TextChoices):
        PATROL = "patrol", _("Patrol")
        ANTI_FRAUD = "anti_fraud", _("Anti-fraud outreach")
        MEDIATION = "mediation", _("Mediation")
        TRAFFIC = "traffic", _("Traffic")
        INFORMATION = "information", _("Information")

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="alliances"
    )
    focus = models.CharField(_("focus"), max_length=20, choices=Focus.choices)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_alliances",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="alliance_unit_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("volunteers:alliance_detail", args=[self.pk])


class Volunteer(models.Model):
    """A person volunteering; one record per phone number."""

    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="volunteers"
    )
    alliances = models.ManyToManyField(
        Alliance, through="Membership", related_name="volunteers", verbose_name=_("alliances")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["name", "id"]
        permissions = [("import_volunteers", _("Can import volunteers from a spreadsheet"))]
        indexes = [
            # The list's order, for a wide scope and unit by unit.
            models.Index(fields=["name", "id"], name="volunteer_name_id_idx"),
            models.Index(fields=["unit", "name", "id"], name="volunteer_unit_name_idx"),
        ]
        constraints = [
            # Duplicates are found by phone number, so it must be unique.
            models.UniqueConstraint(fields=["phone"], name="volunteer_phone_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("volunteers:volunteer_detail", args=[self.pk])

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        LEADER = "leader", _("Leader")

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="memberships"
    )
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="memberships"
    )
    joined_on = models.DateField(_("joined on"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["alliance", "-role", "volunteer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "alliance"], name="membership_volunteer_alliance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.alliance}"


class Patrol(models.Model):
    """A scheduled patrol (巡防) of an alliance, with its sign-ups."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.PROTECT, related_name="patrols"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="patrols"
    )
    beat = models.ForeignKey(
        Unit,
        verbose_name=_("beat"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beat_patrols",
    )
    area = models.CharField(_("route or area"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    volunteers_needed = models.PositiveSmallIntegerField(_("volunteers needed"), default=2)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    report = models.TextField(_("report"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["starts_at", "id"]
        permissions = [
            ("record_attendance", _("Can sign volunteers up and record their attendance"))
        ]
        indexes = [
            models.Index(fields=["alliance", "starts_at"], name="patrol_alliance_start_idx"),
            models.Index(fields=["starts_at"], name="patrol_starts_idx"),
            models.Index(fields=["unit", "starts_at", "id"], name="patrol_unit_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="patrol_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(volunteers_needed__gte=1), name="patrol_needs_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alliance} {self.starts_at:%Y-%m-%d %H:%M} {self.area}"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:patrol_detail", args=[self.pk])


class PatrolAttendance(Located):
    """One volunteer's sign-up for a patrol, when they came and went, and
    where they checked in (the phone's position, when the user allowed it)."""

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="attendances"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="attendances"
    )
    signed_up_at = models.DateTimeField(_("signed up at"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    # When the check-out button was pressed: a check-out can be undone for a
    # short while after (services.UNDO_CHECK_OUT), whatever time it records.
    checked_out_recorded_at = models.DateTimeField(
        _("check-out recorded at"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("patrol attendance")
        verbose_name_plural = _("patrol attendances")
        ordering = ["patrol", "volunteer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["patrol", "volunteer"], name="attendance_patrol_volunteer_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True)
                | models.Q(checked_in_at__isnull=False, checked_out_at__gte=models.F("checked_in_at")),
                name="attendance_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.patrol_id}"

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.checked_in_at is None or self.checked_out_at is None:
            return None
        return self.checked_out_at - self.checked_in_at

    @property
    def hours(self) -> float | None:
        duration = self.duration
        return None if duration is None else round(duration.total_seconds() / 3600, 2)


class Tip(Located):
    """A tip (线索) from a volunteer or a patrol, sent to a unit's officers."""

    class Kind(models.TextChoices):
        CRIME_LEAD = "crime_lead", _("Crime lead")
        SAFETY_HAZARD = "safety_hazard", _("Safety hazard")
        DISPUTE = "dispute", _("Dispute")
        LIVELIHOOD = "livelihood", _("Livelihood information")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        CONVERTED = "converted", _("Converted to a dispute")

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.PROTECT, related_name="tips"
    )
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tips",
    )
    patrol = models.ForeignKey(
        Patrol,
        verbose_name=_("patrol"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tips",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="tips",
        help_text=_("The station or beat whose officers handle the tip."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"))
    place = models.CharField(_("place"), max_length=200)
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_tips",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handling_note = models.TextField(_("handling note"), blank=True)
    dispute = models.OneToOneField(
        "disputes.Dispute",
        verbose_name=_("dispute"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tip",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-received_at", "-id"]
        permissions = [("handle_tip", _("Can verify, reject and convert tips"))]
        indexes = [
            models.Index(fields=["unit", "status", "-received_at"], name="tip_unit_status_idx"),
            models.Index(fields=["received_at"], name="tip_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="converted") | models.Q(dispute__isnull=False),
                name="tip_converted_has_dispute",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.place}"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:tip_detail", args=[self.pk])


class Outreach(Located):
    """An outreach session (宣传走访): who went, where, and whom they reached."""

    class Theme(models.TextChoices):
        ANTI_FRAUD = "anti_fraud", _("Anti-fraud")
        ANTI_DRUG = "anti_drug", _("Anti-drug")
        FIRE_SAFETY = "fire_safety", _("Fire safety")
        TRAFFIC = "traffic", _("Traffic safety")
        OTHER = "other", _("Other")

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.PROTECT, related_name="outreach"
    )
    date = models.DateField(_("date"))
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    place = models.CharField(_("place"), max_length=200)
    volunteers = models.ManyToManyField(
        Volunteer, verbose_name=_("volunteers taking part"), blank=True, related_name="outreach"
    )
    households_reached = models.PositiveIntegerField(_("households reached"), default=0)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outreach")
        verbose_name_plural = _("outreach")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["alliance", "date"], name="outreach_alliance_date_idx")]

    def __str__(self) -> str:
        return f"{self.alliance} {self.date} {self.get_theme_display()}"
