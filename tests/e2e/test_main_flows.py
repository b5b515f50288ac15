"""The main flows in a real browser, in both languages (zh-hans default, and
English through the header's language button).

Each step asserts what the user sees (status badge, messages, sheet values)
and saves a screenshot. Expected texts come from the catalogues through
gettext, so the same test checks the Chinese and the English pages.
"""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from disputes.models import Dispute, Status
from tests.conftest import build_world

LANGUAGES = ["zh-hans", "en"]


def text(language: str, message) -> str:
    with translation.override(language):
        return str(gettext(message) if isinstance(message, str) else message)


def local(moment: datetime.datetime, fmt: str = "%Y-%m-%dT%H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt)


def badge(page) -> str:
    return page.locator(".badge-status").first.inner_text().strip()


def messages(page) -> str:
    return " ".join(page.locator(".messages .alert").all_inner_texts())


@pytest.fixture
def world(transactional_db):
    return build_world()


@pytest.mark.parametrize("language", LANGUAGES)
def test_officer_registers_and_mediates_to_resolved_and_lead_verifies(
    world, browser_user, language
):
    officer = browser_user("officer", language)
    officer.log_in()
    officer.switch_language()
    page = officer.page
    assert "/login/" not in page.url
    officer.shot("home")

    # Register, with two parties.
    officer.go("/disputes/new/")
    page.fill("[name=title]", "E2E 邻里漏水纠纷")
    page.select_option("[name=category]", "neighbourhood")
    page.select_option("[name=source]", "walk_in")
    page.fill("[name=received_at]", local(timezone.now() - datetime.timedelta(hours=2)))
    page.select_option("[name=unit]", str(world.dongcheng.pk))
    page.fill("[name=place]", "东城小区5栋")
    page.fill("[name=summary]", "楼上漏水，楼下要求赔偿。")
    page.fill("[name$='-0-name']", "张三")
    page.select_option("[name$='-0-role']", "applicant")
    page.fill("[name$='-0-id_number']", "320902199001011236")
    page.fill("[name$='-0-phone']", "13851234567")
    page.fill("[name$='-1-name']", "李四")
    page.select_option("[name$='-1-role']", "respondent")
    page.fill("[name$='-1-phone']", "13900001111")
    officer.shot("register-form")
    page.click("main form [type=submit].btn-primary")
    page.wait_for_url(re.compile(r"/disputes/\d+/$"))
    dispute = Dispute.objects.get(title="E2E 邻里漏水纠纷")
    assert badge(page) == text(language, Status.REGISTERED.label)
    # Personal data stays masked on the page.
    assert "320902199001011236" not in page.content()
    assert "13851234567" not in page.content()
    officer.shot("registered")

    # Assess: low risk, immediate track (the officer may dispatch it).
    page.click(f"a[href$='/disputes/{dispute.pk}/assess/']")
    page.select_option("[name=risk_level]", "low")
    page.select_option("[name=track]", "immediate")
    officer.shot("assess-form")
    page.click("form.action-form [type=submit]")
    page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    assert badge(page) == text(language, Status.ASSESSED.label)
    officer.shot("assessed")

    # Dispatch to himself.
    page.click(f"a[href$='/disputes/{dispute.pk}/dispatch/']")
    page.select_option("[name=officer]", str(world.officer.pk))
    officer.shot("dispatch-form")
    page.click("form.action-form [type=submit]")
    page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    assert badge(page) == text(language, Status.IN_MEDIATION.label)
    officer.shot("in-mediation")

    # Record a mediation session.
    page.click(f"a[href$='/disputes/{dispute.pk}/sessions/new/']")
    page.fill("[name=held_at]", local(timezone.now() - datetime.timedelta(minutes=30)))
    page.select_option("[name=mode]", index=0)
    page.select_option("[name=outcome]", index=0)
    page.fill("[name=notes]", "双方到场，同意协商。")
    officer.shot("session-form")
    page.click("main form [type=submit].btn-primary")
    page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    assert dispute.sessions.count() == 1
    assert "双方到场，同意协商。" in page.content()
    officer.shot("session-recorded")

    # Resolve with a written agreement.
    page.click(f"a[href$='/disputes/{dispute.pk}/resolve/']")
    page.fill("[name=terms]", "楼上赔偿维修费800元，三日内付清。")
    page.fill("[name=signed_on]", local(timezone.now(), "%Y-%m-%d"))
    officer.shot("resolve-form")
    page.click("form.action-form [type=submit]")
    page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    assert badge(page) == text(language, Status.RESOLVED.label)
    assert messages(page)
    officer.shot("resolved")

    # The station lead verifies and closes it.
    lead = browser_user("lead", language)
    lead.log_in()
    lead.switch_language()
    lead.go(f"/disputes/{dispute.pk}/")
    assert badge(lead.page) == text(language, Status.RESOLVED.label)
    lead.page.click(f"a[href$='/disputes/{dispute.pk}/verify/']")
    lead.shot("verify-form")
    lead.page.click("form.action-form [type=submit]")
    lead.page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    assert badge(lead.page) == text(language, Status.CLOSED.label)
    lead.shot("closed")
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED
    assert list(dispute.events.values_list("kind", flat=True).order_by("at", "pk"))[-1] == "verified"


@pytest.mark.parametrize("language", LANGUAGES)
def test_coordinator_schedules_a_patrol_and_records_attendance(world, browser_user, language):
    from volunteers import services as volunteer_services
    from volunteers.models import Patrol

    coordinator = world.coordinator
    alliance = volunteer_services.alliance_save(
        actor=coordinator, name="东亭有义平安联盟", unit=world.dongcheng, focus="patrol",
        coordinators=[coordinator],
    )
    chen = volunteer_services.volunteer_save(
        actor=coordinator, name="陈一", phone="13812340001", unit=world.dongcheng
    )
    volunteer_services.membership_save(actor=coordinator, volunteer=chen, alliance=alliance,
                                       joined_on=datetime.date(2024, 1, 1))

    user = browser_user("coordinator", language)
    user.log_in()
    user.switch_language()
    page = user.page
    starts = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=30)
    user.go("/volunteers/patrols/new/")
    page.select_option("[name=alliance]", str(alliance.pk))
    page.select_option("[name=unit]", str(world.dongcheng.pk))
    page.fill("[name=area]", "东城小区夜巡")
    page.fill("[name=starts_at]", local(starts))
    page.fill("[name=ends_at]", local(starts + datetime.timedelta(hours=3)))
    page.fill("[name=volunteers_needed]", "2")
    user.shot("patrol-form")
    page.click("main form [type=submit].btn-primary")
    page.wait_for_url(re.compile(r"/volunteers/patrols/\d+/$"))
    patrol = Patrol.objects.get(area="东城小区夜巡")
    assert "东城小区夜巡" in page.content()
    assert messages(page)
    user.shot("patrol-scheduled")

    # Sign a volunteer up, then check them in and out on the sheet.
    page.select_option("[name=volunteer]", str(chen.pk))
    page.click(f"form[action$='/patrols/{patrol.pk}/sign-up/'] [type=submit]")
    page.wait_for_load_state()
    assert page.locator("table >> text=陈一").count() == 1
    assert "13812340001" not in page.content()  # the phone stays masked
    user.shot("signed-up")
    page.click("form[action$='/check_in/'] [type=submit]")
    page.wait_for_load_state()
    user.shot("checked-in")
    page.click("form[action$='/check_out/'] [type=submit]")
    page.wait_for_load_state()
    user.shot("checked-out")
    attendance = patrol.attendances.get()
    assert attendance.checked_in_at and attendance.checked_out_at
    row = page.locator("tr", has_text="陈一").inner_text()
    assert local(attendance.checked_in_at, "%H:%M") in row
    assert local(attendance.checked_out_at, "%H:%M") in row
    patrol.refresh_from_db()
    assert patrol.status == Patrol.Status.UNDER_WAY
    assert text(language, Patrol.Status.UNDER_WAY.label) in page.content()


