"""Data in the other language carries its ``lang`` (issue 18): in the English
UI, every piece of text written in Chinese — unit names, titles, names,
addresses, summaries — sits inside an element whose ``lang`` says zh, so a
screen reader reads it in a Chinese voice.

A generic check over the HTML of the main pages, as every role, over the demo
data: each text node with a CJK character must have its nearest ``lang``
ancestor in Chinese.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from seeds.demo import build_demo

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}
# Not rendered as text (or cannot take a lang of their own: the page title).
SKIPPED = {"script", "style", "title", "template"}

PAGES = [
    "/", "/disputes/", "first:/disputes/", "/disputes/mediators/", "/incidents/",
    "first:/incidents/", "/enterprises/", "/enterprises/requests/", "first:/enterprises/",
    "/volunteers/", "first:/volunteers/", "/volunteers/people/", "first:/volunteers/people/",
    "/volunteers/patrols/", "first:/volunteers/patrols/", "/volunteers/tips/",
    "first:/volunteers/tips/", "/volunteers/outreach/", "/notifications/", "/reports/",
    "first:/reports/", "/reports/dashboard/", "unit", "/map/",
]
DETAIL = {
    "/disputes/": r"/disputes/\d+/",
    "/incidents/": r"/incidents/\d+/",
    "/enterprises/": r"/enterprises/\d+/",
    "/volunteers/": r"/volunteers/alliances/\d+/",
    "/volunteers/people/": r"/volunteers/people/\d+/",
    "/volunteers/patrols/": r"/volunteers/patrols/\d+/",
    "/volunteers/tips/": r"/volunteers/tips/\d+/",
    "/reports/": r"/reports/\d+/",
}


class UnmarkedChinese(HTMLParser):
    """Collects the text nodes with Chinese whose nearest ``lang`` is not zh."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not CJK.search(data) or any(tag in SKIPPED for tag, _ in self.stack):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang is not None), "")
        if not lang.lower().startswith("zh"):
            where = "/".join(tag for tag, _ in self.stack[-3:])
            self.found.append(f"{where}: {data.strip()[:30]}")


def unmarked_chinese(html: str) -> list[str]:
    parser = UnmarkedChinese()
    parser.feed(html)
    return parser.found


def test_the_checker_finds_unmarked_and_accepts_marked_chinese():
    assert unmarked_chinese('<html lang="en"><p>东城 <b>x</b></p></html>') == ["html/p: 东城"]
    assert unmarked_chinese('<html lang="en"><p lang="zh-Hans">东城<br><b>所</b></p></html>') == []
    assert unmarked_chinese('<html lang="en"><p lang="zh-Hans"><span lang="en">东</span></p>') != []


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_demo(seed=1)
        yield
        from django.core.management import call_command

        call_command("flush", interactive=False)


def _paths(client, user) -> list[str]:
    paths = []
    for path in PAGES:
        if path == "unit":
            path = user.officer.unit.get_absolute_url()
        elif path.startswith("first:"):
            listing = client.get(path.removeprefix("first:")).content.decode()
            found = re.search(r'href="(%s)"' % DETAIL[path.removeprefix("first:")], listing)
            if not found:
                continue
            path = found.group(1)
        paths.append(path)
    return paths


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "lead", "coordinator", "supervisor"])
def test_chinese_data_in_the_english_ui_carries_lang_zh(demo, role):
    user = get_user_model().objects.get(username=role)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    problems = []
    for path in _paths(client, user):
        response = client.get(path)
        if response.status_code != 200:
            continue
        assert 'lang="en"' in response.content.decode()[:300], path
        problems += [f"{path} {p}" for p in unmarked_chinese(response.content.decode())]
    assert problems == [], f"{len(problems)} unmarked:\n" + "\n".join(sorted(set(problems))[:80])
