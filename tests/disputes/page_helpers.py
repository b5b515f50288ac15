"""Helpers for the dispute page tests: form data as a browser would post it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

VALID_ID = "320902199001011236"


@pytest.fixture
def client(client):
    """The test client asking for English pages, so assertions on messages hold
    whatever the Chinese catalogue says. Import it into a test module to use it."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def registration_data(world, parties=None, **fields) -> dict:
    """A complete registration form: the dispute and its party formset."""
    data = {
        "title": "楼上漏水纠纷",
        "category": "neighbourhood",
        "source": "walk_in",
        "received_at": local_input(timezone.now() - datetime.timedelta(hours=1)),
        "place": "东城小区5栋",
        "unit": world.dongcheng.pk,
        "beat": world.dc_beat.pk,
        "summary": "楼上卫生间漏水，楼下要求赔偿。",
    }
    data.update(fields)
    if parties is None:
        parties = [
            {"name": "张三", "role": "applicant", "id_number": VALID_ID,
             "phone": "13851234567", "address": "东城小区5栋101"},
            {"name": "李四", "role": "respondent", "id_number": "",
             "phone": "13900001111", "address": "东城小区5栋201"},
        ]
    data.update({
        "parties-TOTAL_FORMS": str(max(len(parties), 1)),
        "parties-INITIAL_FORMS": "1",  # the first row comes with role "applicant"
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "20",
    })
    for index, party in enumerate(parties):
        for key, value in party.items():
            data[f"parties-{index}-{key}"] = value
    return data


def action_url(dispute, action: str) -> str:
    return reverse("disputes:action", args=[dispute.pk, action])


def post_action(client, dispute, action: str, **data):
    """Post an action form with the version the page showed (the current one)."""
    dispute.refresh_from_db()
    data.setdefault("version", dispute.version)
    return client.post(action_url(dispute, action), data)
