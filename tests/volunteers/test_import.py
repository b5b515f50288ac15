"""Importing volunteers from CSV and XLSX: preview writes nothing, confirm writes
all, a bad row blocks all, a phone already registered is reported, not doubled."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.conftest import login
from volunteers.models import Membership, Volunteer

HEADER = ["name", "phone", "id_number", "skills", "alliance", "joined_on", "role"]


def csv_file(rows, name="volunteers.csv", encoding="utf-8-sig"):
    text = "\n".join(",".join(r) for r in [HEADER, *rows])
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机", "身份证号", "技能", "联盟", "加入日期", "角色"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("v.xlsx", buffer.getvalue())


def upload(client, vw, file):
    return client.post(reverse("volunteers:import"), {"file": file, "unit": vw.w.dongcheng.pk})


GOOD = [
    ["张志愿", "13711110001", "", "急救", "东亭有义平安联盟", "2024-03-01", "member"],
    ["李志愿", "13711110002", "320902199001011236", "", "东亭有义平安联盟", "2024/3/2", "leader"],
]


def test_csv_preview_writes_nothing_then_confirm_writes_all(client, vw):
    login(client, vw.coord)
    before = Volunteer.objects.count()
    response = upload(client, vw, csv_file([*GOOD, ["陈一", "13812340001", "", "", "", "", ""]]))
    assert response.status_code == 200
    assert response.context["write_count"] == 2 and response.context["skip_count"] == 1
    assert response.context["error_count"] == 0
    assert "13711110001" not in response.text and "137****0001" in response.text
    assert Volunteer.objects.count() == before
    response = client.post(reverse("volunteers:import_confirm"), {"token": response.context["token"]})
    assert response.status_code == 302
    assert Volunteer.objects.count() == before + 2
    li = Volunteer.objects.get(phone="13711110002")
    membership = Membership.objects.get(volunteer=li)
    assert membership.role == "leader" and str(membership.joined_on) == "2024-03-02"
    assert Volunteer.objects.filter(phone="13812340001").count() == 1


def test_xlsx_with_chinese_headers_and_numeric_phone(client, vw):
    login(client, vw.coord)
    response = upload(client, vw, xlsx_file([["王志愿", 13711110003, None, "驾驶", "东亭有义平安联盟", None, "队员"]]))
    assert response.status_code == 200 and response.context["write_count"] == 1
    client.post(reverse("volunteers:import_confirm"), {"token": response.context["token"]})
    assert Volunteer.objects.get(phone="13711110003").name == "王志愿"


def test_bad_phone_or_date_blocks_whole_import(client, vw):
    login(client, vw.coord)
    before = Volunteer.objects.count()
    rows = [*GOOD, ["坏号码", "12345", "", "", "", "", ""], ["坏日期", "13711110009", "", "", "东亭有义平安联盟", "2024-13-45", ""]]
    response = upload(client, vw, csv_file(rows))
    assert response.status_code == 200 and response.context["error_count"] == 2
    bad = [r for r in response.context["rows"] if r.errors]
    assert [r.number for r in bad] == [4, 5]
    assert "token" in response.context
    response = client.post(reverse("volunteers:import_confirm"), {"token": response.context["token"]})
    assert response.status_code == 200
    assert Volunteer.objects.count() == before


def test_duplicate_phone_within_file_is_an_error(client, vw):
    login(client, vw.coord)
    rows = [GOOD[0], ["又一个", "13711110001", "", "", "", "", ""]]
    response = upload(client, vw, csv_file(rows))
    assert response.context["error_count"] == 1


def test_alliance_outside_scope_is_an_error(client, vw):
    login(client, vw.coord)
    response = upload(client, vw, csv_file([["x", "13711110005", "", "", "水乡平安服务队", "", ""]]))
    assert response.context["error_count"] == 1


def test_phone_registered_after_preview_rolls_back_everything(client, vw):
    login(client, vw.coord)
    response = upload(client, vw, csv_file(GOOD))
    from volunteers import services

    services.volunteer_save(actor=vw.coord, name="抢先", phone="13711110002", unit=vw.w.dongcheng)
    before = Volunteer.objects.count()
    response = client.post(reverse("volunteers:import_confirm"), {"token": response.context["token"]})
    assert response.status_code == 200
    assert Volunteer.objects.count() == before
    assert not Volunteer.objects.filter(phone="13711110001").exists()


def test_wrong_file_type_and_missing_columns(client, vw):
    login(client, vw.coord)
    response = upload(client, vw, SimpleUploadedFile("v.txt", b"hello"))
    assert response.context["form"].errors["file"]
    response = upload(client, vw, SimpleUploadedFile("v.csv", "姓名\n甲\n".encode()))
    assert response.context["form"].errors["file"]


def test_gbk_csv_is_read(client, vw):
    login(client, vw.coord)
    response = upload(client, vw, csv_file([GOOD[0]], encoding="gb18030"))
    assert response.context["write_count"] == 1


def test_stale_token_writes_nothing(client, vw):
    login(client, vw.coord)
    upload(client, vw, csv_file(GOOD))
    response = client.post(reverse("volunteers:import_confirm"), {"token": "nope"})
    assert response.status_code == 302
    assert not Volunteer.objects.filter(phone="13711110001").exists()


def test_officer_cannot_import(client, vw):
    response = login(client, vw.w.officer).get(reverse("volunteers:import"))
    assert response.status_code == 403
