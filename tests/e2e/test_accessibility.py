"""WCAG 2.1 A/AA as axe-core reports it, and no page wider than the screen:
every main page, as every role, at 390 px (a phone) and 1366 px (a station
laptop), in Chinese and English, over the demo data.

axe-core is vendored next to this file (``axe.min.js``, version 4.14.1 from the
npm registry, licence in ``axe-core.LICENSE``). One browser context per role
(one sign-in) keeps the run short; every failure is collected and reported at
the end, one line per page and rule. A viewport screenshot of every page goes
to ``screenshots/e2e/<test>/``.
"""

import os
import re
import time
from pathlib import Path

import pytest

from seeds.demo import PASSWORD, build_demo

AXE = (Path(__file__).with_name("axe.min.js")).read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = [(390, 844), (1366, 768)]
LANGUAGES = ["zh-hans", "en"]
ROLES = os.environ.get("FENGQIAO_A11Y_ROLES", "officer,lead,coordinator,supervisor,admin").split(",")

# Pages every role opens (a role without the permission sees the 403 page,
# which must pass too). "first:<list>" opens the first record of that list.
PAGES = [
    "/", "/disputes/", "/disputes/new/", "first:/disputes/",
    "/disputes/mediators/", "/incidents/", "/incidents/new/", "first:/incidents/",
    "/enterprises/", "/enterprises/requests/", "/enterprises/figures/", "first:/enterprises/",
    "/volunteers/", "/volunteers/people/", "/volunteers/patrols/", "first:/volunteers/patrols/",
    "/volunteers/tips/", "first:/volunteers/tips/", "/volunteers/outreach/",
    "/volunteers/outreach/new/", "/volunteers/figures/", "/notifications/", "/reports/",
    "/reports/dashboard/", "first:/reports/", "/map/", "/account/password/", "/no-such-page/",
    # A unit page with its workload tables (linked from a supervisor's home).
    "first:/",
]
DETAIL = {
    "/disputes/": r"/disputes/\d+/",
    "/incidents/": r"/incidents/\d+/",
    "/enterprises/": r"/enterprises/\d+/",
    "/volunteers/patrols/": r"/volunteers/patrols/\d+/",
    "/volunteers/tips/": r"/volunteers/tips/\d+/",
    "/reports/": r"/reports/\d+/",
    "/": r"/units/\d+/",
}
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


def first_record(page, base: str, list_path: str) -> str | None:
    page.goto(base + list_path)
    for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))"):
        if re.fullmatch(DETAIL[list_path], href or ""):
            return href
    return None


def case_pages(page, base: str, case_path: str) -> list[str]:
    """The pages reached from a case: its history and the reveal forms (a
    party's numbers, the summary's text)."""
    pk = re.search(r"\d+", case_path).group(0)
    page.goto(base + case_path)
    party = page.eval_on_selector_all(
        "main a[href*='/parties/']", "els => els.map(e => e.getAttribute('href'))"
    )
    return [f"/history/dispute/{pk}/", f"/reveal/dispute/{pk}/summary/", *party[:1]]


def enrol_second_factor(username: str) -> None:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    account = get_user_model().objects.get(username=username)
    TOTPDevice.objects.create(user=account, name="e2e", confirmed=True)


def confirm_second_factor(page, username: str) -> None:
    """Supervisors and administrators type a TOTP code after their password."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, name="e2e")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("[name=otp]", f"{code:0{device.digits}d}")
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert "/two-factor/" not in page.url


def check_role(chromium, base: str, role: str, shots: Path) -> list[str]:
    problems: list[str] = []
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.set_default_timeout(15_000)
    context.add_init_script(script=AXE)
    page = context.new_page()
    if role in ("supervisor", "admin"):
        enrol_second_factor(role)
    page.goto(base + "/login/")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    if "/two-factor/verify/" in page.url:
        confirm_second_factor(page, role)
    assert "/two-factor/" not in page.url and "/login/" not in page.url, page.url
    # The pages of the role; one page the role may not open (its 403 page).
    paths, refused = [], []
    wanted = []
    for path in PAGES:
        if path.startswith("first:"):
            path = first_record(page, base, path.removeprefix("first:"))
            if path is None:
                continue
            if re.fullmatch(DETAIL["/disputes/"], path):
                wanted += case_pages(page, base, path)
        wanted.append(path)
    for path in wanted:
        status = context.request.get(base + path).status
        (refused if status == 403 else paths).append(path)
    paths += refused[:1]
    for language in LANGUAGES:
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            for path in paths:
                page.goto(base + path)
                where = f"{role} {language} {width}px {path}"
                assert page.locator("html").get_attribute("lang") == language, where
                for violation in page.evaluate(RUN_AXE, AXE_TAGS):
                    problems.append(f"{where}: {violation['id']} at {violation['nodes']}")
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    problems.append(f"{where}: page is {scroll_width}px wide")
                name = re.sub(r"[^\w]+", "_", path).strip("_") or "home"
                page.screenshot(path=str(shots / f"{role}-{language}-{width}-{name}.png"))
    context.close()
    return problems


def test_every_page_passes_axe_and_fits_the_screen(transactional_db, chromium, live_server, shots):
    started = time.monotonic()
    build_demo(seed=1)
    print(f"demo data: {time.monotonic() - started:.1f} s")
    problems = []
    for role in ROLES:
        started = time.monotonic()
        problems += check_role(chromium, live_server.url, role, shots)
        print(f"{role}: {time.monotonic() - started:.1f} s")
    assert not problems, "\n".join(problems)
