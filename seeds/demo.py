"""The demo world: the Yancheng unit tree, the demo users, the mediator pool
and a few dozen disputes in every state and on every track.

Every dispute, call and mediator is written through the services, so the demo
obeys the same rules and leaves the same timeline as real use. The services
stamp everything with ``timezone.now()``; to give the cases a believable past
(some overdue, follow-ups falling due) each step is run now and then
backdated: the rows that step wrote get the step's date (see ``_step``).
Only dates are rewritten, never a status.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone

from disputes import services as ds
from disputes.models import (
    Dispute,
    DisputeEvent,
    FollowUp,
    MediationSession,
    Referral,
    Source,
    Track,
)
from incidents import services as incident_services
from incidents.models import Incident
from reports.months import add_months, current_month
from reports.queue import report_enqueue
from seeds import geography, people
from seeds.demo_volunteers import build_volunteers
from seeds.enterprises import create_enterprises
from seeds.mediators import create_mediators
from seeds.scenarios import AREAS, SCENARIOS, Scenario
from seeds.units import AREA_CODES, create_units, create_wenzhou
from units.models import Officer, Unit
from units.roles import group_name, sync_roles
from units.services import unit_set_boundary

PASSWORD = "demo12345"
R = Officer.Role

# (username, display name, unit code, role): the logins of the README.
DEMO_USERS = [
    ("officer", "王警官", "TH-DC", R.OFFICER),
    ("officer2", "赵警官", "TH-WX", R.OFFICER),
    ("lead", "李所长", "TH-DC", R.STATION_LEAD),
    ("lead2", "陈所长", "TH-WX", R.STATION_LEAD),
    ("coordinator", "周协调员", "TH", R.COORDINATOR),
    ("supervisor", "吴督察", "TH", R.SUPERVISOR),
]

IMM, ONL, JNT, PRO = Track.IMMEDIATE, Track.ONLINE, Track.JOINT, Track.PROFESSIONAL


@dataclass(frozen=True)
class Case:
    station: str
    fate: str
    track: str
    risk: str
    # Days since the case was received.
    age: float
    # "officer" (the station's community officer) or "lead".
    assignee: str = "officer"


# The cases of the demo. Fates: registered, assessed, in_mediation,
# track_changed, resolved, unresolved, closed, closed_unresolved, withdrawn,
# transferred, repeat (resolved, closed, called again, reopened).
CASES = [
    Case("TH-DC", "registered", IMM, "", 0.2),
    Case("TH-DC", "registered", IMM, "", 1, "lead"),
    Case("TH-DC", "assessed", ONL, "medium", 1),
    Case("TH-DC", "assessed", JNT, "high", 2),
    Case("TH-DC", "assessed", ONL, "low", 18),  # awaiting dispatch past its deadline
    Case("TH-DC", "in_mediation", IMM, "low", 1),
    Case("TH-DC", "in_mediation", IMM, "high", 9),  # overdue and high risk
    Case("TH-DC", "in_mediation", PRO, "medium", 10, "lead"),
    Case("TH-DC", "in_mediation", ONL, "low", 20),  # overdue
    Case("TH-DC", "track_changed", IMM, "high", 6),
    Case("TH-DC", "resolved", IMM, "low", 12),  # first follow-up due
    Case("TH-DC", "resolved", PRO, "medium", 25),
    Case("TH-DC", "resolved", JNT, "low", 3),
    Case("TH-DC", "unresolved", JNT, "medium", 16),
    Case("TH-DC", "unresolved", PRO, "low", 30),
    Case("TH-DC", "closed", IMM, "low", 40),
    Case("TH-DC", "closed", ONL, "low", 55),
    Case("TH-DC", "closed", PRO, "medium", 70),
    Case("TH-DC", "closed_unresolved", JNT, "medium", 45),
    Case("TH-DC", "withdrawn", IMM, "low", 8),
    Case("TH-DC", "transferred", IMM, "low", 4),
    Case("TH-DC", "repeat", IMM, "medium", 35),
    Case("TH-WX", "registered", IMM, "", 0.5),
    Case("TH-WX", "assessed", JNT, "medium", 3),
    Case("TH-WX", "in_mediation", IMM, "high", 7),
    Case("TH-WX", "in_mediation", ONL, "low", 5),
    Case("TH-WX", "resolved", IMM, "low", 14),
    Case("TH-WX", "unresolved", PRO, "medium", 21),
    Case("TH-WX", "closed", JNT, "low", 50),
    Case("TH-XY", "in_mediation", PRO, "high", 12),
    Case("TH-XY", "closed", IMM, "low", 33),
    Case("YD-LW", "in_mediation", IMM, "medium", 2),
    Case("YD-LW", "closed", JNT, "low", 60),
    Case("YN-KC", "resolved", ONL, "low", 9),
    Case("YN-XD", "assessed", PRO, "high", 1),
    Case("DT-HDQ", "in_mediation", JNT, "high", 40),
    Case("FN-YZ", "registered", IMM, "", 0.3),
]
# Older cases of 亭湖, spread over the last six months so that the stored
# monthly reports show a trend.
HISTORY = [
    Case(station, fate, track, risk, age)
    for age, station, fate, track, risk in [
        (38, "TH-DC", "closed", PRO, "low"), (46, "TH-WX", "closed", IMM, "low"),
        (52, "TH-XY", "closed", JNT, "medium"), (64, "TH-DC", "closed", IMM, "low"),
        (75, "TH-WX", "closed_unresolved", JNT, "medium"), (83, "TH-DC", "closed", ONL, "low"),
        (95, "TH-XY", "closed", IMM, "high"), (104, "TH-DC", "closed", PRO, "medium"),
        (112, "TH-WX", "closed", IMM, "low"), (124, "TH-DC", "in_mediation", JNT, "medium"),
        (133, "TH-XY", "closed", ONL, "low"), (141, "TH-DC", "closed", IMM, "low"),
        (152, "TH-WX", "closed", JNT, "high"), (160, "TH-DC", "closed_unresolved", PRO, "low"),
        (168, "TH-DC", "closed", IMM, "low"), (176, "TH-XY", "closed", PRO, "medium"),
    ]
]

OTHER_SOURCES = [Source.WALK_IN, Source.WALK_IN, Source.GRID_WORKER, Source.VOLUNTEER_TIP]
_EVENTS_HAVE_DEADLINE = any(f.name == "deadline" for f in DisputeEvent._meta.concrete_fields)


def build_demo(*, seed: int) -> dict:
    """Create the whole demo world; return what was made, for the summary."""
    return DemoBuilder(random.Random(seed)).build()


class DemoBuilder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        # Locations draw from their own generator, so that the rest of the
        # demo is the same with or without them.
        self.places = random.Random(rng.getstate()[1][0])
        self.now = timezone.now()
        self.call_seq = 0

    # ---- reference data and users -------------------------------------------
    def build(self) -> dict:
        sync_roles()
        self.units = create_units()
        create_wenzhou(self.units)
        self._outlines()
        self.users = self._create_users()
        self.mediators = create_mediators(actor=self.users["admin"], units=self.units)
        disputes = [self._case(case) for case in CASES]
        self._unlinked_calls(disputes)
        disputes += [self._case(case) for case in HISTORY]
        create_enterprises(users=self.users, units=self.units, rng=self.rng, place=self._place)
        build_volunteers(users=self.users, units=self.units, rng=self.rng, place=self._place)
        self._reports()
        return {"users": DEMO_USERS + [("admin", "", "YC", R.ADMIN)], "disputes": disputes}

    def _outlines(self) -> None:
        """Synthetic outlines around the cities' real centres, parents first."""
        self.boxes = geography.outline_boxes(list(self.units.values()))
        for unit in sorted(self.units.values(), key=lambda u: u.depth):
            unit.refresh_from_db(fields=["path", "depth"])
            if unit.parent_id:
                unit.parent = self.units_by_id()[unit.parent_id]
            unit_set_boundary(actor=None, unit=unit, geometry=geography.rectangle(self.boxes[unit.pk]))

    def units_by_id(self) -> dict:
        return {unit.pk: unit for unit in self.units.values()}

    def _place(self, unit) -> dict:
        latitude, longitude = geography.point_in(self.boxes[unit.pk], self.places)
        return {"latitude": latitude, "longitude": longitude}

    def _reports(self) -> None:
        """Stored reports of the last six months for 亭湖分局 and its stations,
        oldest first (each compares with the one before). Queued through the
        service; with no broker the task runs in process after the commit."""
        codes = ["TH", "TH-DC", "TH-WX", "TH-XY"]
        for n in range(6, 0, -1):
            month = add_months(current_month(), -n)
            for code in codes:
                report_enqueue(unit=self.units[code], month=month,
                               requested_by=self.users["supervisor"])

    def _create_users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, display, code, role in DEMO_USERS:
            users[username] = self._user(username, display, code, role, PASSWORD)
        admin = User.objects.create_superuser("admin", "admin@example.invalid", PASSWORD)
        self._attach(admin, "YC", R.ADMIN)
        users["admin"] = admin
        # Stations beyond the two of the demo logins get their own staff, who
        # cannot sign in: they only make the bureau-wide figures realistic.
        for code, unit in self.units.items():
            if unit.kind == Unit.Kind.STATION and code not in ("TH-DC", "TH-WX"):
                short = code.lower()
                users[f"{short}.officer"] = self._user(
                    f"{short}.officer", f"{unit.name[:2]}民警", code, R.OFFICER, None
                )
                users[f"{short}.lead"] = self._user(
                    f"{short}.lead", f"{unit.name[:2]}所长", code, R.STATION_LEAD, None
                )
        return users

    def _user(self, username, display, code, role, password):
        user = get_user_model().objects.create_user(
            username=username, password=password, first_name=display
        )
        self._attach(user, code, role)
        return user

    def _attach(self, user, code, role) -> None:
        Officer.objects.create(user=user, unit=self.units[code], role=role)
        user.groups.add(Group.objects.get(name=group_name(role)))

    def _staff(self, station: str, who: str):
        names = {"TH-DC": ("officer", "lead"), "TH-WX": ("officer2", "lead2")}
        short = station.lower()
        officer, lead = names.get(station, (f"{short}.officer", f"{short}.lead"))
        return self.users[officer if who == "officer" else lead]

    # ---- one case ------------------------------------------------------------
    def _case(self, case: Case) -> Dispute:
        rng = self.rng
        scenario = SCENARIOS[0] if case.fate == "repeat" else rng.choice(SCENARIOS)
        station = self.units[case.station]
        officer, lead = self._staff(case.station, "officer"), self._staff(case.station, "lead")
        assignee = lead if case.assignee == "lead" else officer
        received = self.now - datetime.timedelta(days=case.age, hours=rng.randint(1, 6))

        def at(days: float) -> datetime.datetime:
            return min(received + datetime.timedelta(days=days), self.now)

        parties = self._parties(case.station)
        incident = None
        if scenario.call and (case.fate == "repeat" or rng.random() < 0.6):
            incident = self._call(
                station, officer, received - datetime.timedelta(minutes=20), parties[0], scenario
            )
        beats = [u for u in self.units.values() if u.parent_id == station.pk]
        case_data = dict(
            actor=officer, unit=station, title=scenario.title, category=scenario.category,
            source=Source.CALL_110 if incident else rng.choice(OTHER_SOURCES),
            received_at=received, place=parties[0].address, summary=scenario.summary,
            parties=parties, beat=rng.choice(beats), assigned_officer=assignee,
        )
        case_data.update(self._place(case_data["beat"]))
        if incident is not None:
            dispute = incident_services.incident_register_dispute(incident=incident, **case_data)
        else:
            dispute = ds.dispute_register(**case_data)
        DisputeEvent.objects.filter(dispute=dispute).update(at=at(0.02))
        Incident.objects.filter(dispute=dispute).update(linked_at=at(0.02))
        if case.fate == "registered":
            return dispute
        self._step(dispute, at(0.1), lambda: ds.dispute_assess(
            dispute=dispute, actor=officer, risk_level=case.risk, track=case.track))
        if case.fate == "assessed":
            return dispute
        if case.fate == "withdrawn":
            self._step(dispute, at(1.5), lambda: ds.dispute_withdraw(
                dispute=dispute, actor=assignee, note="申请人表示双方已自行和解，撤回调解申请。"))
            return dispute
        if case.fate == "transferred":
            return self._transfer(dispute, lead, at)
        self._dispatch(dispute, case, scenario, assignee, lead, at)
        if case.fate == "track_changed":
            self._step(dispute, at(2.5), lambda: ds.dispute_change_track(
                dispute=dispute, actor=assignee, track=Track.JOINT,
                note="现场调解未果，双方分歧较大，转联动调解。"))
        if case.fate in ("in_mediation", "track_changed"):
            if case.age > 1.2:
                self._session(dispute, assignee, at(case.age * 0.6), "progress",
                              "双方陈述意见，情绪趋于平稳，约定再次调解。")
            return dispute
        return self._conclude(dispute, case, scenario, assignee, lead, at)

    def _dispatch(self, dispute, case, scenario, assignee, lead, at) -> None:
        mediators = []
        if case.track in (PRO, JNT):
            fitting = [
                m for m in self.mediators
                if m.kind in scenario.mediator_kinds and m.unit.contains(dispute.unit)
            ] or [m for m in self.mediators if m.unit.contains(dispute.unit)]
            mediators = self.rng.sample(fitting, k=min(2, len(fitting)))
        dispatcher = assignee if case.track == IMM else lead
        co_officers = [lead] if case.track == JNT and lead != assignee else []
        self._step(dispute, at(0.3), lambda: ds.dispute_dispatch(
            dispute=dispute, actor=dispatcher, officer=assignee, mediators=mediators,
            co_officers=co_officers))

    def _conclude(self, dispute, case, scenario, officer, lead, at) -> Dispute:
        done = round(min(case.age * 0.25, 6) + 0.5, 1)
        if case.fate in ("resolved", "closed", "repeat"):
            self._session(dispute, officer, at(done - 0.1), "agreement", "双方当面协商，达成调解协议。")
            signed = timezone.localdate(at(done))
            agreement = ds.AgreementData(
                terms=scenario.agreement, signed_on=signed,
                performance_due=signed + datetime.timedelta(days=self.rng.choice([7, 15, 30])),
            )
            self._step(dispute, at(done), lambda: ds.dispute_resolve(
                dispute=dispute, actor=officer, agreement=agreement))
        else:
            self._session(dispute, officer, at(done - 0.1), "no_agreement", "双方分歧较大，未能达成一致。")
            target, name = scenario.referral
            self._step(dispute, at(done), lambda: ds.dispute_fail(
                dispute=dispute, actor=officer,
                referral=ds.ReferralData(target=target, target_name=name,
                                         reason="调解未能达成一致，移交相关部门依法处理。"),
                note="调解未果，已移交处理。"))
        if case.fate in ("closed", "repeat"):
            self._follow_up(dispute, officer, at(done + 7))
            # The oldest 亭湖 case is verified by the sub-bureau's supervisor.
            by_supervisor = case.age > 60 and case.station.startswith("TH")
            verifier = self.users["supervisor"] if by_supervisor else lead
            self._step(dispute, at(done + 8), lambda: ds.dispute_verify(
                dispute=dispute, actor=verifier, note="经回访核实，协议已履行，予以结案。"))
            if case.age > done + 31:
                self._follow_up(dispute, officer, at(done + 30))
        if case.fate == "closed_unresolved":
            self._step(dispute, at(done + 3), lambda: ds.dispute_verify(
                dispute=dispute, actor=lead, note="已移交相关部门，核查后结案。"))
        if case.fate == "repeat":
            self._repeat(dispute, officer, at(done + 12))
        return dispute

    def _transfer(self, dispute, lead, at) -> Dispute:
        to_unit = self.units["TH-WX"]
        self._step(dispute, at(0.5), lambda: ds.dispute_transfer(
            dispute=dispute, actor=lead, to_unit=to_unit,
            note="双方当事人均居住在五星派出所辖区，移交属地调解。"))
        receiving = self._staff("TH-WX", "lead")
        self._step(dispute, at(0.8), lambda: ds.dispute_assess(
            dispute=dispute, actor=receiving, risk_level="low", track=Track.JOINT))
        return dispute

    def _repeat(self, dispute, officer, when) -> None:
        """The dispute flares up again: a second call from the same caller is
        linked (a repeat call) and the case is reopened."""
        applicant = dispute.parties.order_by("id").first()
        call = self._call(dispute.unit, officer, when, applicant, SCENARIOS[0],
                          summary="报警人称楼上再次在夜间施工，噪音扰民，纠纷复发。")
        self._step(dispute, when, lambda: incident_services.incident_link_dispute(
            incident=call, dispute=dispute, actor=officer))
        self._step(dispute, when + datetime.timedelta(hours=1), lambda: ds.dispute_reopen(
            dispute=dispute, actor=officer, note="当事人再次报警称纠纷复发，重新组织调解。"))

    # ---- pieces ----------------------------------------------------------------
    def _parties(self, station: str) -> list[ds.PartyData]:
        rng = self.rng
        area = AREA_CODES[self.units[station].parent.code]
        applicant = ds.PartyData(
            name=people.name(rng), role="applicant", id_number=people.id_number(rng, area),
            phone=people.phone(rng), address=people.address(rng, AREAS[station]),
        )
        respondent = ds.PartyData(
            name=people.name(rng), role="respondent",
            id_number=people.id_number(rng, area) if rng.random() < 0.5 else "",
            phone=people.phone(rng), address=people.address(rng, AREAS[station]),
        )
        return [applicant, respondent]

    def _call(self, unit, officer, received_at, caller, scenario: Scenario, summary: str = ""):
        self.call_seq += 1
        return incident_services.incident_create(
            actor=officer,
            number=f"110-{timezone.localdate(received_at):%Y%m%d}-{self.call_seq:04d}",
            received_at=received_at, caller_name=caller.name, caller_phone=caller.phone,
            address=caller.address, unit=unit, category=scenario.call or "dispute",
            summary=summary or scenario.summary, handling_officer=officer, **self._place(unit),
        )

    def _session(self, dispute, officer, held_at, outcome, notes) -> None:
        data = ds.SessionData(
            held_at=held_at, mode=self.rng.choice(list(MediationSession.Mode.values)),
            outcome=outcome, notes=notes, mediators=list(dispute.mediators.all()),
            officers=[officer], parties_present=list(dispute.parties.all()),
        )
        self._step(dispute, held_at, lambda: ds.session_record(
            dispute=dispute, actor=officer, data=data))

    def _follow_up(self, dispute, officer, when) -> None:
        rng = self.rng
        self._step(dispute, when, lambda: ds.follow_up_record(
            dispute=dispute, actor=officer, method=rng.choice(["phone", "visit"]),
            finding="stable", satisfaction=rng.choice(["satisfied", "satisfied", "neutral"]),
            notes="回访双方，协议履行情况良好，关系平稳。", done_at=when))

    def _step(self, dispute: Dispute, when: datetime.datetime, action):
        """Run one service call now, then give what it wrote the date ``when``.

        Events, referrals and links written by the step take ``when``; a
        deadline it set runs from ``when``; follow-ups it scheduled move by
        the same number of days.
        """
        marks = {
            model: model.objects.aggregate(last=Max("id"))["last"] or 0
            for model in (DisputeEvent, FollowUp, Referral)
        }
        before = Dispute.objects.values("deadline", "concluded_at", "closed_at").get(pk=dispute.pk)
        started = timezone.now()
        result = action()
        after = Dispute.objects.get(pk=dispute.pk)
        changes = {}
        if after.deadline is not None and after.deadline != before["deadline"]:
            changes["deadline"] = ds.track_deadline(track=after.track, start=when)
        for name in ("concluded_at", "closed_at"):
            if getattr(after, name) is not None and getattr(after, name) != before[name]:
                changes[name] = when
        if changes:
            Dispute.objects.filter(pk=dispute.pk).update(**changes)
        event_changes = {"at": when}
        if _EVENTS_HAVE_DEADLINE:
            event_changes["deadline"] = changes.get("deadline", after.deadline)
        new_events = DisputeEvent.objects.filter(dispute=dispute, id__gt=marks[DisputeEvent])
        new_events.update(**event_changes)
        shift = timezone.localdate(started) - timezone.localdate(when)
        for follow_up in FollowUp.objects.filter(
            dispute=dispute, id__gt=marks[FollowUp], due_on__isnull=False
        ):
            follow_up.due_on -= shift
            follow_up.save(update_fields=["due_on"])
        Referral.objects.filter(dispute=dispute, id__gt=marks[Referral]).update(sent_at=when)
        Incident.objects.filter(dispute=dispute, linked_at__gte=started).update(linked_at=when)
        dispute.refresh_from_db()
        return result

    def _unlinked_calls(self, disputes: list[Dispute]) -> None:
        """Recent calls not yet linked: one from a party of an open case at 东城
        (so its page offers the case as a repeat), and a few unrelated ones."""
        dongcheng = self.units["TH-DC"]
        officer = self._staff("TH-DC", "officer")
        open_case = next(
            d for d in disputes
            if d.unit_id == dongcheng.pk and d.is_open and d.risk_level == "high"
        )
        party = open_case.parties.order_by("id").first()
        self._call(dongcheng, officer, self.now - datetime.timedelta(hours=2), party,
                   open_case_scenario(open_case),
                   summary="报警人称对方又上门争吵，情绪激动，请求民警到场。")
        for hours, category, summary in [
            (5, "help", "老人走失，家属请求帮助寻找。"),
            (9, "noise", "小区内深夜有人聚会喧哗，影响休息。"),
        ]:
            caller = self._parties("TH-DC")[0]
            self._call(dongcheng, officer, self.now - datetime.timedelta(hours=hours), caller,
                       Scenario("other", "", summary, category, "", ("community", "")),
                       summary=summary)
        wuxing = self.units["TH-WX"]
        caller = self._parties("TH-WX")[0]
        self._call(wuxing, self._staff("TH-WX", "officer"), self.now - datetime.timedelta(hours=3),
                   caller, Scenario("other", "", "", "theft", "", ("community", "")),
                   summary="电动车停放在楼下被盗。")


def open_case_scenario(dispute: Dispute) -> Scenario:
    return Scenario(
        dispute.category, dispute.title, dispute.summary, "dispute", "", ("community", "")
    )
