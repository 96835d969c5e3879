"""Bulk import of staff: CSV (UTF-8 or GB18030) or XLSX, English or Chinese headers; a
dry run names every bad row, a real run writes every row or none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from doorstep.accounts.models import User
from doorstep.casework.models import UnitMember
from doorstep.casework.tests.factories import make_unit
from doorstep.core.tests.api_clients import ApiClient, assert_error
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/api/v1/staff/import"

GOOD_ZH = (
    "用户名,姓,名,角色,区划代码,所属单位,常用语言,联系电话,纬度,经度\n"
    "li_na,李,娜,工作队员,652901001001,县人社局;农商银行,zh,13900002222,41.1,80.2\n"
    "aili,,艾力·买买提,team_leader,652901001,,zh;ug,,,\n"
)


def _upload(client, content: bytes, name: str, dry_run: bool):
    upload = SimpleUploadedFile(name, content)
    return client.client.post(URL, {"file": upload, "dry_run": "true" if dry_run else "false"})


@pytest.fixture
def units(db):
    return make_unit(name="县人社局"), make_unit(name="农商银行")


def test_a_gb18030_file_with_chinese_headers_is_checked_then_imported(administrator, areas, units):
    client = ApiClient(administrator)
    content = GOOD_ZH.replace("工作队员", "worker").encode("gb18030")
    dry = _upload(client, content, "staff.csv", dry_run=True)
    assert dry.status_code == 200 and dry.json()["ok"] and dry.json()["rows"] == 2
    assert not User.objects.filter(username__in=["li_na", "aili"]).exists()
    real = _upload(client, content, "staff.csv", dry_run=False)
    assert real.json()["written"] and real.json()["created"] == 2
    li = User.objects.get(username="li_na")
    assert li.get_full_name() == "李娜" and li.role == "worker"
    assert UnitMember.objects.filter(user=li).count() == 2
    assert User.objects.get(username="aili").get_full_name() == "艾力·买买提"
    assert AuditEvent.objects.filter(object_type="staff", action="import").exists()


def test_role_labels_in_chinese_are_understood(administrator, areas, units):
    from django.utils import translation

    from doorstep.accounts.models import Role

    with translation.override("zh-hans"):
        label = str(Role.WORKER.label)
    content = GOOD_ZH.replace("工作队员", label).encode("utf-8")
    response = _upload(ApiClient(administrator), content, "staff.csv", dry_run=True)
    assert response.json()["ok"], response.json()


def test_a_dry_run_names_every_bad_row_and_a_real_run_writes_nothing(
    supervisor, areas, units, worker_a
):
    content = (
        "username,family_name,given_name,role,area_code,units,languages,phone\n"
        "ok_one,王,芳,worker,652901001001,,zh,\n"
        "worker_a,张,三,worker,652901001001,,zh,\n"  # taken
        "boss,赵,四,admin,652901001001,,zh,\n"  # a supervisor may not grant it
        "lost,钱,五,worker,999999,,zh,\n"  # unknown area
        "unitless,孙,六,worker,652901001001,没有这个单位,zh,\n"
        "ok_one,周,七,worker,652901001001,,zh,12\n"  # twice, and a bad phone
    ).encode()
    client = ApiClient(supervisor)
    for dry_run in (True, False):
        report = _upload(client, content, "staff.csv", dry_run=dry_run).json()
        assert not report["ok"] and not report["written"]
        bad = {(e["row"], e["column"]) for e in report["errors"]}
        assert {(3, "username"), (4, "role"), (5, "area_code"), (6, "units")} <= bad
        assert {(7, "username"), (7, "phone")} <= bad
        assert 2 not in {row for row, _c in bad}
    assert not User.objects.filter(username__in=["ok_one", "boss", "lost"]).exists()


def test_an_xlsx_file_with_english_headers_imports(administrator, areas):
    book = Workbook()
    sheet = book.active
    sheet.append(["username", "given_name", "family_name", "role", "area_code"])
    sheet.append(["xl_user", "伟", "刘", "analyst", "652901"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(ApiClient(administrator), buffer.getvalue(), "s.xlsx", dry_run=False)
    assert response.json()["written"], response.json()
    assert User.objects.get(username="xl_user").get_full_name() == "刘伟"


def test_a_file_missing_a_required_column_is_refused(administrator, areas):
    response = _upload(ApiClient(administrator), b"username,role\nx,worker\n", "s.csv", False)
    assert_error(response, 422)


def test_the_export_reads_back_as_an_import(administrator, areas, units, worker_a):
    UnitMember.objects.create(user=worker_a, unit=units[0])
    for user, given in ((worker_a, "艾力·买买提"), (administrator, "伟")):
        user.first_name = given
        user.save()
    client = ApiClient(administrator)
    exported = b"".join(client.get("/api/v1/staff/export").streaming_content)
    report = _upload(client, exported, "staff.csv", dry_run=True).json()
    # Every row is an account that exists already: the only complaint is the user name.
    assert report["rows"] == 2 and {e["column"] for e in report["errors"]} == {"username"}


@pytest.mark.parametrize("persona", ["worker_a", "team_leader", "analyst", "responder"])
def test_other_roles_cannot_import(request, areas, persona):
    client = ApiClient(request.getfixturevalue(persona))
    assert_error(_upload(client, GOOD_ZH.encode(), "s.csv", True), 404)


def test_first_passwords_sign_each_new_person_in_once_then_they_choose_their_own(
    administrator, areas, units
):
    from django.test import Client

    content = GOOD_ZH.replace("工作队员", "worker").encode("utf-8")
    client = ApiClient(administrator)
    upload = SimpleUploadedFile("staff.csv", content)
    body = client.client.post(
        URL, {"file": upload, "dry_run": "false", "first_passwords": "true"}
    ).json()
    given = {row["username"]: row["temporary_password"] for row in body["first_passwords"]}
    assert set(given) == {"li_na", "aili"}
    li = User.objects.get(username="li_na")
    assert li.password_change_due and li.check_password(given["li_na"])
    assert given["li_na"] not in str(list(AuditEvent.objects.values_list("detail", flat=True)))

    person = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    signed = person.post("/accounts/login/", {"username": "li_na", "password": given["li_na"]})
    assert signed.status_code == 302
    # Every page, fragment and the API wait until the person has chosen a password.
    sent = person.get("/casework/")
    assert sent.status_code == 302 and sent["Location"].startswith("/accounts/password/")
    fragment = person.get("/casework/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 204 and fragment["HX-Redirect"].startswith("/accounts/password/")
    assert person.get("/api/v1/casework/due").status_code == 401
    page = person.get("/accounts/password/").content.decode()
    assert "临时密码" in page
    weak = person.post(
        "/accounts/password/",
        {"old_password": given["li_na"], "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 422
    chosen = "Mingtian-qu-Aksu-7"
    done = person.post(
        "/accounts/password/",
        {"old_password": given["li_na"], "new_password1": chosen, "new_password2": chosen},
    )
    assert done.status_code == 302
    li.refresh_from_db()
    assert not li.password_change_due and li.check_password(chosen)
    assert person.get("/casework/").status_code == 200
    assert AuditEvent.objects.filter(
        object_type="staff", object_id=str(li.pk), detail__changed="own password"
    ).exists()


def test_without_first_passwords_the_new_accounts_have_none(administrator, areas, units):
    content = GOOD_ZH.replace("工作队员", "worker").encode("utf-8")
    body = _upload(ApiClient(administrator), content, "staff.csv", dry_run=False).json()
    assert body["first_passwords"] == []
    assert not User.objects.get(username="li_na").has_usable_password()


def test_the_import_page_shows_the_first_passwords_once_and_uncached(administrator, areas, units):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(administrator)
    content = GOOD_ZH.replace("工作队员", "worker").encode("utf-8")
    response = client.post(
        "/administration/staff/import/",
        {"file": SimpleUploadedFile("staff.csv", content), "run": "1", "first_passwords": "on"},
    )
    text = response.content.decode()
    assert response.status_code == 200 and 'id="first-passwords"' in text
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert text.count("<code") == 2 and "li_na" in text
