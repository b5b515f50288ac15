"""Real-browser fixtures: Debian's Chromium driven by Playwright (Python).

The browser is /usr/bin/chromium (never ``playwright install``); the app is
pytest-django's ``live_server`` (a real HTTP server in a thread, static files
served, a transactional test database). Without Chromium or Playwright the
tests skip on a plain machine and fail under CI=true (require_service).

Screenshots of every step go to ``screenshots/e2e/<test>/`` at the repository
root (git-ignored), or to $FENGQIAO_SCREENSHOTS.
"""

import os
import re
import warnings
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, require_service

CHROMIUM = os.environ.get("FENGQIAO_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("FENGQIAO_SCREENSHOTS", ROOT / "screenshots" / "e2e"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage",
]


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives Debian's Chromium through Playwright")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            # Run in parallel (bin/test -n 2), the browser tests stay in one
            # process: one Chromium, one live server.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        require_service(f"Chromium ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_service("Playwright (pip install -r requirements-ci.txt)")
    # Playwright's sync API runs an event loop in this thread; the tests' own
    # database calls (fixtures, assertions) are plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()
    playwright.stop()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def shots(request):
    folder = SHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


class User:
    """One person at one browser window: a fresh context, so cookies are theirs."""

    def __init__(self, chromium, live_server, shots: Path, username: str, language: str):
        self.base = live_server.url
        self.context = chromium.new_context(viewport={"width": 1366, "height": 900},
                                            locale="zh-CN")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.shots = shots
        self.username = username
        self.language = language

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name: str) -> None:
        """A screenshot of the step, a record for people rather than a check:
        Chromium on a loaded machine now and then cannot capture a long page
        ("Unable to capture screenshot"), so it is tried twice and then noted
        as a warning, never failing the step it records."""
        from playwright.sync_api import Error as PlaywrightError

        count = len(list(self.shots.glob("*.png"))) + 1
        path = str(self.shots / f"{count:02d}-{self.username}-{name}.png")
        for attempt in (1, 2):
            try:
                self.page.screenshot(path=path, full_page=True)
                return
            except PlaywrightError as error:
                if attempt == 2:
                    warnings.warn(f"no screenshot {path}: {error}", stacklevel=2)

    def log_in(self) -> None:
        page = self.go("/login/")
        page.fill("input[name=username]", self.username)
        page.fill("input[name=password]", PASSWORD)
        self.shot("login")
        page.click("form [type=submit]")
        page.wait_for_load_state()

    def switch_language(self) -> None:
        """Press the header's language button unless the page is already in it."""
        page = self.page
        if page.locator("html").get_attribute("lang") == self.language:
            return
        page.click(f"nav button[name=language][value={self.language}]")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == self.language

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def browser_user(chromium, live_server, shots):
    opened: list[User] = []

    def open_as(username: str, language: str) -> User:
        user = User(chromium, live_server, shots, username, language)
        opened.append(user)
        return user

    yield open_as
    for user in opened:
        user.close()
