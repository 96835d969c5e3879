import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from doorstep.hotline import services
from doorstep.hotline.models import CallSource, Hazard, HazardStatus

CH = "test"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_hazard_with_photo_becomes_a_call(worker_a, office):
    patrol = services.patrol_start(
        actor=worker_a, office=office, route="1-5号楼, 沿街商铺", channel=CH
    )
    hazard = services.hazard_record(
        actor=worker_a,
        office=office,
        patrol=patrol,
        kind="blocked_fire_exit",
        description="3号楼消防通道堆放杂物",
        photo=SimpleUploadedFile("a.png", PNG),
        channel=CH,
    )
    assert hazard.photo_type == "image/png" and hazard.photo.name.startswith("hotline/hazards/")
    call = services.hazard_to_call(actor=worker_a, hazard=hazard, channel=CH)
    hazard.refresh_from_db()
    assert call.source == CallSource.PATROL and call.category == "fire_hazard"
    assert hazard.status == HazardStatus.FOLLOWED_UP and hazard.call == call
    assert services.hazard_to_call(actor=worker_a, hazard=hazard, channel=CH) == call


def test_photo_that_is_not_an_image_is_refused_and_nothing_is_written(worker_a, office, tmp_path):
    with pytest.raises(ValidationError) as exc:
        services.hazard_record(
            actor=worker_a,
            office=office,
            kind="broken_light",
            photo=SimpleUploadedFile("a.jpg", b"MZ not an image"),
            channel=CH,
        )
    assert "photo" in exc.value.message_dict
    assert Hazard.objects.count() == 0
    assert not list(tmp_path.rglob("*.*"))
