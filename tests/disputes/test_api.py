"""The disputes REST API: the flow on every track, errors, scope and cost."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from disputes import services
from disputes.models import (
    Attachment,
    Dispute,
    DisputeEvent,
    Party,
    PersonalDataAccess,
    Status,
    Track,
)
from tests.conftest import PASSWORD, register

FULL_ID = "320902199001011236"
FULL_PHONE = "13851234567"


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def registration(**overrides):
    data = {
        "title": "楼上漏水纠纷",
        "category": "neighbourhood",
        "source": "walk_in",
        "received_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "place": "东城小区5栋",
        "summary": "楼上卫生间漏水，楼下天花板受损。",
        "parties": [
            {"name": "张三", "role": "applicant", "id_number": FULL_ID, "phone": FULL_PHONE},
            {"name": "李四", "role": "respondent", "phone": "13900001111"},
        ],
    }
    return {**data, **overrides}


def post(client, dispute, action, data=None, **kw):
    return client.post(f"/api/disputes/{dispute.pk}/{action}/", data or {}, format="json", **kw)


@pytest.fixture
def mediator(world):
    return services.mediator_save(
        actor=world.lead,
        name="陈律师",
        kind="lawyer",
        unit=world.dongcheng,
        phone="13700001234",
        specialities=["neighbourhood", "labour"],
    )


# ------------------------------------------------------------------ auth


def test_token_from_username_and_password_authenticates(world, dispute):
    anonymous = APIClient()
    assert anonymous.get("/api/disputes/").status_code in (401, 403)
    response = anonymous.post(
        "/api/auth/token/", {"username": "officer", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    listed = client.get("/api/disputes/")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [dispute.pk]


def test_wrong_password_gets_no_token(world):
    response = APIClient().post(
        "/api/auth/token/", {"username": "officer", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


# ------------------------------------------------------------------ the four tracks


def _register(client, world):
    response = client.post("/api/disputes/", registration(unit=world.dongcheng.pk), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "registered" and body["reference"].startswith("TH-DC-")
    return Dispute.objects.get(pk=body["id"])


def _events(dispute):
    return list(dispute.events.values_list("kind", flat=True))


def test_immediate_track_whole_flow(world):
    officer, lead = api(world.officer), api(world.lead)
    dispute = _register(officer, world)
    r = post(officer, dispute, "assess", {"risk_level": "low", "track": "immediate", "version": 1})
    assert r.status_code == 200 and r.json()["track"] == "immediate"
    r = post(officer, dispute, "dispatch", {"officer": world.officer.pk})
    assert r.status_code == 200 and r.json()["status"] == "in_mediation"
    party = dispute.parties.get(role="applicant")
    r = post(
        officer,
        dispute,
        "sessions",
        {
            "held_at": timezone.now().isoformat(),
            "mode": "on_site",
            "outcome": "agreement",
            "parties_present": [party.pk],
            "notes": "现场调解",
        },
    )
    assert r.status_code == 201 and r.json()["parties_present"] == [party.pk]
    today = timezone.localdate().isoformat()
    r = post(officer, dispute, "resolve", {"agreement": {"terms": "赔偿800元", "signed_on": today}})
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert len(r.json()["follow_ups"]) == 2 and r.json()["agreements"][0]["terms"] == "赔偿800元"
    r = post(
        officer,
        dispute,
        "follow-ups",
        {"method": "phone", "finding": "stable", "satisfaction": "satisfied"},
    )
    assert r.status_code == 201 and r.json()["done_at"]
    r = post(lead, dispute, "verify", {"note": "核查属实"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED and dispute.closed_at is not None
    assert _events(dispute) == [
        "registered",
        "assessed",
        "dispatched",
        "session",
        "resolved",
        "follow_up",
        "verified",
    ]


def test_online_track_whole_flow_ending_in_referral(world):
    officer, lead = api(world.officer), api(world.lead)
    dispute = _register(officer, world)
    assert (
        post(officer, dispute, "assess", {"risk_level": "medium", "track": "online"}).status_code
        == 200
    )
    assert post(lead, dispute, "dispatch", {"officer": world.officer.pk}).status_code == 200
    r = post(
        officer,
        dispute,
        "sessions",
        {
            "held_at": timezone.now().isoformat(),
            "mode": "video",
            "outcome": "no_agreement",
        },
    )
    assert r.status_code == 201
    r = post(
        officer,
        dispute,
        "fail",
        {"target": "court", "target_name": "亭湖区人民法院", "note": "分歧大"},
    )
    assert r.status_code == 200 and r.json()["status"] == "unresolved"
    assert r.json()["referrals"][0]["target_name"] == "亭湖区人民法院"
    r = post(lead, dispute, "verify")
    assert r.status_code == 200
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED and dispute.track == Track.ONLINE
    assert _events(dispute) == [
        "registered",
        "assessed",
        "dispatched",
        "session",
        "failed",
        "verified",
    ]


def test_joint_track_whole_flow_with_mediators_and_referral(world, mediator):
    officer, lead, supervisor = api(world.officer), api(world.lead), api(world.supervisor)
    dispute = _register(officer, world)
    assert (
        post(officer, dispute, "assess", {"risk_level": "high", "track": "joint"}).status_code
        == 200
    )
    r = post(
        lead,
        dispute,
        "dispatch",
        {
            "officer": world.officer.pk,
            "mediators": [mediator.pk],
            "co_officers": [world.lead.pk],
        },
    )
    assert r.status_code == 200
    assert [m["id"] for m in r.json()["mediators"]] == [mediator.pk]
    r = post(
        officer, dispute, "referrals", {"target": "street_office", "target_name": "东亭街道办"}
    )
    assert r.status_code == 201 and r.json()["state"] == "sent"
    r = post(officer, dispute, "resolve", {"resolution_note": "街道协调后达成谅解"})
    assert r.status_code == 200
    r = post(supervisor, dispute, "verify")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED and list(dispute.mediators.all()) == [mediator]
    assert _events(dispute) == [
        "registered",
        "assessed",
        "dispatched",
        "referral",
        "resolved",
        "verified",
    ]


def test_professional_track_flow_with_reopen_and_track_change(world, mediator):
    officer, lead = api(world.officer), api(world.lead)
    dispute = _register(officer, world)
    assert (
        post(officer, dispute, "assess", {"risk_level": "low", "track": "professional"}).status_code
        == 200
    )
    assert post(lead, dispute, "dispatch", {"mediators": [mediator.pk]}).status_code == 200
    assert (
        post(officer, dispute, "resolve", {"resolution_note": "专业调解达成一致"}).status_code
        == 200
    )
    r = post(officer, dispute, "reopen", {"note": "再次报警"})
    assert r.status_code == 200 and r.json()["status"] == "in_mediation"
    r = post(officer, dispute, "change-track", {"track": "joint", "note": "需要联动"})
    assert r.status_code == 200 and r.json()["track"] == "joint"
    assert post(officer, dispute, "resolve", {"resolution_note": "联动化解"}).status_code == 200
    assert post(lead, dispute, "verify").status_code == 200
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED and dispute.track == Track.JOINT
    assert _events(dispute) == [
        "registered",
        "assessed",
        "dispatched",
        "resolved",
        "reopened",
        "track_changed",
        "resolved",
        "verified",
    ]


def test_withdraw_and_transfer(world, dispute):
    officer, lead = api(world.officer), api(world.lead)
    r = post(lead, dispute, "transfer", {"to_unit": world.wuxing.pk, "note": "当事人住五星"})
    assert r.status_code == 200 and r.json()["unit"]["id"] == world.wuxing.pk
    dispute.refresh_from_db()
    assert dispute.unit == world.wuxing
    assert dispute.events.filter(kind=DisputeEvent.Kind.TRANSFERRED, to_unit=world.wuxing).exists()
    # The old station's officer no longer finds it; the new station's does.
    assert post(officer, dispute, "withdraw", {"note": "撤回"}).status_code == 404
    r = post(api(world.officer2), dispute, "withdraw", {"note": "申请人撤回"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_dates_are_iso_8601_with_shanghai_offset(world, dispute):
    body = api(world.officer).get(f"/api/disputes/{dispute.pk}/").json()
    assert body["received_at"].endswith("+08:00")
    assert body["events"][0]["at"].endswith("+08:00")


# ------------------------------------------------------------------ refusals


def test_out_of_order_transition_is_409_and_changes_nothing(world, dispute):
    r = post(api(world.lead), dispute, "verify", {"note": "x"})
    assert r.status_code == 409
    assert set(r.json()) == {"detail", "code"} and r.json()["code"] == "transition_not_allowed"
    dispute.refresh_from_db()
    assert dispute.status == Status.REGISTERED and dispute.version == 1
    assert _events(dispute) == ["registered"]


def test_refusal_speaks_the_requested_language(world, dispute):
    r = post(api(world.lead), dispute, "verify", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 409 and "cannot be given the action" in r.json()["detail"]


def test_stale_version_is_409_stale(world, dispute):
    client = api(world.officer)
    assert (
        post(client, dispute, "assess", {"risk_level": "low", "track": "joint"}).status_code == 200
    )
    r = post(client, dispute, "withdraw", {"note": "撤回", "version": 1})
    assert r.status_code == 409 and r.json()["code"] == "stale"
    dispute.refresh_from_db()
    assert dispute.status == Status.ASSESSED and dispute.version == 2


def test_session_outside_mediation_is_409(world, dispute):
    r = post(
        api(world.officer),
        dispute,
        "sessions",
        {
            "held_at": timezone.now().isoformat(),
            "mode": "room",
            "outcome": "progress",
        },
    )
    assert r.status_code == 409
    assert not dispute.sessions.exists()


def test_officer_dispatching_joint_track_case_gets_403(world, dispute):
    client = api(world.officer)
    assert (
        post(client, dispute, "assess", {"risk_level": "low", "track": "joint"}).status_code == 200
    )
    r = post(client, dispute, "dispatch", {"officer": world.officer.pk})
    assert r.status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == Status.ASSESSED
    assert not dispute.events.filter(kind=DisputeEvent.Kind.DISPATCHED).exists()


def test_supervisor_cannot_register(world):
    r = api(world.supervisor).post(
        "/api/disputes/", registration(unit=world.dongcheng.pk), format="json"
    )
    assert r.status_code == 403
    assert not Dispute.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        (
            {"parties": [{"name": "甲", "role": "applicant", "id_number": "320902199001011230"}]},
            "parties",
        ),
        ({"parties": [{"name": "甲", "role": "applicant", "phone": "1385123"}]}, "parties"),
        ({"received_at": (timezone.now() + datetime.timedelta(days=2)).isoformat()}, "received_at"),
        ({"category": "alien_abduction"}, "category"),
        ({"source": "rumour"}, "source"),
        ({"parties": []}, "parties"),
    ],
)
def test_bad_registration_is_400_with_field_errors_and_saves_nothing(world, change, field):
    r = api(world.officer).post(
        "/api/disputes/", registration(unit=world.dongcheng.pk, **change), format="json"
    )
    assert r.status_code == 400
    assert field in r.json()
    assert not Dispute.objects.exists() and not Party.objects.exists()


def test_nested_party_errors_keep_their_position(world):
    parties = [
        {"name": "甲", "role": "applicant", "phone": "13851234567"},
        {"name": "乙", "role": "judge", "id_number": "320902199001011230"},
    ]
    r = api(world.officer).post(
        "/api/disputes/", registration(unit=world.dongcheng.pk, parties=parties), format="json"
    )
    assert r.status_code == 400
    errors = r.json()["parties"]
    assert errors[0] == {} and set(errors[1]) == {"role", "id_number"}


def test_bad_transition_input_is_400_and_changes_nothing(world, dispute):
    r = post(api(world.officer), dispute, "assess", {"risk_level": "extreme", "track": "immediate"})
    assert r.status_code == 400 and "risk_level" in r.json()
    r = post(api(world.officer), dispute, "withdraw", {})
    assert r.status_code == 400 and "note" in r.json()
    dispute.refresh_from_db()
    assert dispute.status == Status.REGISTERED and dispute.version == 1


def test_registering_at_another_station_is_400_without_leaking(world):
    r = api(world.officer).post("/api/disputes/", registration(unit=world.wuxing.pk), format="json")
    assert r.status_code == 400 and "unit" in r.json()
    assert not Dispute.objects.exists()


# ------------------------------------------------------------------ attachments, reveal


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_attachment_upload_answers_metadata_and_download_url(world, dispute, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    r = api(world.officer).post(
        f"/api/disputes/{dispute.pk}/attachments/",
        {"kind": "photo", "file": upload},
        format="multipart",
    )
    assert r.status_code == 201, r.json()
    attachment = Attachment.objects.get()
    assert r.json()["download_url"].endswith(f"/disputes/{dispute.pk}/attachments/{attachment.pk}/")
    assert r.json()["size"] == len(PNG) and attachment.content_type == "image/png"
    assert dispute.events.filter(kind=DisputeEvent.Kind.ATTACHMENT).exists()


def test_attachment_of_wrong_type_is_400(world, dispute, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="image/png")
    r = api(world.officer).post(
        f"/api/disputes/{dispute.pk}/attachments/",
        {"kind": "photo", "file": upload},
        format="multipart",
    )
    assert r.status_code == 400 and "file" in r.json()
    assert not Attachment.objects.exists()


def test_reveal_shows_full_data_and_writes_access_log(world, dispute):
    party = dispute.parties.get(role="applicant")
    r = api(world.officer).post(
        f"/api/disputes/{dispute.pk}/parties/{party.pk}/reveal/",
        {"reason": "回访核实"},
        format="json",
    )
    assert r.status_code == 200
    assert r.json()["id_number"] == FULL_ID and r.json()["phone"] == FULL_PHONE
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.party, access.via, access.reason) == (
        world.officer,
        party,
        "api",
        "回访核实",
    )


def test_reveal_needs_a_reason(world, dispute):
    party = dispute.parties.get(role="applicant")
    url = f"/api/disputes/{dispute.pk}/parties/{party.pk}/reveal/"
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        r = api(world.officer).post(url, body, format="json")
        assert r.status_code == 400 and "reason" in r.json(), body
        assert FULL_ID not in r.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_reveal_needs_permission(world, dispute):
    party = dispute.parties.first()
    r = api(world.supervisor).post(f"/api/disputes/{dispute.pk}/parties/{party.pk}/reveal/")
    assert r.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_reveal_of_a_party_of_another_case_is_404(world, dispute):
    other = register(world, title="另一起")
    party = other.parties.first()
    r = api(world.officer).post(f"/api/disputes/{dispute.pk}/parties/{party.pk}/reveal/")
    assert r.status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_detail_and_list_never_show_full_personal_data(world, dispute):
    client = api(world.officer)
    for url in (
        "/api/disputes/",
        f"/api/disputes/{dispute.pk}/",
        f"/api/disputes/{dispute.pk}/events/",
    ):
        body = client.get(url).content.decode()
        assert FULL_ID not in body and FULL_PHONE not in body and "13900001111" not in body
    detail = client.get(f"/api/disputes/{dispute.pk}/").json()
    applicant = next(p for p in detail["parties"] if p["role"] == "applicant")
    assert applicant["id_number_masked"] == "320902********1236"
    assert applicant["phone_masked"] == "138****4567"
    assert "id_number" not in applicant and "phone" not in applicant


def test_events_endpoint_is_the_timeline(world, dispute):
    post(api(world.officer), dispute, "assess", {"risk_level": "low", "track": "immediate"})
    r = api(world.officer).get(f"/api/disputes/{dispute.pk}/events/")
    assert r.status_code == 200
    assert [e["kind"] for e in r.json()] == ["registered", "assessed"]
    assert r.json()[1]["actor"]["username"] == "officer"


# ------------------------------------------------------------------ scope


def _every_endpoint(dispute):
    party = dispute.parties.first()
    base = f"/api/disputes/{dispute.pk}"
    gets = [f"{base}/", f"{base}/events/"]
    posts = [
        f"{base}/{name}/"
        for name in (
            "assess",
            "dispatch",
            "resolve",
            "fail",
            "verify",
            "transfer",
            "reopen",
            "withdraw",
            "change-track",
            "sessions",
            "follow-ups",
            "referrals",
            "attachments",
        )
    ] + [f"{base}/parties/{party.pk}/reveal/"]
    return gets, posts


def test_officer_of_other_station_gets_404_on_every_endpoint(world, dispute):
    client = api(world.officer2)
    gets, posts = _every_endpoint(dispute)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        # Each endpoint's own kind of body: an upload is multipart.
        kind = "multipart" if url.endswith("/attachments/") else "json"
        assert (
            client.post(
                url, {"note": "x", "risk_level": "low", "track": "joint"}, format=kind
            ).status_code
            == 404
        ), url
    dispute.refresh_from_db()
    assert dispute.status == Status.REGISTERED and dispute.version == 1
    assert _events(dispute) == ["registered"] and not PersonalDataAccess.objects.exists()


def test_officer_of_another_sub_bureau_gets_404_too(world, dispute):
    gets, posts = _every_endpoint(dispute)
    client = api(world.outsider)
    assert all(client.get(url).status_code == 404 for url in gets)
    assert all(
        client.post(url, {}, format="multipart" if url.endswith("/attachments/") else "json").status_code == 404
        for url in posts
    )


def test_list_never_returns_another_units_disputes(world, dispute):
    theirs = register(world, by=world.officer2, unit=world.wuxing, title="五星的纠纷")
    client = api(world.officer)
    ids = [row["id"] for row in client.get("/api/disputes/").json()["results"]]
    assert ids == [dispute.pk]
    # Naming the other station in a filter is refused, never answered with its cases.
    for query in (
        f"unit={world.wuxing.pk}",
        f"unit={world.louwang.pk}",
        f"assigned_officer={world.officer2.pk}",
    ):
        r = client.get(f"/api/disputes/?{query}")
        assert r.status_code == 400, query
        assert "五星的纠纷" not in r.content.decode() and theirs.reference not in r.content.decode()
    r = client.get("/api/disputes/?q=五星")
    assert r.status_code == 200 and r.json()["results"] == []


def test_supervisor_sees_both_stations_and_filters_by_unit(world, dispute):
    theirs = register(world, by=world.officer2, unit=world.wuxing, title="五星的纠纷")
    client = api(world.supervisor)
    ids = {row["id"] for row in client.get("/api/disputes/").json()["results"]}
    assert ids == {dispute.pk, theirs.pk}
    r = client.get(f"/api/disputes/?unit={world.wuxing.pk}")
    assert [row["id"] for row in r.json()["results"]] == [theirs.pk]


def test_list_filters_are_the_pages_filterset(world, dispute):
    other = register(world, title="工资拖欠", category="labour")
    services.dispute_assess(
        dispute=other, actor=world.officer, risk_level="high", track=Track.JOINT
    )
    client = api(world.officer)

    def ids(query):
        return [row["id"] for row in client.get(f"/api/disputes/?{query}").json()["results"]]

    assert ids("category=labour") == [other.pk]
    assert ids("status=registered") == [dispute.pk]
    assert ids("risk_level=high&track=joint") == [other.pk]
    assert ids("q=张三") == [other.pk, dispute.pk] or ids("q=张三") == [dispute.pk, other.pk]
    assert ids("ordering=reference") == [dispute.pk, other.pk]
    assert client.get("/api/disputes/?status=nonsense").status_code == 400


# ------------------------------------------------------------------ cost


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/disputes/")
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def test_list_query_count_does_not_grow_with_rows(world):
    client = api(world.officer)
    register(world)
    one, count = _list_queries(client)
    assert count == 1
    for i in range(49):
        register(world, title=f"纠纷{i}")
    fifty, count = _list_queries(client)
    assert count == 50
    assert one == fifty


def _detail_queries(client, dispute):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/disputes/{dispute.pk}/")
    assert response.status_code == 200
    return len(queries)


def test_detail_query_count_does_not_grow_with_records(world, dispute):
    client = api(world.officer)
    services.dispute_assess(
        dispute=dispute, actor=world.officer, risk_level="low", track=Track.JOINT
    )
    services.referral_add(
        dispute=dispute,
        actor=world.officer,
        data=services.ReferralData(target="community", target_name="社区0"),
    )
    few = _detail_queries(client, dispute)
    for i in range(1, 6):
        services.referral_add(
            dispute=dispute,
            actor=world.officer,
            data=services.ReferralData(target="community", target_name=f"社区{i}"),
        )
    assert _detail_queries(client, dispute) == few


# ------------------------------------------------------------------ mediators


def test_mediators_list_masks_phone_and_filters(world, mediator):
    r = api(world.officer).get("/api/mediators/?speciality=labour")
    assert r.status_code == 200
    row = r.json()["results"][0]
    assert row["phone_masked"] == "137****1234" and "13700001234" not in r.content.decode()
    assert row["specialities"] == ["labour", "neighbourhood"]
    assert api(world.officer).get("/api/mediators/?speciality=medical").json()["results"] == []


def test_officer_cannot_add_mediator(world):
    r = api(world.officer).post(
        "/api/mediators/",
        {"name": "王老师", "kind": "school", "unit": world.dongcheng.pk},
        format="json",
    )
    assert r.status_code == 403


def test_lead_adds_and_changes_mediator(world):
    client = api(world.lead)
    r = client.post(
        "/api/mediators/",
        {
            "name": "王老师",
            "kind": "school",
            "unit": world.dongcheng.pk,
            "phone": "13800002222",
            "specialities": ["family"],
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    r = client.patch(f"/api/mediators/{pk}/", {"active": False}, format="json")
    assert r.status_code == 200 and r.json()["active"] is False
    assert r.json()["specialities"] == ["family"] and r.json()["name"] == "王老师"
    r = client.post(
        "/api/mediators/",
        {"name": "x", "kind": "wizard", "unit": world.dongcheng.pk, "phone": "123"},
        format="json",
    )
    assert r.status_code == 400 and {"kind", "phone"} <= set(r.json())


def test_mediator_of_other_station_is_404(world, mediator):
    assert api(world.officer2).get(f"/api/mediators/{mediator.pk}/").status_code == 404
    r = api(world.lead2).patch(f"/api/mediators/{mediator.pk}/", {"active": False}, format="json")
    assert r.status_code == 404
    mediator.refresh_from_db()
    assert mediator.active