def _confirm_second_factor(user, account) -> None:
    """Supervisors need a TOTP code (FENGQIAO_REQUIRE_OTP_ROLES): enrol a device
    with a known key and type the current code on the verify page."""
    from django.conf import settings

    if "supervisor" not in getattr(settings, "FENGQIAO_REQUIRE_OTP_ROLES", []):
        return
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=account, name="e2e", confirmed=True)
    page = user.page
    page.wait_for_url(re.compile(r"/two-factor/verify/"))
    user.shot("second-factor")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("[name=otp]", f"{code:0{device.digits}d}")
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert "/two-factor/" not in page.url


@pytest.mark.parametrize("language", LANGUAGES)
def test_supervisor_opens_the_dashboard_and_a_monthly_report(world, browser_user, language):
    from reports.models import MonthlyReport
    from reports.months import current_month
    from tests.conftest import register

    register(world, title="东城噪音纠纷")
    register(world, by=world.officer2, unit=world.wuxing, title="五星停车纠纷")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.supervisor, name="e2e", confirmed=True)

    user = browser_user("supervisor", language)
    user.log_in()
    _confirm_second_factor(user, world.supervisor)
    user.switch_language()
    page = user.page
    user.go("/reports/dashboard/")
    assert page.locator("h1").count() >= 1
    assert "东城派出所" in page.content() and "五星派出所" in page.content()
    user.shot("dashboard")

    # Ask for this month's report of the sub-bureau; it runs in process.
    month = current_month()
    user.go("/reports/")
    request_form = page.locator("main form[method=post]")  # not the filter bar's fields
    request_form.locator("[name=unit]").select_option(str(world.tinghu.pk))
    request_form.locator("[name=month]").fill(month.strftime("%Y-%m"))
    user.shot("report-request")
    request_form.locator("[type=submit]").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    report = MonthlyReport.objects.get(unit=world.tinghu, month=month)
    assert report.state == MonthlyReport.State.DONE, report.error
    assert report.figures["received"] == 2
    assert messages(page)
    assert text(language, MonthlyReport.State.DONE.label) in page.content()
    assert "亭湖分局" in page.content()
    user.shot("report")
