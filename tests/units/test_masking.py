"""ID and mobile numbers typed into free text are masked like the structured
fields, by one function (units.masking.mask_text), on pages, in the API and in
notifications (issue 12). Cases worked out by hand."""

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification
from tests.conftest import login, register
from units import logmask
from units.masking import has_personal_data, mask_text

TEXT = "张三 电话 138 1234 5678，身份证 32090219800101123X，旧证 320902800101123"
MASKED = "张三 电话 138****5678，身份证 320902********123X，旧证 320902*****1123"
FULL_PARTS = ["138 1234 5678", "32090219800101123X", "320902800101123", "1234 5678"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (TEXT, MASKED),
        ("打+86 138-1234-5678或8613812345678", "打138****5678或138****5678"),
        ("电话：0086 13812345678。", "电话：138****5678。"),
        ("id 32090219800101123x end", "id 320902********123x end"),
    ],
)
def test_numbers_in_free_text_are_masked(text, expected):
    assert mask_text(text) == expected
    assert has_personal_data(text)


@pytest.mark.parametrize(
    "text",
    [
        "案号 2026-000123，TH-DC-2026-00001",
        "赔偿 13800 元，2026-03-01 14:30 签字",
        "流水号 20260301123456789",  # 17 digits: no ID number
        "订单 123456789012345",  # 15 digits but no birth date in them
        "金额 1,380,000 元；编号 1385123456789",
        "",
    ],
)
def test_ordinary_numbers_stay(text):
    assert mask_text(text) == text
    assert not has_personal_data(text)


def test_log_masking_is_the_same_function():
    assert logmask.mask_text(TEXT) == MASKED


def test_the_dispute_page_and_the_api_show_free_text_masked(client, world):
    dispute = register(world, title="张三 13812345678 噪音", summary=TEXT)
    login(client, world.officer)
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert "320902********123X" in html and "138****5678" in html
    for full in FULL_PARTS + ["13812345678"]:
        assert full not in html
    api = APIClient()
    api.force_authenticate(world.officer)
    body = api.get(f"/api/disputes/{dispute.pk}/").content.decode()
    listing = api.get("/api/disputes/").content.decode()
    for full in FULL_PARTS + ["13812345678"]:
        assert full not in body and full not in listing
    assert api.get(f"/api/disputes/{dispute.pk}/").json()["summary"] == MASKED


def test_a_notification_label_is_masked(client, world):
    dispute = register(world, title="张三 13812345678 噪音")
    from notifications.services import notify

    notify(recipients=[world.lead], kind=Notification.Kind.CASE_ASSIGNED, subject=dispute,
           unit=dispute.unit, key="t-1", label=f"{dispute.reference} {dispute.title}")
    note = Notification.objects.get(key="t-1")
    assert "138****5678" in note.label and "13812345678" not in note.label
    login(client, world.lead)
    assert "13812345678" not in client.get("/notifications/").content.decode()
    api = APIClient()
    api.force_authenticate(world.lead)
    assert "13812345678" not in api.get("/api/notifications/").content.decode()
