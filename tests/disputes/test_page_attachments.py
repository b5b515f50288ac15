"""Attachments: uploads are checked by size and content; downloads by scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disputes.models import Attachment, DisputeEvent
from tests.conftest import login
from tests.disputes.page_helpers import client  # noqa: F401  (English pages)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, dispute, name, content, kind="photo", content_type="image/png"):
    return client.post(reverse("disputes:attachment_add", args=[dispute.pk]), {
        "kind": kind, "file": SimpleUploadedFile(name, content, content_type=content_type),
    })


def test_upload_and_download_png(client, world, dispute):
    login(client, world.officer)
    response = upload(client, dispute, "现场照片.png", PNG)
    assert response.status_code == 302
    attachment = Attachment.objects.get(dispute=dispute)
    assert (attachment.content_type, attachment.size) == ("image/png", len(PNG))
    assert dispute.events.filter(kind=DisputeEvent.Kind.ATTACHMENT).exists()

    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PNG


def test_pdf_is_accepted(client, world, dispute):
    login(client, world.officer)
    assert upload(client, dispute, "协议.pdf", PDF, kind="agreement_scan",
                  content_type="application/pdf").status_code == 302
    assert Attachment.objects.get().content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 60),
        ("photo.png", b"just some text, not an image"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_wrong_type_gives_field_error_and_saves_nothing(client, world, dispute, name, content):
    login(client, world.officer)
    response = upload(client, dispute, name, content)
    assert response.status_code == 200
    assert "Only JPEG or PNG photos and PDF documents" in str(
        response.context["attachment_form"].errors["file"]
    )
    assert not Attachment.objects.exists()
    assert not dispute.events.filter(kind=DisputeEvent.Kind.ATTACHMENT).exists()


def test_too_large_gives_field_error_and_saves_nothing(client, world, dispute, settings):
    settings.FENGQIAO = {**settings.FENGQIAO, "ATTACHMENT_MAX_BYTES": 1024 * 1024}
    login(client, world.officer)
    response = upload(client, dispute, "big.png", PNG + b"\x00" * (1024 * 1024))
    assert response.status_code == 200
    assert "too large" in str(response.context["attachment_form"].errors["file"])
    assert not Attachment.objects.exists()


def test_missing_file_gives_field_error(client, world, dispute):
    login(client, world.officer)
    response = client.post(reverse("disputes:attachment_add", args=[dispute.pk]), {"kind": "photo"})
    assert response.status_code == 200 and "file" in response.context["attachment_form"].errors


def test_supervisor_cannot_upload(client, world, dispute):
    login(client, world.supervisor)
    response = upload(client, dispute, "a.png", PNG)
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_attachment_of_another_case_is_404_through_this_case(client, world, dispute):
    from tests.conftest import register

    login(client, world.officer)
    other = register(world, title="另一纠纷")
    upload(client, other, "a.png", PNG)
    attachment = Attachment.objects.get()
    response = client.get(reverse("disputes:attachment", args=[dispute.pk, attachment.pk]))
    assert response.status_code == 404
