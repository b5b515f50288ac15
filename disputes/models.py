import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from units.models import Unit
from units.validators import (
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)


class Category(models.TextChoices):
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
    FAMILY = "family", _("Marriage and family")
    LABOUR = "labour", _("Labour and wages")
    PROPERTY = "property", _("Property management")
    CONSUMER = "consumer", _("Consumer")
    TRAFFIC = "traffic", _("Traffic accident")
    LAND = "land", _("Land and housing")
    DEBT = "debt", _("Debts and contracts")
    MEDICAL = "medical", _("Medical")
    OTHER = "other", _("Other")


class Track(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate (on the spot)")
    ONLINE = "online", _("Online (parties apart)")
    JOINT = "joint", _("Joint (with other departments)")
    PROFESSIONAL = "professional", _("Professional mediators")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High (risk of violence)")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSESSED = "assessed", _("Assessed")
    IN_MEDIATION = "in_mediation", _("In mediation")
    RESOLVED = "resolved", _("Resolved")
    UNRESOLVED = "unresolved", _("Unresolved, referred")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def rank_of(field: str, order: tuple[str, ...]) -> models.Case:
    """A code's place in the domain's ``order`` (1, 2, …; any other code 0),
    for sorting: the codes' alphabetical order is no order a user knows
    ("high" sorted between "" and "low")."""
    return models.Case(
        *[models.When(**{field: str(code)}, then=models.Value(place))
          for place, code in enumerate(order, start=1)],
        default=models.Value(0),
    )


# Low to high; a case not yet assessed (no risk level) ranks below low.
RISK_ORDER = (RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)
# The flow's order (DESIGN.md §3), withdrawn last.
STATUS_ORDER = tuple(Status)

# Statuses whose outcome is not yet recorded: they count against deadlines.
OPEN_STATUSES = (Status.REGISTERED, Status.ASSESSED, Status.IN_MEDIATION)
# Outcome recorded, awaiting the lead's verification.
CONCLUDED_STATUSES = (Status.RESOLVED, Status.UNRESOLVED)


class Source(models.TextChoices):
    CALL_110 = "call_110", _("110 call")
    WALK_IN = "walk_in", _("Walk-in")
    VOLUNTEER_TIP = "volunteer_tip", _("Volunteer tip")
    ENTERPRISE_VISIT = "enterprise_visit", _("Enterprise visit")
    GRID_WORKER = "grid_worker", _("Grid worker")
    TRANSFER = "transfer", _("Transfer from another unit")


class Mediator(models.Model):
    """A member of the outside mediation pool (the Wenzhou "八仙堂")."""

    class Kind(models.TextChoices):
        JUDICIAL = "judicial", _("Judicial office")
        LAWYER = "lawyer", _("Lawyer")
        ENFORCEMENT = "enforcement", _("Administrative law enforcement")
        MARKET = "market", _("Market regulation")
        SCHOOL = "school", _("School")
        WOMEN = "women", _("Women's federation")
        RESIDENT = "resident", _("Resident representative")
        PROFESSIONAL = "professional", _("Professional mediator")

    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="mediators")
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("disputes:mediator_detail", args=[self.pk])

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class MediatorSpeciality(models.Model):
    mediator = models.ForeignKey(Mediator, on_delete=models.CASCADE, related_name="specialities")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("speciality")
        verbose_name_plural = _("specialities")
        constraints = [
            models.UniqueConstraint(fields=["mediator", "category"], name="mediator_speciality_unique")
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class ReferenceCounter(models.Model):
    """The last sequence number issued for a unit and year; never goes back."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="reference_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit.code}-{self.year}: {self.last}"


class Dispute(models.Model):
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    received_at = models.DateTimeField(_("received at"))
    place = models.CharField(_("place"), max_length=200)
    # Where it happened (WGS-84), when the officer recorded it: the beat map.
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("station"), on_delete=models.PROTECT, related_name="disputes"
    )
    beat = models.ForeignKey(
        Unit,
        verbose_name=_("beat"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beat_disputes",
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_disputes",
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, blank=True)
    track = models.CharField(_("track"), max_length=20, choices=Track.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    deadline = models.DateTimeField(_("track deadline"), null=True, blank=True)
    summary = models.TextField(_("summary"))
    resolution_note = models.TextField(_("resolution note"), blank=True)
    mediators = models.ManyToManyField(
        Mediator, verbose_name=_("mediators"), blank=True, related_name="disputes"
    )
    co_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officers mediating"),
        blank=True,
        related_name="co_handled_disputes",
    )
    concluded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every transition; a form posted with an older value is stale.
    version = models.PositiveIntegerField(default=1)
    # The list's sort keys for risk level and status (disputes.filters): the
    # domain's order as a stored, indexed number the database keeps in step
    # with the code, and a plain column the API's keyset cursor can carry.
    risk_rank = models.GeneratedField(
        expression=rank_of("risk_level", RISK_ORDER),
        output_field=models.PositiveSmallIntegerField(), db_persist=True,
    )
    status_rank = models.GeneratedField(
        expression=rank_of("status", STATUS_ORDER),
        output_field=models.PositiveSmallIntegerField(), db_persist=True,
    )
    # The version counter is bumped with F() on every transition; it is a lock
    # token, not audit data, and an F() value cannot be copied into a history row.
    # The ranks follow from the codes the history keeps.
    history = HistoricalRecords(excluded_fields=["version", "risk_rank", "status_rank"])

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("assess_dispute", _("Can assess a dispute")),
            ("dispatch_dispute", _("Can dispatch an immediate-track dispute")),
            ("dispatch_any_track", _("Can dispatch a dispute on any track")),
            ("mediate_dispute", _("Can record mediation and outcomes")),
            ("verify_dispute", _("Can verify and close a dispute")),
            ("transfer_dispute", _("Can transfer a dispute to another unit")),
            ("reveal_personal_data", _("Can show personal data in full")),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "deadline"], name="dispute_unit_status_dl_idx"),
            models.Index(fields=["unit", "-received_at"], name="dispute_unit_recv_idx"),
            # The dashboard's hotspots count each beat's open and overdue
            # cases, its cases received this month and the calls about them
            # (reports.hotspots): read per beat, not over the province's cases.
            models.Index(fields=["beat", "status", "deadline"], name="dispute_beat_status_dl_idx"),
            models.Index(fields=["beat", "received_at", "id"], name="dispute_beat_recv_idx"),
            models.Index(fields=["assigned_officer", "status"], name="dispute_officer_status_idx"),
            models.Index(fields=["status", "deadline"], name="dispute_status_deadline_idx"),
            models.Index(fields=["received_at"], name="dispute_received_idx"),
            models.Index(fields=["concluded_at"], name="dispute_concluded_idx"),
            # Every ordering the list offers (then id, see disputes.filters),
            # alone for a wide scope read down the index, and led by the unit
            # for a narrow one read unit by unit (sorted scope first, the
            # page's ids are chosen from these entries alone).
            models.Index(fields=["deadline", "id"], name="dispute_deadline_id_idx"),
            models.Index(fields=["unit", "deadline", "id"], name="dispute_unit_deadline_idx"),
            models.Index(fields=["unit", "reference", "id"], name="dispute_unit_ref_id_idx"),
            models.Index(fields=["status_rank", "id"], name="dispute_status_rank_id_idx"),
            models.Index(fields=["unit", "status_rank", "id"], name="dispute_unit_status_rank_idx"),
            models.Index(fields=["risk_rank", "id"], name="dispute_risk_rank_id_idx"),
            models.Index(fields=["unit", "risk_rank", "id"], name="dispute_unit_risk_rank_idx"),
            # The beat map zoomed in: the view's box, read by its latitude band.
            models.Index(fields=["latitude", "longitude"], name="dispute_lat_lng_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["assessed", "in_mediation"])
                | (~models.Q(track="") & models.Q(deadline__isnull=False)),
                name="dispute_assessed_has_track",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("disputes:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now=None) -> bool:
        from django.utils import timezone

        now = now or timezone.now()
        return self.is_open and self.deadline is not None and self.deadline < now


class Party(models.Model):
    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")
        OTHER = "other", _("Other party")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute", "role", "id"]
        indexes = [
            models.Index(fields=["phone"], name="party_phone_idx"),
            models.Index(fields=["address"], name="party_address_idx"),
            models.Index(fields=["name"], name="party_name_idx"),
            # The list's search by a full ID number is an exact match.
            models.Index(fields=["id_number"], name="party_id_number_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class PersonalDataAccess(models.Model):
    """Who saw which personal data in full, when and why. Append-only.

    The one log of every reveal (issue 11): a party's ID number and phone
    (``field`` "party", ``party`` set), or a free-text field of any record in
    which an ID or mobile number was typed (``field`` names it). ``record_kind``
    and ``record_id`` name the record whose History page lists the reveal (the
    kinds of ``policing.history.SUBJECTS``: a party's reveal belongs to its
    dispute).
    """

    PARTY = "party"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="accesses", null=True, blank=True
    )
    record_kind = models.CharField(_("record"), max_length=30, default="dispute")
    record_id = models.PositiveBigIntegerField(null=True)
    field = models.CharField(_("field"), max_length=60, default=PARTY)
    accessed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    via = models.CharField(max_length=10, default="web")

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at"]
        indexes = [
            models.Index(fields=["record_kind", "record_id"], name="personal_access_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.record_kind} #{self.record_id} {self.field} {self.accessed_at:%Y-%m-%d %H:%M}"


class MediationSession(models.Model):
    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        ROOM = "room", _("Mediation room")
        VIDEO = "video", _("Online video")

    class Outcome(models.TextChoices):
        PROGRESS = "progress", _("Progress made")
        AGREEMENT = "agreement", _("Agreement reached")
        NO_AGREEMENT = "no_agreement", _("No agreement")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("held at"))
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    mediators = models.ManyToManyField(Mediator, verbose_name=_("mediators present"), blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("officers present"), blank=True, related_name="+"
    )
    parties_present = models.ManyToManyField(Party, verbose_name=_("parties present"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute.reference} {self.held_at:%Y-%m-%d}"


class Agreement(models.Model):
    """A mediation agreement (调解协议): terms, and whether they were kept."""

    class Performance(models.TextChoices):
        PENDING = "pending", _("Pending")
        PERFORMED = "performed", _("Performed")
        PARTLY = "partly", _("Partly performed")
        BREACHED = "breached", _("Breached")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="agreements")
    terms = models.TextField(_("terms"))
    signed_on = models.DateField(_("signed on"))
    performance_due = models.DateField(_("performance due"), null=True, blank=True)
    performance = models.CharField(
        _("performance"), max_length=20, choices=Performance.choices, default=Performance.PENDING
    )
    # When and how the performance was found, as the officer recorded it.
    performance_on = models.DateField(_("performance recorded for"), null=True, blank=True)
    performance_note = models.TextField(_("performance note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["signed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(performance_due__isnull=True)
                | models.Q(performance_due__gte=models.F("signed_on")),
                name="agreement_due_after_signing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispute.reference} {self.signed_on}"

    @property
    def confirmation_deadline(self) -> datetime.date:
        """The last day to apply for judicial confirmation (30 days from signing)."""
        return self.signed_on + datetime.timedelta(days=JUDICIAL_CONFIRMATION_DAYS)


# A court confirms a mediation agreement applied for within this many days of
# its signing (人民调解法 §33).
JUDICIAL_CONFIRMATION_DAYS = 30


class JudicialConfirmation(models.Model):
    """A court's judicial confirmation (司法确认) of an agreement: the parties'
    application, then the court's ruling, which makes the agreement enforceable."""

    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("judicial confirmation", "Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    agreement = models.OneToOneField(
        Agreement, on_delete=models.CASCADE, related_name="confirmation",
        verbose_name=_("agreement"),
    )
    court = models.CharField(_("court"), max_length=100)
    applied_on = models.DateField(_("applied on"))
    applicants = models.ManyToManyField(
        Party, verbose_name=_("parties applying"), related_name="confirmations"
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    ruling_number = models.CharField(_("ruling number"), max_length=60, blank=True)
    ruling = models.ForeignKey(
        "Attachment", verbose_name=_("ruling"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("judicial confirmation")
        verbose_name_plural = _("judicial confirmations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True)
                | models.Q(decided_on__gte=models.F("applied_on")),
                name="confirmation_decided_after_applied",
            )
        ]

    def __str__(self) -> str:
        return f"{self.court} · {self.applied_on}"


class FollowUp(models.Model):
    """A follow-up visit: scheduled when a case is resolved, filled in when done."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")

    class Finding(models.TextChoices):
        STABLE = "stable", _("Stable")
        RISK = "risk", _("Risk of recurrence")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        NEUTRAL = "neutral", _("Neutral")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, blank=True)
    finding = models.CharField(_("finding"), max_length=10, choices=Finding.choices, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "done_at", "id"]
        indexes = [
            models.Index(fields=["due_on", "done_at"], name="followup_due_idx"),
            models.Index(fields=["done_at"], name="followup_done_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done_at__isnull=True)
                | (~models.Q(method="") & ~models.Q(finding="")),
                name="followup_done_has_method_finding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispute.reference} {self.due_on or self.done_at}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Referral(models.Model):
    """A hand-off to another body (联动 / 诉调对接), with their answer."""

    class Target(models.TextChoices):
        STREET_OFFICE = "street_office", _("Street office")
        COMMUNITY = "community", _("Community committee")
        GRID = "grid", _("Grid worker")
        COURT = "court", _("Court")
        ARBITRATION = "arbitration", _("Arbitration")
        LABOUR_BUREAU = "labour_bureau", _("Labour bureau")
        DEPARTMENT = "department", _("Other department")
        UNIT = "unit", _("Another police unit")

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="referrals")
    target = models.CharField(_("referred to"), max_length=20, choices=Target.choices)
    target_name = models.CharField(_("name of the body"), max_length=100)
    sent_at = models.DateTimeField(_("sent at"))
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.SENT)
    reason = models.TextField(_("reason"), blank=True)
    answer = models.TextField(_("their answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute.reference} → {self.target_name}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never carries the uploader's file name: it may hold
    # personal data, and it is not needed to serve the file.
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()
    return f"attachments/{instance.dispute_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        AGREEMENT_SCAN = "agreement_scan", _("Signed agreement scan")
        RULING = "ruling", _("Court ruling")
        DOCUMENT = "document", _("Document")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("disputes:attachment", args=[self.dispute_id, self.pk])


class DisputeEvent(models.Model):
    """The timeline. Rows are only ever added, by disputes.services."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ASSESSED = "assessed", _("Assessed")
        DISPATCHED = "dispatched", _("Dispatched")
        RESOLVED = "resolved", _("Resolved")
        FAILED = "failed", _("Mediation failed, referred")
        VERIFIED = "verified", _("Verified and closed")
        TRANSFERRED = "transferred", _("Transferred")
        REOPENED = "reopened", _("Reopened")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        TRACK_CHANGED = "track_changed", _("Track changed")
        SESSION = "session", _("Mediation session recorded")
        FOLLOW_UP = "follow_up", _("Follow-up recorded")
        REFERRAL = "referral", _("Referral")
        ATTACHMENT = "attachment", _("Attachment added")
        INCIDENT_LINKED = "incident_linked", _("Call linked")
        PERFORMANCE = "performance", _("Agreement performance recorded")
        CONFIRMATION = "confirmation", _("Judicial confirmation")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    from_track = models.CharField(max_length=20, choices=Track.choices, blank=True)
    to_track = models.CharField(max_length=20, choices=Track.choices, blank=True)
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The case's deadline after this event: the reports tell which cases were
    # overdue at the end of a past month from it.
    deadline = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["dispute", "at"], name="event_dispute_at_idx"),
            models.Index(fields=["kind", "at"], name="event_kind_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
