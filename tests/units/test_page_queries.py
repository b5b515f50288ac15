"""Constant, few queries (issue 16): every page and API detail, as every role
that may open it, runs at most 12 SQL queries, and the same number after 49
more of each kind of row it shows (cases, officers of the station, events,
parties, sessions, referrals, follow-ups, attachments, 110 calls, volunteers,
sign-ups, tips, visits, requests, mediators). Lists are in ``test_list_queries.py``; the
``/reports/`` pages are not here."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disputes import services as dispute_services
from disputes.models import Agreement, Party, Track
from incidents.services import incident_create, incident_link_dispute
from notifications.models import Notification
from tests.conftest import login, make_user, register
from tests.enterprises.helpers import log_visit, make_enterprise, request_data
from units.models import Officer
from volunteers import services as volunteer_services

MAX_QUERIES = 12
ROLES = ["officer", "lead", "coordinator", "supervisor", "admin"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# Every page and API detail, with the records of ``_build`` in braces.
PAGES = [
    "/",
    "/units/{w.dongcheng.pk}/", "/units/{w.tinghu.pk}/",
    "/disputes/new/",
    "/disputes/{r.case.pk}/", "/disputes/{r.done.pk}/",
    "/disputes/{r.case.pk}/resolve/", "/disputes/{r.case.pk}/transfer/",
    "/disputes/{r.case.pk}/sessions/new/", "/disputes/{r.case.pk}/referrals/new/",
    "/disputes/{r.case.pk}/referrals/{r.referral.pk}/answer/",
    "/disputes/{r.case.pk}/parties/{r.party.pk}/reveal/",
    "/disputes/{r.done.pk}/follow-ups/new/",
    "/disputes/{r.done.pk}/agreements/{r.agreement.pk}/print/",
    "/disputes/{r.done.pk}/agreements/{r.agreement.pk}/performance/",
    "/disputes/{r.done.pk}/agreements/{r.agreement.pk}/confirmation/",
    "/disputes/mediators/", "/disputes/mediators/{r.mediator.pk}/",
    "/disputes/mediators/{r.mediator.pk}/edit/",
    "/history/dispute/{r.case.pk}/", "/history/incident/{r.call.pk}/",
    "/history/volunteer/{r.chen.pk}/", "/history/patrol/{r.patrol.pk}/",
    "/history/enterprise/{r.enterprise.pk}/",
    "/incidents/{r.call.pk}/", "/incidents/new/",
    "/enterprises/{r.enterprise.pk}/", "/enterprises/{r.enterprise.pk}/edit/",
    "/enterprises/{r.enterprise.pk}/visits/new/", "/enterprises/requests/",
    "/enterprises/requests/{r.request.pk}/",
    "/volunteers/alliances/{r.alliance.pk}/", "/volunteers/alliances/{r.alliance.pk}/edit/",
    "/volunteers/people/{r.chen.pk}/", "/volunteers/patrols/{r.patrol.pk}/",
    "/volunteers/tips/{r.tip.pk}/", "/volunteers/outreach/",
    "/notifications/", "/map/",
    "/api/disputes/{r.case.pk}/", "/api/disputes/{r.done.pk}/",
    "/api/disputes/{r.case.pk}/events/", "/api/units/{w.dongcheng.pk}/",
    "/api/incidents/{r.call.pk}/", "/api/incidents/{r.call.pk}/repeat-candidates/",
    "/api/mediators/", "/api/mediators/{r.mediator.pk}/", "/api/notifications/",
    "/api/alliances/", "/api/alliances/{r.alliance.pk}/", "/api/volunteers/{r.chen.pk}/",
    "/api/patrols/", "/api/patrols/{r.patrol.pk}/", "/api/tips/", "/api/tips/{r.tip.pk}/",
    "/api/outreach/", "/api/outreach/{r.outreach.pk}/",
    "/api/enterprises/{r.enterprise.pk}/", "/api/enterprise-visits/",
    "/api/enterprise-visits/{r.visit.pk}/", "/api/enterprise-requests/",
    "/api/enterprise-requests/{r.request.pk}/",
    "/api/map/points/", "/api/map/beats/", "/api/map/hotspots/",
    "/api/map/beats/?unit={w.dongcheng.pk}", "/map/?unit={w.dongcheng.pk}",
    # Forms and the figures pages.
    "/account/password/", "/disputes/mediators/new/", "/disputes/{r.case.pk}/withdraw/",
    "/disputes/{r.done.pk}/verify/", "/incidents/{r.call.pk}/register/",
    "/enterprises/new/", "/enterprises/{r.enterprise.pk}/requests/new/",
    "/enterprises/figures/", "/enterprises/import/",
    "/volunteers/alliances/new/", "/volunteers/people/new/", "/volunteers/people/{r.chen.pk}/edit/",
    "/volunteers/people/import/", "/volunteers/patrols/new/", "/volunteers/tips/new/",
    "/volunteers/outreach/new/", "/volunteers/figures/",
    "/history/unit/{w.dongcheng.pk}/", "/history/mediator/{r.mediator.pk}/",
    "/history/alliance/{r.alliance.pk}/", "/history/tip/{r.tip.pk}/",
    "/history/outreach/{r.outreach.pk}/", "/history/enterprise-request/{r.request.pk}/",
]


def _ago(**delta) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(**delta)).replace(second=0, microsecond=0)


def _build(world) -> SimpleNamespace:
    """One record of every kind, each with one of the rows its page shows."""
    officer, coord = world.officer, world.coordinator
    case = register(world, received_at=_ago(days=2))
    dispute_services.dispute_assess(dispute=case, actor=world.lead, risk_level="low", track=Track.ONLINE)
    dispute_services.dispute_dispatch(dispute=case, actor=world.lead, officer=officer)
    mediator = dispute_services.mediator_save(
        actor=world.lead, name="孙调解", kind="resident", unit=world.dongcheng,
        phone="13800002222", specialities=["neighbourhood"],
    )
    done = register(world, title="欠款纠纷", received_at=_ago(days=3))
    dispute_services.dispute_assess(dispute=done, actor=officer, risk_level="low", track=Track.IMMEDIATE)
    dispute_services.dispute_dispatch(dispute=done, actor=officer, officer=officer)
    dispute_services.dispute_resolve(dispute=done, actor=officer, agreement=dispute_services.AgreementData(
        terms="十日内还款。", signed_on=timezone.localdate(),
        performance_due=timezone.localdate() + datetime.timedelta(days=10),
    ))
    call = incident_create(
        actor=officer, number="110-0001", received_at=_ago(days=2, hours=1), caller_name="张三",
        caller_phone="13851234567", address="东城小区3栋", unit=world.dongcheng,
        category="noise", summary="楼上噪音扰民。",
    )
    incident_link_dispute(actor=officer, incident=call, dispute=case)
    alliance = volunteer_services.alliance_save(
        actor=coord, name="东亭有义平安联盟", unit=world.dongcheng, focus="patrol", coordinators=[coord],
    )
    patrol = volunteer_services.patrol_schedule(
        actor=coord, alliance=alliance, unit=world.dongcheng, area="东城小区夜巡",
        starts_at=_ago(hours=-24), ends_at=_ago(hours=-27), volunteers_needed=60,
    )
    enterprise = make_enterprise(world)
    visit = log_visit(world, enterprise, requests=[request_data()])
    r = SimpleNamespace(
        case=case, done=done, agreement=Agreement.objects.get(dispute=done), mediator=mediator, call=call,
        alliance=alliance, patrol=patrol, enterprise=enterprise, visit=visit,
        request=visit.requests.get(),
        outreach=volunteer_services.outreach_record(
            actor=coord, alliance=alliance, date=timezone.localdate(), theme="anti_fraud",
            place="东城广场", households_reached=10, people_reached=30,
        ),
    )
    r.chen = _grow(world, r, 0)
    r.referral = r.case.referrals.first()
    r.party = r.case.parties.first()
    r.tip = alliance.tips.first()
    return r


def _grow(world, r, start: int, count: int = 1):
    """Add ``count`` more of every row the pages show; the first volunteer added."""
    officer, coord = world.officer, world.coordinator
    first = None
    for i in range(start, start + count):
        register(world, title=f"纠纷{i}", received_at=_ago(minutes=i + 1))
        make_user(f"officer_{i}", world.dongcheng, Officer.Role.OFFICER, first_name=f"警官{i}")
        Party.objects.create(dispute=r.case, name=f"当事人{i}", role="respondent", phone="13900001111")
        dispute_services.session_record(dispute=r.case, actor=officer, data=dispute_services.SessionData(
            held_at=_ago(minutes=i + 1), mode="room", outcome="progress", notes=f"第{i}次",
            mediators=[r.mediator], officers=[officer], parties_present=list(r.case.parties.all()[:2]),
        ))
        dispute_services.referral_add(dispute=r.case, actor=officer, data=dispute_services.ReferralData(
            target="community", target_name=f"司法所{i}", reason="需要法律意见",
        ))
        dispute_services.attachment_add(
            dispute=r.case, actor=officer, kind="photo",
            upload=SimpleUploadedFile(f"scene{i}.png", PNG, content_type="image/png"),
        )
        dispute_services.follow_up_record(
            dispute=r.done, actor=officer, method="phone", finding="stable", done_at=_ago(minutes=i + 1),
        )
        dispute_services.mediator_save(
            actor=world.lead, name=f"调解员{i}", kind="resident", unit=world.dongcheng,
            specialities=["neighbourhood", "debt"],
        )
        call = incident_create(
            actor=officer, number=f"110-1{i:03}", received_at=_ago(hours=i + 1), caller_name="张三",
            caller_phone="13851234567", address="东城小区3栋", unit=world.dongcheng,
            category="noise", summary="又吵起来了。",
        )
        incident_link_dispute(actor=officer, incident=call, dispute=r.case)
        volunteer = volunteer_services.volunteer_save(
            actor=coord, name=f"志愿者{i}", phone=f"138{i:08}", unit=world.dongcheng,
        )
        volunteer_services.membership_save(
            actor=coord, volunteer=volunteer, alliance=r.alliance, joined_on=datetime.date(2024, 1, 1),
        )
        volunteer_services.patrol_sign_up(actor=coord, patrol=r.patrol, volunteer=volunteer)
        volunteer_services.tip_submit(
            actor=coord, alliance=r.alliance, unit=world.dongcheng, kind="dispute",
            description="两户因楼道堆物争吵", place="东城小区5栋", volunteer=volunteer,
            received_at=_ago(hours=i + 2),
        )
        log_visit(world, r.enterprise, days=1 + i % 20, requests=[request_data()])
        first = first or volunteer
    return first


def _queries(client, url) -> int | None:
    """The queries of one request; None for a page the role may not open."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 403, 404), (url, response.status_code)
    return len(queries) if response.status_code == 200 else None


def _counts(client, world, r) -> dict[str, int | None]:
    return {page: _queries(client, page.format(w=world, r=r)) for page in PAGES}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pages_run_few_queries_whatever_the_rows(client, world, role):
    r = _build(world)
    login(client, getattr(world, role))
    _counts(client, world, r)  # warm the per-process caches (content types, site)
    one = _counts(client, world, r)
    _grow(world, r, 1, 49)
    assert Notification.objects.exists()
    fifty = _counts(client, world, r)
    over = {page: n for page, n in one.items() if n is not None and n > MAX_QUERIES}
    grew = {page: (one[page], n) for page, n in fifty.items() if n != one[page]}
    assert (over, grew) == ({}, {})
    assert one["/"] is not None
    if role == "admin":  # the admin opens every page: none left out unseen
        assert [page for page, n in one.items() if n is None] == []

