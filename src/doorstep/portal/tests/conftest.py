import re

import pytest

from doorstep.portal import sms


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.DOORSTEP_SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def last_code(phone: str) -> str:
    message = [m for m in sms.outbox if m.phone == phone][-1]
    return re.search(r"\b(\d{6})\b", message.text).group(1)


@pytest.fixture
def portal_token(resident_a):
    """A signed-in portal session of resident_a (the token the API takes)."""
    from doorstep.portal.auth import session_start

    token, _session = session_start(resident=resident_a)
    return token


@pytest.fixture
def portal_client(client, portal_token):
    from doorstep.portal.auth import COOKIE_NAME

    client.cookies[COOKIE_NAME] = portal_token
    return client
