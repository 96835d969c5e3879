import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doorstep.hotline import services
from doorstep.hotline.models import Call, Hazard


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_pages_render_without_inline_script_or_style(client, worker_a, office, lift_company):
    client.force_login(worker_a)
    call = services.call_take(
        actor=worker_a, office=office, category="lift_entrapment", channel="t"
    )
    for url in [
        "/hotline/",
        "/hotline/board/rows/",
        "/hotline/calls/new/",
        f"/hotline/calls/{call.pk}/",
        "/hotline/responder/",
        "/hotline/roster/",
        "/hotline/roster/holidays/",
        "/hotline/hazards/",
        "/hotline/on-duty/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        assert "<script>" not in body and "<style" not in body and ' style="' not in body
        assert " onclick=" not in body


def test_board_rows_query_count_is_pinned(
    client, worker_a, office, lift_company, django_assert_max_num_queries
):
    client.force_login(worker_a)
    for _ in range(5):
        c = services.call_take(
            actor=worker_a, office=office, category="lift_entrapment", channel="t"
        )
        services.call_dispatch(actor=worker_a, call=c, responder=lift_company, channel="t")
    with django_assert_max_num_queries(8):
        client.get("/hotline/board/rows/")


def test_intake_page_bad_input_is_a_message_not_a_500(client, worker_a, office):
    client.force_login(worker_a)
    r = client.post(
        f"/hotline/calls/new/?office={office.pk}",
        {"category": "x", "caller_phone": "12", "latitude": "abc", "longitude": "1"},
    )
    assert r.status_code == 422 and Call.objects.count() == 0


def test_outsiders_get_404(client, worker_b, analyst, worker_a, office):
    call = services.call_take(actor=worker_a, office=office, category="water", channel="t")
    for user in (worker_b, analyst):
        client.force_login(user)
        assert client.get(f"/hotline/calls/{call.pk}/").status_code == 404


def test_hazard_photo_is_served_only_to_the_office_staff(client, worker_a, worker_b, office):
    client.force_login(worker_a)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    r = client.post(
        f"/hotline/hazards/?office={office.pk}",
        {
            "kind": "broken_light",
            "address": "5号楼",
            "photo": SimpleUploadedFile("x.png", png, content_type="image/png"),
        },
    )
    assert r.status_code == 302
    hazard = Hazard.objects.get()
    r = client.get(f"/hotline/hazards/{hazard.pk}/photo/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == png
    client.force_login(worker_b)
    assert client.get(f"/hotline/hazards/{hazard.pk}/photo/").status_code == 404
