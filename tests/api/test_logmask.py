"""Logs never keep a mobile number, however it is written (issue 12):
+86/86/0086 prefixes, spaces, dashes, URL-encoding."""

import logging

import pytest
from django.test import Client

from units.logmask import mask_text

WRITTEN = [
    "+8613812345678", "8613812345678", "008613812345678", "138-1234-5678", "138 1234 5678",
    "+86 138-1234-5678", "%2B8613812345678", "%2B86%20138%201234%205678", "138%201234%205678",
]


@pytest.mark.parametrize("number", WRITTEN)
def test_every_way_of_writing_a_mobile_number_is_masked(number):
    assert mask_text(f"call {number} now") in {"call 138****5678 now"}


def test_other_digits_stay():
    for text in ["20260301123456789", "order 1385123456789", "x213812345678", "TH-DC-2026-00001"]:
        assert mask_text(text) == text


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    "/api/no-such/%2B86%20138%201234%205678/", "/api/no-such/138-1234-5678/",
    "/api/no-such/8613812345678/", "/api/x/138%201234%205678/",
])
def test_a_request_log_line_masks_the_number_in_the_path(caplog, path):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client().get(path)
    assert response.status_code == 404
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "138****5678" in text, text
    for digits in ("13812345678", "1234 5678", "1234-5678", "1234%205678"):
        assert digits not in text, text
