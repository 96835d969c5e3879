"""Time-based one-time passwords (RFC 6238, HOTP of RFC 4226 underneath) with the
standard library: the defaults every authenticator app uses (SHA-1, 6 digits, 30 s).

No dependency: the algorithm is twenty lines and the RFC's test vectors pin it
(accounts/tests/test_two_factor.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6


def secret_new() -> str:
    """160 random bits (RFC 4226 recommends at least 128), base32 without padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret_b32: str) -> bytes:
    padded = secret_b32.upper() + "=" * (-len(secret_b32) % 8)
    return base64.b32decode(padded)


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def step_at(unix_time: float) -> int:
    return int(unix_time // STEP_SECONDS)


def totp(secret_b32: str, *, at: float | None = None) -> str:
    return hotp(_key(secret_b32), step_at(time.time() if at is None else at))


def totp_match(
    secret_b32: str, code: str, *, at: float | None = None, drift: int = 1
) -> int | None:
    """The time step whose code equals `code`, looking `drift` steps either side for a
    phone clock that is a little off; None when no step matches."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = _key(secret_b32)
    now = step_at(time.time() if at is None else at)
    # Check every candidate, in constant time each, so timing says nothing of which matched.
    found = None
    for step in range(now - drift, now + drift + 1):
        if hmac.compare_digest(hotp(key, step), code):
            found = step
    return found


def provisioning_uri(secret_b32: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI that authenticator apps read from the QR code."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode(
        {"secret": secret_b32, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS}
        | {"period": STEP_SECONDS},
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"
